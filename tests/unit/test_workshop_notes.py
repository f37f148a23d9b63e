"""Listening notes: anonymous unless signed, follow-up, carried to the theme's next session."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.services.workshop import (
    NoteData,
    PlanFields,
    add_note,
    create_meeting,
    delete_note,
    edit_note,
    load_workshop,
    restore_note,
    set_follow_up,
    sign_note,
    update_plan,
)
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Person


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "notes.sqlite3")
    yield database
    database.close()


def _meeting(db: Database, day: dt.date, theme: e.Theme | None = e.Theme.GES) -> uuid.UUID:
    changes = create_meeting(db, PlanFields(date=day, title=f"Atelier du {day}", theme=theme))
    assert changes.meeting_id is not None
    return changes.meeting_id


def _note(db: Database, meeting_id: uuid.UUID, text: str) -> NoteData:
    (note,) = add_note(db, meeting_id, text).upserted_of(NoteData)
    return note


def test_note_is_anonymous_unless_signed(db: Database) -> None:
    meeting = _meeting(db, dt.date(2024, 3, 11))
    note = _note(db, meeting, "Quelles données pour le fret ?")
    assert note.anonymous and note.signed_by == ""
    assert note.follow_up == e.FollowUp.OPEN
    with db.session() as s:
        person = Person(first_name="Camille", last_name="Exemple")
        s.add(person)
        s.flush()
        person_id = person.id
    (signed,) = sign_note(db, note.id, person_id).upserted_of(NoteData)
    assert not signed.anonymous and signed.signed_by == "Camille Exemple"
    (edited,) = edit_note(db, note.id, "Quelles données ?").upserted_of(NoteData)
    assert edited.text == "Quelles données ?"
    (answered,) = set_follow_up(db, note.id, e.FollowUp.ANSWERED, "Celles de l'ORE.").upserted_of(
        NoteData
    )
    assert (answered.follow_up, answered.answer) == (e.FollowUp.ANSWERED, "Celles de l'ORE.")


def test_carried_note_waits_for_the_next_session_of_its_theme(db: Database) -> None:
    march = _meeting(db, dt.date(2024, 3, 11))
    note = _note(db, march, "À reprendre la prochaine fois")
    (carried,) = set_follow_up(db, note.id, e.FollowUp.CARRIED_OVER).upserted_of(NoteData)
    assert carried.carried_to_id is None  # no next session yet
    other_theme = _meeting(db, dt.date(2024, 4, 2), e.Theme.AIR)
    may = _meeting(db, dt.date(2024, 5, 29))
    data = load_workshop(db, may)
    assert data is not None
    assert [n.text for n in data.carried_in] == ["À reprendre la prochaine fois"]
    assert data.carried_in[0].meeting_title == "Atelier du 2024-03-11"
    other = load_workshop(db, other_theme)
    assert other is not None and other.carried_in == []
    # A session planned in between takes it over: it is the next one.
    april = _meeting(db, dt.date(2024, 4, 20))
    april_data, may_data = load_workshop(db, april), load_workshop(db, may)
    assert april_data is not None and may_data is not None
    assert [n.id for n in april_data.carried_in] == [note.id]
    assert may_data.carried_in == []
    # Reopened, it goes back to its own session only.
    set_follow_up(db, note.id, e.FollowUp.OPEN)
    again = load_workshop(db, april)
    assert again is not None and again.carried_in == []


def test_carried_when_the_next_session_exists_and_theme_changed_later(db: Database) -> None:
    march = _meeting(db, dt.date(2024, 3, 11))
    june = _meeting(db, dt.date(2024, 6, 1), theme=None)
    note = _note(db, march, "Reportée")
    set_follow_up(db, note.id, e.FollowUp.CARRIED_OVER)
    data = load_workshop(db, june)
    assert data is not None and data.carried_in == []
    update_plan(db, june, PlanFields(date=dt.date(2024, 6, 1), title="Juin", theme=e.Theme.GES))
    data = load_workshop(db, june)
    assert data is not None and [n.id for n in data.carried_in] == [note.id]
    later = _meeting(db, dt.date(2024, 9, 1))
    note2 = _note(db, june, "Pour septembre")
    (carried,) = set_follow_up(db, note2.id, e.FollowUp.CARRIED_OVER).upserted_of(NoteData)
    assert carried.carried_to_id == later


def test_delete_and_restore_keep_the_id(db: Database) -> None:
    meeting = _meeting(db, dt.date(2024, 3, 11))
    note = _note(db, meeting, "Effacée puis rendue")
    (snapshot,) = delete_note(db, note.id).deleted_of(NoteData)
    data = load_workshop(db, meeting)
    assert data is not None and data.notes == []
    restore_note(db, snapshot)
    data = load_workshop(db, meeting)
    assert data is not None and [n.id for n in data.notes] == [note.id]
