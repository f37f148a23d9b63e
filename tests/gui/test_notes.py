"""Écoute active: transcription with Enter, signature, follow-up keys, notes carried over."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import ListeningNote
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.notes_tab import ANSWER, FOLLOW_UP, NotesTab

from .keys import press, type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def notes(workshop_window: MainWindow) -> NotesTab:
    """The notes of the closed GES workshop (one note: « Quelles données pour le fret ? »)."""
    workshop_window.select_row(2)
    assert workshop_window.open_workshop("board")
    press(Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    tab = workshop_window.workshop().notes
    assert tab.line.hasFocus()
    return tab


def _stored(db: Database) -> dict[str, tuple[e.FollowUp, bool, str | None]]:
    with db.read() as s:
        return {
            n.text: (n.follow_up, n.signed_by_id is not None, n.answer)
            for n in s.scalars(select(ListeningNote))
        }


def test_transcribe_with_enter_anonymous_by_default(notes: NotesTab, db: Database) -> None:
    type_text("Où trouver « les données » de l'œil du cyclone ? Ça presse !")
    press(Qt.Key.Key_Return)
    assert notes.line.text() == ""
    assert notes.line.hasFocus()
    assert [n.text for n in notes.notes()] == [
        "Quelles données pour le fret ?",
        "Où trouver « les données » de l'œil du cyclone ? Ça presse !",
    ]
    assert _stored(db)["Où trouver « les données » de l'œil du cyclone ? Ça presse !"] == (
        e.FollowUp.OPEN,
        False,
        None,
    )
    assert notes.model.index(1, 1).data() == "anonyme"
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the empty line lets undo through
    assert len(notes.notes()) == 1


def test_signed_note(notes: NotesTab, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    type_text("Une note signée")
    notes.signer.setEditText("camille exemple")
    press(Qt.Key.Key_Return, widget=notes.line)
    assert _stored(db)["Une note signée"][1]
    assert notes.model.index(1, 1).data() == "Camille Exemple"
    assert notes.signer.currentText() == ""  # the next note starts anonymous
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    notes.line.setFocus()
    type_text("Signée d'un inconnu")
    notes.signer.setEditText("Personne Inconnue")
    press(Qt.Key.Key_Return, widget=notes.line)
    assert warnings and "n'est pas une personne connue" in warnings[0]
    assert "Signée d'un inconnu" not in _stored(db)
    assert notes.line.text() == "Signée d'un inconnu"  # nothing typed is lost


def test_follow_up_keys_answer_and_delete(notes: NotesTab, db: Database) -> None:
    press(Qt.Key.Key_Down)
    assert notes.view.hasFocus()
    press(Qt.Key.Key_R)
    assert _stored(db)["Quelles données pour le fret ?"][0] == e.FollowUp.ANSWERED
    notes.model.setData(notes.model.index(0, ANSWER), "L'ORE les publie.")
    assert _stored(db)["Quelles données pour le fret ?"] == (
        e.FollowUp.ANSWERED,
        False,
        "L'ORE les publie.",
    )
    notes.model.setData(notes.model.index(0, FOLLOW_UP), e.FollowUp.OPEN)
    assert _stored(db)["Quelles données pour le fret ?"][0] == e.FollowUp.OPEN
    press(Qt.Key.Key_P)
    assert notes.model.index(0, FOLLOW_UP).data() == "reportée à la séance suivante"
    press(Qt.Key.Key_Delete)
    assert _stored(db) == {}
    notes.context.stack.undo()
    assert _stored(db)["Quelles données pour le fret ?"][0] == e.FollowUp.CARRIED_OVER


def test_carried_notes_appear_in_the_next_session_of_the_theme(
    workshop_window: MainWindow, notes: NotesTab, db: Database
) -> None:
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_P)  # carried over: no later GES session exists yet
    assert not notes.carried_view.isVisible()
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # a new session, 5 Sept. 2024
    planning = workshop_window.workshop().planning
    planning.theme.setCurrentIndex(planning.theme.findData(e.Theme.GES.value))
    planning.theme.activated.emit(planning.theme.currentIndex())
    workshop_window.workshop().show_tab("notes")
    assert notes.notes() == []
    assert notes.carried_view.isVisible()
    assert notes.carried_model.index(0, 0).data() == "Quelles données pour le fret ?"
    assert notes.carried_model.index(0, 4).data() == (
        "29 mai — Atelier 2 — Réduire les émissions de GES"
    )
    # Answered here, in the session that took it over.
    notes.carried_view.setFocus()
    notes.carried_view.setCurrentIndex(notes.carried_model.index(0, 0))
    press(Qt.Key.Key_R)
    assert _stored(db)["Quelles données pour le fret ?"][0] == e.FollowUp.ANSWERED
    assert notes.carried_model.index(0, FOLLOW_UP).data() == "répondue"


def test_note_models_pass_qt_checks(qtmodeltester: ModelTester, notes: NotesTab) -> None:
    qtmodeltester.check(notes.model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(notes.carried_model)  # type: ignore[no-untyped-call]
