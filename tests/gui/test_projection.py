"""The projection view: F5, the board in large type, live updates, highlight, nothing personal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from alliance_desktop.core import enums as e
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.projection import HIGHLIGHT_MS, ProjectionWindow
from alliance_desktop.ui.workshop_view import WorkshopView

from .keys import press, type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def view(workshop_window: MainWindow) -> WorkshopView:
    """The running air workshop, on its board."""
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("board")
    return workshop_window.workshop()


def _projection(view: WorkshopView) -> ProjectionWindow:
    assert view.projection is not None
    return view.projection


def test_f5_opens_and_closes_the_projection(
    workshop_window: MainWindow, view: WorkshopView, qtbot: QtBot
) -> None:
    assert not workshop_window.projection_action.isEnabled() or workshop_window.in_workshop()
    press(Qt.Key.Key_F5)
    projection = _projection(view)
    assert projection.isVisible()
    assert projection.title.text() == "Atelier 2 — Qualité de l'air"
    assert projection.subtitle.text() == "5 septembre 2024 · Air · Objectifs & indicateurs"
    assert projection.clock.text() == "0:00 écoulées · 1:18 restantes"
    assert "1. Le chauffage au bois divise" in projection.column_text(e.PointKind.DISSENT)
    assert projection.headers[e.PointKind.DISSENT].text() == "Dissensus · 1"
    # Large type: several times the interface's.
    font = projection.columns[e.PointKind.DISSENT].font()
    assert font.pixelSize() >= 720 // 28
    # The facilitator keeps the keyboard: the projection takes no focus from the board.
    assert view.board.isAncestorOf(workshop_window.focusWidget())
    press(Qt.Key.Key_F5)
    assert not projection.isVisible()
    view.toggle_projection()
    assert projection.isVisible()
    press(Qt.Key.Key_Escape, widget=projection)
    assert not projection.isVisible()


def test_points_appear_as_they_are_typed_and_the_newest_is_highlighted(
    view: WorkshopView, qtbot: QtBot
) -> None:
    view.toggle_projection()
    projection = _projection(view)
    assert projection.highlight_timer.interval() == HIGHLIGHT_MS
    projection.highlight_timer.setInterval(300)  # a few seconds in use; less in a test
    view.board.columns[e.PointKind.CONSENSUS].focus_list()
    press(Qt.Key.Key_C)
    type_text("Chauffage « propre » : où en œuvre ?")
    assert "✎ Chauffage « propre » : où en œuvre ?" in projection.column_text(e.PointKind.CONSENSUS)
    press(Qt.Key.Key_Return)
    text = projection.column_text(e.PointKind.CONSENSUS)
    assert "1. Chauffage « propre » : où en œuvre ?" in text
    assert "✎" not in text
    added = view.board.columns[e.PointKind.CONSENSUS].model.records()[0].id
    assert projection.highlighted() == added
    assert "#fff2a8" in projection.columns[e.PointKind.CONSENSUS].toHtml().lower()
    qtbot.waitUntil(lambda: projection.highlighted() is None)
    # Moves and deletions follow too.
    view.board.columns[e.PointKind.CONSENSUS].focus_list()
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert "Chauffage" not in projection.column_text(e.PointKind.CONSENSUS)
    assert "2. Chauffage « propre »" in projection.column_text(e.PointKind.DISSENT)
    press(Qt.Key.Key_Delete)
    assert "Chauffage" not in projection.column_text(e.PointKind.DISSENT)


def test_projection_shows_nothing_personal(view: WorkshopView) -> None:
    view.toggle_projection()
    projection = _projection(view)
    shown = " ".join(
        [projection.title.text(), projection.subtitle.text(), projection.clock.text()]
        + [projection.column_text(kind) for kind in e.PointKind]
    )
    for name in ("Camille", "Exemple", "Alex", "Métropole", "Valtom"):
        assert name not in shown


def test_closing_the_window_closes_the_projection(
    workshop_window: MainWindow, view: WorkshopView
) -> None:
    view.toggle_projection()
    workshop_window.close()
    assert not _projection(view).isVisible()
