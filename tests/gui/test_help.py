"""F1: the overlay lists every key, and every key it lists is bound to something."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.shortcuts import shortcut_sections, shortcuts_html

from .keys import press

pytestmark = pytest.mark.gui


def _bound(window: MainWindow) -> set[str]:
    keys: set[str] = set()
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            keys.add(sequence.toString(QKeySequence.SequenceFormat.PortableText))
    return keys


def test_f1_shows_and_hides_the_keys(workshop_window: MainWindow) -> None:
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("board")
    focus = workshop_window.focusWidget()
    press(Qt.Key.Key_F1)
    overlay = workshop_window.shortcut_overlay()
    assert overlay is not None and overlay.isVisible()
    assert overlay.geometry() == workshop_window.rect()
    assert overlay.hasFocus()
    text = overlay.text.text()
    for expected in ("Tableau", "Présences", "Écoute active", "C · D · Q", "Alt+← · Alt+→"):
        assert expected in text
    press(Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    assert workshop_window.focusWidget() is focus
    press(Qt.Key.Key_F1)
    assert overlay.isVisible()
    press(Qt.Key.Key_F1)
    assert not overlay.isVisible()


def test_every_key_listed_is_bound(workshop_window: MainWindow) -> None:
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("board")
    bound = _bound(workshop_window)
    for key in (
        "Ctrl+N",
        "Ctrl+E",
        "Ctrl+F",
        "Ctrl+Z",
        "Ctrl+Y",
        "F5",
        "F1",
        "Ctrl+R",
        "Ctrl+Shift+D",
        "Ctrl+Shift+L",
        "Alt+Up",
        "Alt+Down",
        "Ctrl+1",
        "Ctrl+2",
        "Ctrl+3",
        "Ctrl+4",
        "C",
        "D",
        "Q",
        *(f"Alt+{n}" for n in range(1, 8)),
    ):
        assert key in bound, key


def test_alt_digits_switch_tabs(workshop_window: MainWindow) -> None:
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("board")
    view = workshop_window.workshop()
    expected = ["planning", "attendance", "board", "notes", "indicators", "levers", "photos"]
    for n, key in enumerate(expected, start=1):
        press(Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.AltModifier)
        assert view.current_tab() == key
    assert view.tabs.tabToolTip(2) == "Alt+3"


def test_help_in_english() -> None:
    set_language("en")
    sections = [name for name, _lines in shortcut_sections()]
    assert sections[:3] == ["Everywhere", "Board", "Attendance"]
    assert "New point: consensus" in shortcuts_html()


def test_menu_keys_listed_are_bound(qtbot: QtBot, db: Database) -> None:
    from alliance_desktop.app import build_main_window
    from alliance_desktop.ui.shortcuts import _TABLE

    window = build_main_window(db)
    qtbot.addWidget(window)
    bound = _bound(window)
    menus = next(rows for (title, rows) in _TABLE if title[0] == "Menus")
    for (_fr, en), _what in menus:
        assert en in bound, en


def test_tab_and_column_keys_work_from_the_session_list(workshop_window: MainWindow) -> None:
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("planning")
    view = workshop_window.workshop()
    workshop_window.list_view.setFocus(Qt.FocusReason.MouseFocusReason)
    assert workshop_window.focusWidget() is workshop_window.list_view

    press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert view.current_tab() == "board"

    workshop_window.list_view.setFocus(Qt.FocusReason.MouseFocusReason)
    press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert view.current_tab() == "board"
    assert workshop_window.focusWidget() is view.board.columns[e.PointKind.DISSENT].draft

    workshop_window.list_view.setFocus(Qt.FocusReason.MouseFocusReason)
    press(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert view.current_tab() == "notes"
    assert workshop_window.focusWidget() is view.notes.line

    # The search line is outside the workshop screen too.
    workshop_window.search.focus()
    press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert view.current_tab() == "planning"


def _meeting_row(db: Database, title: str) -> tuple[object, ...]:
    from sqlalchemy import select

    from alliance_desktop.storage.models import Meeting

    with db.session() as s:
        m = s.scalars(select(Meeting).where(Meeting.title == title)).one()
        return (m.status, m.started_at, m.closed_at, m.updated_at, m.title, m.date)


def test_workshop_keys_from_the_reading_page_open_the_session_there(
    workshop_window: MainWindow, db: Database
) -> None:
    workshop_window.select_row(2)  # the GES workshop, closed
    title = "Atelier 2 — Réduire les émissions de GES"
    before = _meeting_row(db, title)
    assert not workshop_window.in_workshop()
    workshop_window.list_view.setFocus(Qt.FocusReason.MouseFocusReason)

    press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert workshop_window.in_workshop()
    view = workshop_window.workshop()
    assert view.title_label.text() == title
    assert view.current_tab() == "board"

    # Back to the page: Alt+1 opens the plan; the keyboard then wanders without a change.
    workshop_window.leave_workshop()
    press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert workshop_window.in_workshop() and view.current_tab() == "planning"
    press(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert view.current_tab() == "notes"

    workshop_window.leave_workshop()
    workshop_window.list_view.setFocus(Qt.FocusReason.MouseFocusReason)
    press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert view.current_tab() == "board"
    assert workshop_window.focusWidget() is view.board.columns[e.PointKind.DISSENT].draft
    press(Qt.Key.Key_Escape)

    assert _meeting_row(db, title) == before  # still closed, nothing written
    assert view.stack.count() == 0


def test_reading_page_and_workshop_screen_know_the_same_keys(workshop_window: MainWindow) -> None:
    from alliance_desktop.ui.main_window import WORKSHOP_KEYS

    workshop_window.select_row(1)
    assert workshop_window.open_workshop()
    assert sorted(workshop_window.workshop().keys()) == sorted(WORKSHOP_KEYS)
    page_keys = {
        sequence.toString(QKeySequence.SequenceFormat.PortableText)
        for action in workshop_window.meeting_view.actions()
        for sequence in action.shortcuts()
    }
    assert page_keys == set(WORKSHOP_KEYS)
    # Each key is live once wherever the keyboard is: Alt+5 still switches tabs here.
    press(Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert workshop_window.workshop().current_tab() == "indicators"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1440, 900)])
def test_f1_fits_a_laptop_screen_in_two_aligned_columns(
    qtbot: QtBot, db: Database, width: int, height: int
) -> None:
    from alliance_desktop.app import build_main_window

    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.toggle_shortcuts()
    overlay = window.shortcut_overlay()
    assert overlay is not None
    # Every key at once: no scroll bar, and the panel inside the window.
    assert overlay.scroll_area.verticalScrollBar().maximum() == 0
    panel = overlay.findChild(QWidget, "shortcutPanel")
    assert panel is not None and window.rect().contains(panel.geometry())
    # One table per column (inside the one holding both): their sections line up.
    assert shortcuts_html().count("<table") == 3


def test_f1_scrolls_in_a_small_window(qtbot: QtBot, db: Database) -> None:
    from alliance_desktop.app import build_main_window

    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(800, 500)
    window.show()
    qtbot.waitExposed(window)
    window.toggle_shortcuts()
    overlay = window.shortcut_overlay()
    assert overlay is not None
    assert overlay.scroll_area.verticalScrollBar().maximum() > 0
