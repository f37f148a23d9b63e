"""The workshop screen in the main window: modes, English, another database, reading back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.ui.main_window import MainWindow

from .keys import press

pytestmark = pytest.mark.gui


def test_ctrl_e_switches_modes_and_the_page_shows_what_was_typed(
    workshop_window: MainWindow,
) -> None:
    w = workshop_window
    w.select_row(1)
    assert not w.start_action.isEnabled() and not w.projection_action.isEnabled()
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert w.in_workshop() and w.workshop_action.isChecked()
    assert w.projection_action.isEnabled()
    w.workshop().board.add(e.PointKind.CONSENSUS, "Un point noté en atelier")
    assert "1 présent · 2 points" in w.count_label.text()
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not w.in_workshop()
    assert "Un point noté en atelier" in w.meeting_view.toPlainText()
    assert w.list_view.hasFocus()


def test_enter_on_the_list_opens_the_workshop(workshop_window: MainWindow) -> None:
    w = workshop_window
    w.list_view.setFocus()
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    assert w.in_workshop()
    assert w.workshop().meeting_id == w.current_meeting_id()
    # Moving in the list while in workshop mode opens each session there.
    w.list_view.setFocus()
    press(Qt.Key.Key_Down)
    assert w.workshop().title_label.text() == "Atelier 2 — Réduire les émissions de GES"


def test_workshop_speaks_english(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.select_row(1)
    assert w.open_workshop("board")
    view = w.workshop()
    tabs = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert tabs == [
        "Planning",
        "Attendance",
        "Board",
        "Listening notes",
        "Indicators",
        "Levers && harvest",
        "Photos",
    ]
    assert view.board.columns[e.PointKind.DISSENT].title.text() == "Dissent (D) · 1"
    assert view.close_button.text() == "Close the session"
    assert view.attendance.counts_label.text().startswith("1\u00a0present (1\u00a0member)")


def test_another_database_leaves_the_workshop(workshop_window: MainWindow, tmp_path: Path) -> None:
    w = workshop_window
    w.select_row(1)
    assert w.open_workshop("board")
    other = tmp_path / "autre.sqlite3"
    open_database(other).close()
    assert w.open_database_file(other)
    assert not w.in_workshop()
    assert w.workshop().meeting_id is None
    assert w.workshop().stack.count() == 0
    w.database.close()


def test_keys_start_then_close_the_session_after_asking(
    workshop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alliance_desktop.ui.main_window import CLOSE_KEY, START_KEY

    w = workshop_window
    asked: list[str] = []

    def answer(*args: object, **_kw: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert (START_KEY, CLOSE_KEY) == ("Ctrl+Shift+D", "Ctrl+Shift+L")
    w.new_session()
    view = w.workshop()
    assert view.status() == e.SessionStatus.PLANNED
    assert w.start_action.isEnabled() and not w.close_session_action.isEnabled()
    view.planning.title.setFocus()  # a text field has the keyboard: the keys still work
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(Qt.Key.Key_D, shift_ctrl)
    assert view.status() == e.SessionStatus.RUNNING
    assert view.current_tab() == "board"
    assert not w.start_action.isEnabled() and w.close_session_action.isEnabled()
    press(Qt.Key.Key_L, shift_ctrl)
    assert asked and asked[0].startswith("Clore la séance maintenant")
    assert view.status() == e.SessionStatus.CLOSED
    # A closed session is not started again by mistake: that would erase its closing.
    assert not w.start_action.isEnabled() and not w.close_session_action.isEnabled()
    press(Qt.Key.Key_D, shift_ctrl)
    view.start()
    assert view.status() == e.SessionStatus.CLOSED


def test_closing_by_key_can_be_refused(
    workshop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = workshop_window
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_kw: QMessageBox.StandardButton.No)
    w.select_row(1)  # the air workshop, running
    assert w.open_workshop("board")
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.workshop().status() == e.SessionStatus.RUNNING
