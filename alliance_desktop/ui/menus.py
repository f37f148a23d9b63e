"""The menu bar shared by the feature packages: each finds or adds its own menu in place."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMainWindow, QMenu


def feature_menu(
    window: QMainWindow,
    object_name: str,
    title: str,
    *,
    before_names: Sequence[str] = (),
    before_titles: Sequence[str] = (),
) -> QMenu:
    """The window's menu named ``object_name``, created on first call.

    A new menu goes before the first existing menu named in ``before_names`` (object
    names) or titled in ``before_titles`` (titles without their "&"), else at the end: the
    features attach in any order and the bar still reads Fichier, Séance, Exporter,
    Membres, Indicateurs, Partage, Aide.
    """
    bar = window.menuBar()
    existing = bar.findChild(QMenu, object_name)
    if existing is not None:
        return existing
    menu = QMenu(title, bar)
    menu.setObjectName(object_name)
    for action in bar.actions():
        other = action.menu()
        if isinstance(other, QMenu) and (
            other.objectName() in before_names or other.title().replace("&", "") in before_titles
        ):
            bar.insertMenu(action, menu)
            return menu
    bar.addMenu(menu)
    return menu
