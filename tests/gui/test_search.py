"""Search from the main window: on a worker thread, results open the session at the item."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from alliance_desktop.core import enums as e
from alliance_desktop.services import search as search_service
from alliance_desktop.storage.database import Database
from alliance_desktop.ui import search_panel
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.search_panel import SearchPanel, snippet_html

from .keys import press, type_text

pytestmark = pytest.mark.gui


def _search(window: MainWindow, qtbot: QtBot, text: str) -> SearchPanel:
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.search
    assert panel.line.hasFocus()
    type_text(text)
    qtbot.waitUntil(lambda: panel.status.text() not in ("", "Recherche…"))
    return panel


def test_ctrl_f_searches_every_session_accents_ignored(
    workshop_window: MainWindow, qtbot: QtBot
) -> None:
    panel = _search(workshop_window, qtbot, "evalu")  # « évalués » without its accent
    assert panel.status.text() == "1 résultat"
    assert not workshop_window.list_view.isVisible()
    assert panel.view.isVisible()
    text = panel.model.index(0, 0).data()
    assert text == (
        "29 mai 2024 · Atelier 2 — Réduire les émissions de GES — À éclaircir : "
        "Mieux évaluer les GES évités"
    )
    press(Qt.Key.Key_Escape)
    assert workshop_window.list_view.isVisible()
    assert not panel.view.isVisible()


def test_result_opens_the_session_at_the_point(workshop_window: MainWindow, qtbot: QtBot) -> None:
    _search(workshop_window, qtbot, "chauffage bois")
    press(Qt.Key.Key_Return)
    assert workshop_window.in_workshop()
    view = workshop_window.workshop()
    assert view.title_label.text() == "Atelier 2 — Qualité de l'air"
    assert view.current_tab() == "board"
    column = view.board.columns[e.PointKind.DISSENT]
    assert column.view.hasFocus()
    assert column.view.currentIndex().data() == "1. Le chauffage au bois divise"


def test_result_opens_a_note(workshop_window: MainWindow, qtbot: QtBot) -> None:
    panel = _search(workshop_window, qtbot, "fret")
    assert panel.model.index(0, 0).data().endswith("Note d'écoute : Quelles données pour le fret ?")
    press(Qt.Key.Key_Down)
    assert panel.view.hasFocus()
    press(Qt.Key.Key_Return)
    view = workshop_window.workshop()
    assert view.current_tab() == "notes"
    assert view.notes.view.currentIndex().data() == "Quelles données pour le fret ?"


def test_new_points_are_found_and_nothing_found_is_said(
    workshop_window: MainWindow, qtbot: QtBot, db: Database
) -> None:
    workshop_window.select_row(1)
    workshop_window.open_workshop("board")
    workshop_window.workshop().board.add(e.PointKind.CONSENSUS, "Végétaliser les cœurs d'îlots")
    panel = _search(workshop_window, qtbot, "cœurs ilots")  # « î » typed without its accent
    assert panel.status.text() == "1 résultat"
    panel.line.clear()
    panel.focus()
    type_text("introuvable")
    qtbot.waitUntil(lambda: panel.status.text() == "Aucun résultat")
    assert panel.model.rowCount() == 0


def test_search_never_freezes_the_window(
    workshop_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = search_service.search_all
    threads: list[bool] = []

    def slow(db: Database, query: str, limit: int = 200) -> list[search_service.SearchResult]:
        threads.append(threading.current_thread() is threading.main_thread())
        time.sleep(0.6)  # a very slow disk
        return real(db, query, limit)

    monkeypatch.setattr(search_panel, "search_all", slow, raising=False)
    monkeypatch.setattr(search_service, "search_all", slow)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    panel = _search(workshop_window, qtbot, "chauffage")
    timer.stop()
    assert threads == [False]  # searched on the worker thread
    assert panel.status.text() == "1 résultat"
    # The event loop kept turning while the search ran: no gap near the search's length.
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10
    assert max(gaps) < 0.4


def test_snippet_markup_is_escaped() -> None:
    assert snippet_html("<b>x</b> [mot] & […]") == "&lt;b&gt;x&lt;/b&gt; <b>mot</b> &amp; <b>…</b>"


def test_results_model_passes_qt_checks(
    qtmodeltester: ModelTester, workshop_window: MainWindow, qtbot: QtBot
) -> None:
    panel = _search(workshop_window, qtbot, "GES")
    assert panel.model.rowCount() >= 1
    qtmodeltester.check(panel.model)  # type: ignore[no-untyped-call]


def test_escape_after_opening_a_result_brings_the_list_back(
    workshop_window: MainWindow, qtbot: QtBot
) -> None:
    panel = _search(workshop_window, qtbot, "chauffage bois")
    press(Qt.Key.Key_Return)
    view = workshop_window.workshop()
    column = view.board.columns[e.PointKind.DISSENT]
    assert column.view.hasFocus()
    assert not workshop_window.list_view.isVisible()

    press(Qt.Key.Key_Escape)
    assert not panel.is_active()
    assert workshop_window.list_view.isVisible()
    assert not panel.view.isVisible()
    assert workshop_window.list_view.hasFocus()
    # The session found stays open, selected in the list.
    assert workshop_window.in_workshop()
    assert workshop_window.current_meeting_id() == view.meeting_id


def test_escape_keeps_its_other_meanings_while_a_search_is_shown(
    workshop_window: MainWindow, qtbot: QtBot
) -> None:
    panel = _search(workshop_window, qtbot, "chauffage bois")
    press(Qt.Key.Key_Return)
    view = workshop_window.workshop()
    draft = view.board.columns[e.PointKind.CONSENSUS].draft
    draft.setFocus(Qt.FocusReason.OtherFocusReason)
    type_text("Un point en cours")
    press(Qt.Key.Key_Escape)  # the board's typing line empties itself first
    assert draft.text() == ""
    assert panel.is_active()
    # A second Escape leaves the line for its column; the third closes the search.
    press(Qt.Key.Key_Escape)
    assert panel.is_active()
    press(Qt.Key.Key_Escape)
    assert not panel.is_active()
    assert workshop_window.list_view.hasFocus()


def test_escape_in_the_search_line_empties_it_then_goes_back_to_the_list(
    workshop_window: MainWindow, qtbot: QtBot
) -> None:
    panel = _search(workshop_window, qtbot, "fret")
    press(Qt.Key.Key_Escape)
    assert not panel.is_active()
    assert panel.line.hasFocus()  # ready for another search
    press(Qt.Key.Key_Escape)
    assert workshop_window.list_view.hasFocus()
