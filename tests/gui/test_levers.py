"""Leviers & récolte: levers under headings, harvest tables with partners, edit, delete, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import HarvestItem, Lever
from alliance_desktop.ui.levers_tab import H_PARTNER, LeversTab
from alliance_desktop.ui.main_window import MainWindow

from .keys import press, type_text

pytestmark = pytest.mark.gui

WHAT, WHO, PARTNERS = (
    e.HarvestColumn.WHAT_IS_MISSING,
    e.HarvestColumn.WHO_IS_MISSING,
    e.HarvestColumn.PARTNER_ACTIONS,
)


def _open(window: MainWindow, row: int) -> LeversTab:
    window.select_row(row)
    assert window.open_workshop("levers")
    tab = window.workshop().levers
    assert tab.lever_line.hasFocus()
    return tab


def _levers(db: Database) -> list[tuple[str | None, str]]:
    with db.read() as s:
        return [(lv.heading, lv.text) for lv in s.scalars(select(Lever).order_by(Lever.position))]


def _harvest(db: Database) -> dict[str, tuple[e.HarvestColumn, str | None, bool]]:
    with db.read() as s:
        return {
            h.text: (h.column, h.partner_label, h.partner_organisation_id is not None)
            for h in s.scalars(select(HarvestItem))
        }


def test_levers_typed_under_a_heading(workshop_window: MainWindow, db: Database) -> None:
    tab = _open(workshop_window, 2)  # GES: two levers under « Mobilités »
    assert [tab.levers_model.index(r, 1).data() for r in range(2)] == [
        "Développer le covoiturage",
        "Plus de vélos",
    ]
    tab.heading.setEditText("Agir sur les bâtiments")
    type_text("Rénover les écoles « BBC »")
    press(Qt.Key.Key_Return)
    assert tab.lever_line.text() == ""
    assert _levers(db)[-1] == ("Agir sur les bâtiments", "Rénover les écoles « BBC »")
    assert tab.heading.findText("Agir sur les bâtiments") >= 0  # offered next time
    tab.levers_model.setData(tab.levers_model.index(2, 1), "Rénover les collèges")
    assert _levers(db)[-1] == ("Agir sur les bâtiments", "Rénover les collèges")
    tab.levers_view.setFocus()
    tab.levers_view.setCurrentIndex(tab.levers_model.index(0, 1))
    press(Qt.Key.Key_Delete)
    assert [text for _, text in _levers(db)] == ["Plus de vélos", "Rénover les collèges"]
    tab.context.stack.undo()
    assert [text for _, text in _levers(db)] == [
        "Développer le covoiturage",
        "Plus de vélos",
        "Rénover les collèges",
    ]


def test_harvest_tables_and_partners(
    workshop_window: MainWindow, db: Database, qtbot: QtBot
) -> None:
    tab = _open(workshop_window, 0)  # the Rencontres: two lines for water
    assert tab.harvest_models[WHAT].index(0, 0).data() == "Des données sur les nappes"
    assert tab.harvest_models[WHO].index(0, 0).data() == "Les agriculteurs"
    assert tab.harvest_models[WHO].index(0, 1).data() == "Eau"
    assert not tab.partner.isEnabled()
    tab.harvest_column.setCurrentIndex(tab.harvest_column.findData(PARTNERS.value))
    assert tab.partner.isEnabled()
    tab.harvest_theme.setCurrentIndex(tab.harvest_theme.findData(e.Theme.EAU.value))
    tab.harvest_line.setFocus()
    type_text("Récupérer l'eau de pluie des toits")
    tab.partner.setEditText("valtom")  # a known organisation, typed loosely
    press(Qt.Key.Key_Return, widget=tab.harvest_line)
    assert tab.harvest_line.text() == ""
    type_text("Jardins partagés économes")
    tab.partner.setEditText("Les Jardiniers « du coin »")  # not known: kept as written
    press(Qt.Key.Key_Return, widget=tab.harvest_line)
    stored = _harvest(db)
    assert stored["Récupérer l'eau de pluie des toits"] == (PARTNERS, None, True)
    assert stored["Jardins partagés économes"] == (PARTNERS, "Les Jardiniers « du coin »", False)
    partners = tab.harvest_models[PARTNERS]
    assert [partners.index(r, H_PARTNER).data() for r in range(2)] == [
        "Valtom",
        "Les Jardiniers « du coin »",
    ]
    partners.setData(partners.index(1, H_PARTNER), "Vélocité")
    assert _harvest(db)["Jardins partagés économes"] == (PARTNERS, "Vélocité", False)
    tab.context.stack.undo()
    assert _harvest(db)["Jardins partagés économes"][1] == "Les Jardiniers « du coin »"
    view = tab.harvest_views[WHAT]
    view.setFocus()
    view.setCurrentIndex(tab.harvest_models[WHAT].index(0, 0))
    press(Qt.Key.Key_Delete)
    assert "Des données sur les nappes" not in _harvest(db)
    tab.context.stack.undo()
    assert _harvest(db)["Des données sur les nappes"][0] == WHAT


def test_search_result_opens_a_lever(workshop_window: MainWindow, qtbot: QtBot) -> None:
    workshop_window.search.focus()
    type_text("covoiturage")
    qtbot.waitUntil(lambda: workshop_window.search.status.text() == "1 résultat")
    press(Qt.Key.Key_Return)
    view = workshop_window.workshop()
    assert view.current_tab() == "levers"
    assert view.levers.levers_view.currentIndex().row() == 0
    assert view.levers.levers_view.hasFocus()


def test_models_pass_qt_checks(qtmodeltester: ModelTester, workshop_window: MainWindow) -> None:
    tab = _open(workshop_window, 0)
    qtmodeltester.check(tab.levers_model)  # type: ignore[no-untyped-call]
    for model in tab.harvest_models.values():
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("size", [(1280, 800), (1440, 900)])
def test_harvest_text_keeps_a_readable_width(
    workshop_window: MainWindow, qtbot: QtBot, size: tuple[int, int]
) -> None:
    workshop_window.resize(*size)
    tab = _open(workshop_window, 0)
    long_partner = "Direction départementale des territoires du Puy-de-Dôme"
    assert tab.add_harvest(
        PARTNERS,
        "Massification de la rénovation des logements sociaux du territoire",
        e.Theme.BIODIVERSITE,
        long_partner,
    )
    view = tab.harvest_views[PARTNERS]
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    header = view.horizontalHeader()
    width = view.viewport().width()
    # What was said keeps most of the width, at least its title's: no « Mas… ».
    assert header.sectionSize(0) >= header.sectionSizeHint(0)
    assert header.sectionSize(0) >= width * 0.3
    assert header.sectionSize(H_PARTNER) <= width * 0.3 + 1
    assert view.wordWrap()
    text_height = view.rowHeight(0)
    assert text_height > view.fontMetrics().lineSpacing() * 1.5  # wrapped on two lines
    for view in tab.harvest_views.values():
        assert view.horizontalHeader().sectionSize(0) >= view.horizontalHeader().sectionSizeHint(0)
