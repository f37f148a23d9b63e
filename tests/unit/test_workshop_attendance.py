"""Attendance services: the sheet, check-in, newcomers and counts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.services.attendance import (
    AttendanceFields,
    AttendeeData,
    Newcomer,
    add_newcomer,
    attendance_sheet,
    check_in_fields,
    count,
    fold,
    organisations,
    people,
    set_attendance,
)
from alliance_desktop.services.workshop import Part, PlanFields, create_meeting
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Attendance, Organisation, Person


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "presences.sqlite3")
    with database.session() as s:
        member = Organisation(
            name="Clermont Auvergne Métropole",
            short_name="Métropole",
            is_member=True,
            kind=e.OrganisationKind.PUBLIC_AUTHORITY,
        )
        guest = Organisation(name="Vélocité 63", kind=e.OrganisationKind.ASSOCIATION)
        gone = Organisation(name="Ancien membre", is_member=True, active=False)
        s.add_all([member, guest, gone])
        s.add_all(
            [
                Person(first_name="Camille", last_name="Exemple", organisation=member),
                Person(first_name="Éloïse", last_name="Fictive", organisation=member),
                Person(
                    first_name="Inactive", last_name="Personne", organisation=member, active=False
                ),
                Person(first_name="Invité", last_name="Ailleurs", organisation=guest),
                Person(first_name="Plus", last_name="Là", organisation=gone),
            ]
        )
    yield database
    database.close()


@pytest.fixture
def meeting_id(db: Database) -> uuid.UUID:
    changes = create_meeting(db, PlanFields(date=dt.date(2024, 5, 29), title="Atelier"))
    assert changes.meeting_id is not None
    return changes.meeting_id


def _person(db: Database, first: str) -> uuid.UUID:
    with db.read() as s:
        found = s.scalar(select(Person.id).where(Person.first_name == first))
        assert found is not None
        return found


def test_sheet_lists_active_members_representatives(db: Database, meeting_id: uuid.UUID) -> None:
    sheet = attendance_sheet(db, meeting_id)
    assert [(line.name, line.organisation) for line in sheet] == [
        ("Camille Exemple", "Métropole"),
        ("Éloïse Fictive", "Métropole"),
    ]
    assert all(line.status == e.AttendanceStatus.INVITED for line in sheet)
    assert sheet[1].search_key == "eloise fictive metropole clermont auvergne metropole"
    with db.read() as s:  # nothing written just to show the sheet
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0


def test_check_in_writes_one_row_and_shows_a_guest_once_recorded(
    db: Database, meeting_id: uuid.UUID
) -> None:
    guest = _person(db, "Invité")
    line = next(x for x in attendance_sheet(db, meeting_id) if x.name == "Camille Exemple")
    fields = check_in_fields(line, dt.time(17, 3, 41))
    assert fields == AttendanceFields(
        e.Role.MEMBER, e.AttendanceStatus.PRESENT, dt.time(17, 3), None
    )
    changes = set_attendance(db, meeting_id, line.id, fields)
    assert changes.parts == frozenset({Part.ATTENDANCE, Part.SESSIONS})
    (saved,) = changes.upserted_of(AttendeeData)
    assert saved.present and saved.arrived_at == dt.time(17, 3)
    # Checked out and in again: the first arrival is kept.
    out = check_in_fields(saved, dt.time(17, 30))
    assert out.status == e.AttendanceStatus.INVITED
    set_attendance(db, meeting_id, line.id, out)
    again = check_in_fields(
        next(x for x in attendance_sheet(db, meeting_id) if x.id == line.id), dt.time(17, 40)
    )
    assert again.arrived_at == dt.time(17, 3)
    set_attendance(
        db,
        meeting_id,
        guest,
        AttendanceFields(e.Role.EXPERT, e.AttendanceStatus.PRESENT, dt.time(17, 0), dt.time(18, 0)),
    )
    names = [x.name for x in attendance_sheet(db, meeting_id)]
    assert names == ["Camille Exemple", "Éloïse Fictive", "Invité Ailleurs"]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 2


def test_newcomer_with_new_or_known_organisation(db: Database, meeting_id: uuid.UUID) -> None:
    changes = add_newcomer(
        db,
        meeting_id,
        Newcomer("Zoé", "Nouvelle", organisation_name="Les Jardins « partagés »"),
        dt.time(17, 20, 5),
    )
    (line,) = changes.upserted_of(AttendeeData)
    assert (line.name, line.organisation, line.role, line.arrived_at) == (
        "Zoé Nouvelle",
        "Les Jardins « partagés »",
        e.Role.NEWCOMER,
        dt.time(17, 20),
    )
    add_newcomer(
        db,
        meeting_id,
        Newcomer("Léo", "Habitant", role=e.Role.RESIDENT, organisation_name="vélocité 63"),
        dt.time(17, 25),
    )
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 4
    names = {o.name for o in organisations(db)}
    assert "Ancien membre" not in names
    assert {"Les Jardins « partagés »", "Vélocité 63"} <= names
    assert [p.name for p in people(db)][:2] == ["Camille Exemple", "Éloïse Fictive"]
    with pytest.raises(KnownError, match="au moins un nom"):
        add_newcomer(db, meeting_id, Newcomer(" ", ""), dt.time(17, 0))


def test_counts_by_role_and_kind(db: Database, meeting_id: uuid.UUID) -> None:
    for first, status in (
        ("Camille", e.AttendanceStatus.PRESENT),
        ("Éloïse", e.AttendanceStatus.EXCUSED),
    ):
        set_attendance(
            db,
            meeting_id,
            _person(db, first),
            AttendanceFields(e.Role.MEMBER, status, None, None),
        )
    add_newcomer(
        db,
        meeting_id,
        Newcomer("A", "B", role=e.Role.ELECTED, organisation_name="Vélocité 63"),
        dt.time(17, 0),
    )
    c = count(attendance_sheet(db, meeting_id))
    assert (c.present, c.excused, c.absent) == (2, 1, 0)
    assert c.by_role == {e.Role.MEMBER: 1, e.Role.ELECTED: 1}
    assert c.by_kind == {
        e.OrganisationKind.PUBLIC_AUTHORITY: 1,
        e.OrganisationKind.ASSOCIATION: 1,
    }


def test_fold() -> None:
    assert fold("Éloïse « Œuvre » ÇA") == "eloise « oeuvre » ca"


def test_newcomer_consent_is_opt_in(db: Database, meeting_id: uuid.UUID) -> None:
    add_newcomer(db, meeting_id, Newcomer("Ana", "Sans-Accord"), dt.time(17, 5))
    add_newcomer(
        db,
        meeting_id,
        Newcomer("Bea", "Nommée", consent_named=True, consent_photo=True),
        dt.time(17, 6),
    )
    with db.read() as s:
        consents = {
            p.last_name: (p.consent_named, p.consent_photo) for p in s.scalars(select(Person))
        }
    assert consents["Sans-Accord"] == (False, False)
    assert consents["Nommée"] == (True, True)
