"""The board: keys to add, edit, move, reorder and delete points; undo and redo; accents."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.services.workshop import PointData
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Point
from alliance_desktop.ui.board import BoardTab
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.workshop_models import RecordListModel

from .keys import press, type_text

pytestmark = pytest.mark.gui

C, D, Q = e.PointKind.CONSENSUS, e.PointKind.DISSENT, e.PointKind.OPEN_QUESTION
ACCENTED = "Réduire l'œuf « bio » à Noël, ça coûte ; ÉÀÇ"


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> Iterator[MainWindow]:
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    qtbot.waitExposed(w)
    yield w


@pytest.fixture
def board(window: MainWindow) -> BoardTab:
    """The board of the running air workshop (one dissent point)."""
    window.select_row(1)
    assert window.open_workshop("board")
    board = window.workshop().board
    assert board.isVisible()
    return board


def _stored(db: Database) -> dict[uuid.UUID, tuple[e.PointKind, str, float]]:
    with db.read() as s:
        return {p.id: (p.kind, p.text, p.position) for p in s.scalars(select(Point))}


def _texts(board: BoardTab, kind: e.PointKind) -> list[str]:
    return [p.text for p in board.columns[kind].model.records()]


def test_board_shows_the_session_points(board: BoardTab) -> None:
    assert _texts(board, D) == ["Le chauffage au bois divise"]
    assert _texts(board, C) == []
    assert board.columns[D].title.text() == "Dissensus (D) · 1"
    assert board.columns[C].view.hasFocus()
    index = board.columns[D].model.index(0, 0)
    assert index.data() == "1. Le chauffage au bois divise"


def test_letter_keys_open_a_column_and_enter_saves(board: BoardTab, db: Database) -> None:
    press(Qt.Key.Key_Q)
    draft = board.columns[Q].draft
    assert draft.hasFocus()
    type_text(ACCENTED)
    assert draft.text() == ACCENTED
    press(Qt.Key.Key_Return)
    assert draft.text() == ""
    assert draft.hasFocus()  # ready for the next point at once
    assert _texts(board, Q) == [ACCENTED]
    assert (Q, ACCENTED) in {(k, text) for k, text, _ in _stored(db).values()}
    # A letter typed in a text field is text, not a shortcut.
    type_text("Deux")
    assert draft.text() == "Deux"
    assert board.columns[D].draft.text() == ""


def test_ctrl_digits_reach_a_column_from_another_tab(window: MainWindow, board: BoardTab) -> None:
    press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert board.columns[D].draft.hasFocus()
    press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert board.columns[C].draft.hasFocus()
    press(Qt.Key.Key_Escape)  # leaves the empty line for the list
    assert board.columns[C].view.hasFocus()


def test_undo_and_redo_keep_the_same_id(window: MainWindow, board: BoardTab, db: Database) -> None:
    press(Qt.Key.Key_C)
    type_text("Premier point")
    press(Qt.Key.Key_Return)
    type_text("Second point")
    press(Qt.Key.Key_Return)
    assert _texts(board, C) == ["Premier point", "Second point"]
    first_ids = {p.id for p in board.columns[C].model.records()}
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _texts(board, C) == ["Premier point"]
    assert len(_stored(db)) == 6  # the fixture's five points and the first one
    press(Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _texts(board, C) == ["Premier point", "Second point"]
    assert {p.id for p in board.columns[C].model.records()} == first_ids
    assert first_ids <= set(_stored(db))
    assert window.undo_action.text() == "Annuler ajout d'un point"


def test_edit_in_place(board: BoardTab, db: Database, qtbot: QtBot) -> None:
    column = board.columns[D]
    column.focus_list()
    press(Qt.Key.Key_Return)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    type_text("Le bois-énergie divise")
    press(Qt.Key.Key_Return)
    # The delegate commits an in-place edit from the event loop, not at once.
    qtbot.waitUntil(lambda: _texts(board, D) == ["Le bois-énergie divise"])
    assert "Le bois-énergie divise" in {text for _, text, _ in _stored(db).values()}
    board.context.stack.undo()
    assert _texts(board, D) == ["Le chauffage au bois divise"]


def test_move_between_columns_reorder_and_delete(board: BoardTab, db: Database) -> None:
    for text in ("Un", "Deux", "Trois"):
        board.add(C, text)
    consensus = board.columns[C]
    consensus.select(consensus.model.records()[2].id)
    consensus.view.setFocus()
    press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert _texts(board, C) == ["Un", "Trois", "Deux"]
    press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert _texts(board, C) == ["Trois", "Un", "Deux"]
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _texts(board, C) == ["Un", "Trois", "Deux"]
    order = sorted(
        (pos, text) for kind, text, pos in _stored(db).values() if kind == C and len(text) < 6
    )
    assert [text for _, text in order] == ["Un", "Trois", "Deux"]

    press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # "Trois" goes to dissent
    assert _texts(board, C) == ["Un", "Deux"]
    assert _texts(board, D) == ["Le chauffage au bois divise", "Trois"]
    assert board.columns[D].view.hasFocus()
    trois = board.columns[D].model.records()[1].id
    assert _stored(db)[trois][0] == D

    press(Qt.Key.Key_Delete)
    assert _texts(board, D) == ["Le chauffage au bois divise"]
    assert trois not in _stored(db)
    board.context.stack.undo()  # back with its id, column and place
    assert _texts(board, D) == ["Le chauffage au bois divise", "Trois"]
    assert _stored(db)[trois][:2] == (D, "Trois")
    board.context.stack.undo()  # and back to consensus
    assert _texts(board, C) == ["Un", "Trois", "Deux"]


def test_window_shortcut_alt_up_still_changes_session_outside_the_board(
    window: MainWindow, board: BoardTab
) -> None:
    window.list_view.setFocus()
    press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.workshop().meeting_id == window.current_meeting_id()
    assert window.list_view.currentIndex().row() == 0


def test_failed_save_is_reported_and_not_undoable(
    board: BoardTab, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    with db.session() as s:  # deleted meanwhile (on another laptop)
        s.delete(s.get(Point, board.columns[D].model.records()[0].id))
    point = board.columns[D].model.records()[0]
    board.edit(point.id, "Nouveau texte")
    assert warnings and "n'existe plus" in warnings[0]
    assert board.context.stack.count() == 0


def test_point_models_pass_qt_checks(qtmodeltester: ModelTester, board: BoardTab) -> None:
    for text in ("Un", "Deux"):
        board.add(C, text)
    for column in board.columns.values():
        qtmodeltester.check(column.model)  # type: ignore[no-untyped-call]
    model: RecordListModel[PointData] = RecordListModel(lambda p: p.text)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_only_the_column_with_the_keyboard_shows_its_chosen_point(board: BoardTab) -> None:
    assert board.add(C, "Un point de consensus") is not None
    assert board.add(Q, "Une question") is not None
    for kind in (C, D, Q):
        column = board.columns[kind]
        column.view.setCurrentIndex(column.model.index(0, 0))
    board.columns[D].focus_list()
    assert board.columns[D].view.hasFocus()
    highlight = (
        board.columns[D]
        .view.palette()
        .color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    )

    def shown(kind: e.PointKind) -> QColor:
        view = board.columns[kind].view
        rect = view.visualRect(view.currentIndex())
        image = view.viewport().grab().toImage()
        return image.pixelColor(rect.right() - 4, rect.center().y())

    def near(colour: QColor) -> bool:  # the style may shade the highlight a little
        return (
            abs(colour.red() - highlight.red())
            + abs(colour.green() - highlight.green())
            + abs(colour.blue() - highlight.blue())
        ) < 30

    assert near(shown(D))
    assert not near(shown(C))
    assert not near(shown(Q))


def test_new_point_hint_fits_its_line(board: BoardTab, window: MainWindow) -> None:
    window.resize(1280, 800)
    for column in board.columns.values():
        draft = column.draft
        room = draft.width() - 12  # the frame and text margins
        assert draft.fontMetrics().horizontalAdvance(draft.placeholderText()) <= room
        assert "Ctrl+" in draft.toolTip()
