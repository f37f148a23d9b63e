"""Attendance at a session: the expected members, check-in, newcomers, live counts."""

# Every member organisation is invited to every workshop, so the sheet starts from the
# known representatives of the member organisations; a row is written only when
# something happens to a person (checked in, excused, given a role), which keeps the
# records small and the sharing engine's log to what was actually done.

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.services.workshop import Changes, Part, clean_text
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Attendance, Meeting, Organisation, Person


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Text for type-ahead matching: no case, no accents (« Métropole » → « metropole »)."""
    # NFKD splits « é » into « e » and an accent, but leaves the ligatures whole.
    plain = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class AttendeeData:
    """One line of the attendance sheet: a person, their organisation, their attendance."""

    id: uuid.UUID  # the person's id: a line exists before any attendance row does
    name: str
    organisation_id: uuid.UUID | None
    organisation: str
    organisation_kind: e.OrganisationKind | None
    is_member: bool
    role: e.Role
    status: e.AttendanceStatus
    arrived_at: dt.time | None
    left_at: dt.time | None
    search_key: str = field(compare=False, default="")

    @property
    def present(self) -> bool:
        """Whether the person is checked in."""
        return self.status == e.AttendanceStatus.PRESENT


@dataclass(frozen=True)
class AttendanceFields:
    """What the facilitator sets on a line; undo puts the previous values back."""

    role: e.Role
    status: e.AttendanceStatus
    arrived_at: dt.time | None
    left_at: dt.time | None

    @classmethod
    def of(cls, line: AttendeeData) -> AttendanceFields:
        """The fields of a line as it stands."""
        return cls(line.role, line.status, line.arrived_at, line.left_at)


@dataclass(frozen=True)
class _Org:
    id: uuid.UUID
    name: str
    short_name: str | None
    kind: e.OrganisationKind
    is_member: bool


@dataclass(frozen=True)
class _Seen:
    role: e.Role
    status: e.AttendanceStatus
    arrived_at: dt.time | None
    left_at: dt.time | None


def _line(
    person_id: uuid.UUID, name: str, org: _Org | None, attendance: _Seen | None
) -> AttendeeData:
    org_name = (org.short_name or org.name) if org is not None else ""
    full_org = org.name if org is not None else ""
    return AttendeeData(
        id=person_id,
        name=name,
        organisation_id=org.id if org is not None else None,
        organisation=org_name,
        organisation_kind=org.kind if org is not None else None,
        is_member=bool(org is not None and org.is_member),
        role=attendance.role if attendance is not None else e.Role.MEMBER,
        status=attendance.status if attendance is not None else e.AttendanceStatus.INVITED,
        arrived_at=attendance.arrived_at if attendance is not None else None,
        left_at=attendance.left_at if attendance is not None else None,
        search_key=fold(f"{name} {org_name} {full_org}"),
    )


def _org(o: Organisation | None) -> _Org | None:
    return None if o is None else _Org(o.id, o.name, o.short_name, o.kind, o.is_member)


def sheet_order(line: AttendeeData) -> tuple[str, str]:
    """Lines sorted by organisation, then by name, as on a paper sign-in sheet."""
    return (fold(line.organisation) or "\uffff", fold(line.name))


def attendance_sheet(db: Database, meeting_id: uuid.UUID) -> list[AttendeeData]:
    """The expected members' representatives and everyone recorded for this session."""
    # Plain rows rather than ORM objects: a sheet is a few hundred lines, read at
    # every opening of a session, and nothing here is written back.
    with db.read() as s:
        orgs = {
            row.id: _Org(row.id, row.name, row.short_name, row.kind, row.is_member)
            for row in s.execute(
                select(
                    Organisation.id,
                    Organisation.name,
                    Organisation.short_name,
                    Organisation.kind,
                    Organisation.is_member,
                )
            )
        }
        recorded = {
            row.person_id: row
            for row in s.execute(
                select(
                    Attendance.person_id,
                    Attendance.organisation_id,
                    Attendance.role,
                    Attendance.status,
                    Attendance.arrived_at,
                    Attendance.left_at,
                ).where(Attendance.meeting_id == meeting_id)
            )
        }
        people = s.execute(
            select(Person.id, Person.first_name, Person.last_name, Person.organisation_id)
            .outerjoin(Organisation, Person.organisation_id == Organisation.id)
            .where(
                or_(
                    Person.id.in_(recorded) if recorded else false(),
                    (Person.active.is_(True))
                    & (Organisation.is_member.is_(True))
                    & (Organisation.active.is_(True)),
                )
            )
        )
        lines = []
        for person_id, first, last, org_id in people:
            row = recorded.get(person_id)
            seen = None
            if row is not None:
                seen = _Seen(row.role, row.status, row.arrived_at, row.left_at)
                # The organisation as it was that day, when the row says so.
                org_id = row.organisation_id or org_id
            name = f"{first} {last}".strip()
            lines.append(_line(person_id, name, orgs.get(org_id) if org_id else None, seen))
        return sorted(lines, key=sheet_order)


def _set(
    s: Session, meeting_id: uuid.UUID, person_id: uuid.UUID, fields: AttendanceFields
) -> AttendeeData:
    person = s.get(Person, person_id)
    if person is None:
        raise KnownError(
            t(
                "Cette personne n'existe plus : elle a été supprimée entre-temps.",
                "This person no longer exists: they were deleted meanwhile.",
            )
        )
    attendance = s.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.person_id == person_id
        )
    )
    if attendance is None:
        attendance = Attendance(
            meeting_id=meeting_id, person_id=person_id, organisation_id=person.organisation_id
        )
        s.add(attendance)
    attendance.role = fields.role
    attendance.status = fields.status
    attendance.arrived_at = fields.arrived_at
    attendance.left_at = fields.left_at
    s.flush()
    org = s.get(Organisation, attendance.organisation_id) if attendance.organisation_id else None
    seen = _Seen(attendance.role, attendance.status, attendance.arrived_at, attendance.left_at)
    return _line(person.id, person.full_name, _org(org), seen)


def set_attendance(
    db: Database, meeting_id: uuid.UUID, person_id: uuid.UUID, fields: AttendanceFields
) -> Changes:
    """Set a person's role, status and times at this session."""
    with db.session() as s:
        line = _set(s, meeting_id, person_id, fields)
        return Changes(meeting_id, frozenset({Part.ATTENDANCE, Part.SESSIONS}), (line,))


def check_in_fields(line: AttendeeData, now: dt.time) -> AttendanceFields:
    """The fields after a click or a key on a line: present if not, else back to invited.

    The arrival time is the current minute, unless one was already set; checking
    someone out by mistake and in again keeps their first arrival.
    """
    if line.present:
        return AttendanceFields(line.role, e.AttendanceStatus.INVITED, line.arrived_at, None)
    arrived = line.arrived_at or now.replace(second=0, microsecond=0)
    return AttendanceFields(line.role, e.AttendanceStatus.PRESENT, arrived, None)


@dataclass(frozen=True)
class Newcomer:
    """A person who came without being expected, typed in during the session."""

    first_name: str
    last_name: str
    role: e.Role = e.Role.NEWCOMER
    organisation_id: uuid.UUID | None = None  # an organisation already known
    organisation_name: str | None = None  # else a new one, by name
    organisation_kind: e.OrganisationKind = e.OrganisationKind.OTHER
    # Consent is opt-in (GDPR): without it the person is counted, not named nor shown.
    consent_named: bool = False  # named in the minutes and the attendance export
    consent_photo: bool = False  # may appear in the photos


def add_newcomer(db: Database, meeting_id: uuid.UUID, newcomer: Newcomer, now: dt.time) -> Changes:
    """Record a newcomer (and their organisation, if new) as present from ``now``."""
    first, last = clean_text(newcomer.first_name), clean_text(newcomer.last_name)
    if not (first or last):
        raise KnownError(t("Indiquez au moins un nom.", "Give at least a name."))
    with db.session() as s:
        if s.get(Meeting, meeting_id) is None:
            raise KnownError(
                t(
                    "Cette séance n'existe plus : elle a été supprimée entre-temps.",
                    "This session no longer exists: it was deleted meanwhile.",
                )
            )
        org_id = newcomer.organisation_id
        name = clean_text(newcomer.organisation_name or "")
        if org_id is None and name:
            org_id = _find_organisation(s, name)
            if org_id is None:
                org = Organisation(name=name, kind=newcomer.organisation_kind, is_member=False)
                s.add(org)
                s.flush()
                org_id = org.id
        person = Person(
            first_name=first,
            last_name=last,
            organisation_id=org_id,
            consent_named=newcomer.consent_named,
            consent_photo=newcomer.consent_photo,
        )
        s.add(person)
        s.flush()
        line = _set(
            s,
            meeting_id,
            person.id,
            AttendanceFields(
                newcomer.role,
                e.AttendanceStatus.PRESENT,
                now.replace(second=0, microsecond=0),
                None,
            ),
        )
        return Changes(meeting_id, frozenset({Part.ATTENDANCE, Part.SESSIONS}), (line,))


def _find_organisation(s: Session, name: str) -> uuid.UUID | None:
    folded = fold(name)
    for org_id, full, short in s.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name)
    ):
        if folded in (fold(full), fold(short or "")):
            return org_id
    return None


@dataclass(frozen=True)
class OrganisationChoice:
    """An organisation offered when typing a newcomer's or a partner's organisation."""

    id: uuid.UUID
    name: str
    kind: e.OrganisationKind
    is_member: bool


def organisations(db: Database) -> list[OrganisationChoice]:
    """Every active organisation, by name."""
    with db.read() as s:
        rows = s.scalars(select(Organisation).where(Organisation.active.is_(True)))
        return sorted(
            (OrganisationChoice(o.id, o.display_name, o.kind, o.is_member) for o in rows),
            key=lambda o: fold(o.name),
        )


@dataclass(frozen=True)
class PersonChoice:
    """A person offered when someone signs a note."""

    id: uuid.UUID
    name: str
    organisation: str


def people(db: Database) -> list[PersonChoice]:
    """Every active person, by name, with their organisation."""
    with db.read() as s:
        rows = s.execute(
            select(Person, Organisation)
            .outerjoin(Organisation, Person.organisation_id == Organisation.id)
            .where(Person.active.is_(True))
        )
        return sorted(
            (
                PersonChoice(p.id, p.full_name, o.display_name if o is not None else "")
                for p, o in rows
            ),
            key=lambda c: fold(c.name),
        )


@dataclass(frozen=True)
class AttendanceCounts:
    """The live counts under the sheet."""

    present: int
    excused: int
    absent: int
    by_role: Counter[e.Role]
    by_kind: Counter[e.OrganisationKind | None]


def count(lines: list[AttendeeData]) -> AttendanceCounts:
    """Present, excused and absent people; the present ones by role and kind of organisation."""
    present = [line for line in lines if line.present]
    return AttendanceCounts(
        present=len(present),
        excused=sum(line.status == e.AttendanceStatus.EXCUSED for line in lines),
        absent=sum(line.status == e.AttendanceStatus.ABSENT for line in lines),
        by_role=Counter(line.role for line in present),
        by_kind=Counter(line.organisation_kind for line in present),
    )
