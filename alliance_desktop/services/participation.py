"""Participation across the series of sessions: by organisation, by kind, absences, newcomers.

Only sessions where attendance was taken count (at least one person recorded present).
An organisation attends a session when at least one person is present for it (the
organisation recorded on the attendance row, as it was that day, else the person's
current one). Its rate is the share of the sessions held since it joined (its
membership date, else its first appearance) that it attended. Everything is computed
from four plain queries, in Python: the five-year database takes a few milliseconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.core.pseudonyms import fold
from alliance_desktop.services.members import org_key
from alliance_desktop.services.privacy import months_before
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import erased_ids
from alliance_desktop.storage.models import (
    Attendance,
    HarvestItem,
    Meeting,
    Organisation,
    Person,
)

DEFAULT_ABSENCE_MONTHS: Final = 6
_THEME_OF_ID: Final = {reference.theme_id(th): th for th in e.Theme}
# Words of a « Ceux qui manquent ? » line that designate a kind of organisation.
_KIND_WORDS: Final = (
    (e.OrganisationKind.ASSOCIATION, ("association", "associations", "associatif", "associatifs")),
    (e.OrganisationKind.COMPANY, ("entreprise", "entreprises", "commercants", "artisans")),
    (
        e.OrganisationKind.EDUCATION,
        ("ecole", "ecoles", "college", "colleges", "lycee", "lycees", "universite", "etudiants"),
    ),
    (e.OrganisationKind.RESEARCH, ("chercheurs", "recherche", "laboratoires", "scientifiques")),
    (
        e.OrganisationKind.PUBLIC_AUTHORITY,
        ("communes", "elus", "collectivites", "mairies", "maires"),
    ),
    (e.OrganisationKind.PUBLIC_SERVICE, ("services publics", "etat", "bailleurs sociaux")),
)


@dataclass(frozen=True)
class SessionPoint:
    """One session held: who came, by kind of organisation, and who came for the first time."""

    id: uuid.UUID
    date: dt.date
    number: int | None
    title: str
    theme: e.Theme | None
    people: int
    organisations: int
    by_kind: tuple[tuple[e.OrganisationKind, int], ...]
    new_organisations: tuple[str, ...]
    new_people: int


@dataclass(frozen=True)
class OrganisationParticipation:
    """One organisation across the series."""

    id: uuid.UUID
    name: str
    kind: e.OrganisationKind
    is_member: bool
    expected: int
    attended: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    people: int

    @property
    def rate(self) -> float | None:
        """Sessions attended out of those held since it joined (None: none held since)."""
        return self.attended / self.expected if self.expected else None


@dataclass(frozen=True)
class KindParticipation:
    """One kind of organisation across the series."""

    kind: e.OrganisationKind
    organisations: int
    attending: int
    expected: int
    attended: int
    presences: int
    last_seen: dt.date | None

    @property
    def rate(self) -> float | None:
        """Sessions attended out of those expected, over the kind's organisations."""
        return self.attended / self.expected if self.expected else None


@dataclass(frozen=True)
class Absent:
    """A member organisation, or a member's representative, not seen for a long time."""

    id: uuid.UUID
    name: str
    organisation: str
    kind: e.OrganisationKind
    last_seen: dt.date | None


@dataclass(frozen=True)
class MissingCheck:
    """A line of a « Ceux qui manquent ? » harvest list, checked against attendance since."""

    text: str
    theme: e.Theme | None
    listed_on: dt.date
    organisations: tuple[tuple[str, dt.date | None], ...]  # matched, and first seen since
    kind: e.OrganisationKind | None
    kind_present_since: int
    sessions_since: int

    @property
    def status(self) -> str:
        """Where the line stands: ``came``, ``missing``, ``unknown`` or ``too_early``.

        ``came``: someone it designates came since; ``unknown``: nobody recognised in
        the line; ``too_early``: no session was held since.
        """
        if not self.sessions_since and (self.organisations or self.kind is not None):
            return "too_early"
        if self.organisations:
            return "came" if any(d for _n, d in self.organisations) else "missing"
        if self.kind is not None:
            return "came" if self.kind_present_since else "missing"
        return "unknown"


@dataclass(frozen=True)
class ParticipationView:
    """Everything the participation screen shows."""

    sessions: tuple[SessionPoint, ...]
    organisations: tuple[OrganisationParticipation, ...]
    kinds: tuple[KindParticipation, ...]
    absent_organisations: tuple[Absent, ...]
    absent_people: tuple[Absent, ...]
    missing: tuple[MissingCheck, ...]
    absence_months: int
    today: dt.date


def _held(date: dt.date, present: int, today: dt.date) -> bool:
    # A session without any attendance recorded tells nothing about who came (the
    # Rencontres, a list never typed in): counting it would lower every rate.
    return date <= today and present > 0


def _mentions(haystack: str, needle: str) -> bool:
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def participation(
    db: Database,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    absence_months: int = DEFAULT_ABSENCE_MONTHS,
    today: dt.date | None = None,
) -> ParticipationView:
    """Attendance across the sessions held between ``since`` and ``until`` (all by default).

    Args:
        db: the database.
        since: first day of the period.
        until: last day of the period (default: today).
        absence_months: members not seen for this long are listed as absent.
        today: the reference day (tests pass a fixed one).
    """
    today = today or dt.date.today()
    until = min(until or today, today)
    with contextlib.closing(db.read()) as s:
        meetings = s.execute(
            select(
                Meeting.id,
                Meeting.date,
                Meeting.number,
                Meeting.title,
                Meeting.theme_id,
                Meeting.status,
            ).order_by(Meeting.date, Meeting.number)
        ).all()
        orgs = s.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.short_name,
                Organisation.kind,
                Organisation.is_member,
                Organisation.member_since,
                Organisation.active,
            )
        ).all()
        people = s.execute(
            select(
                Person.id,
                Person.first_name,
                Person.last_name,
                Person.organisation_id,
                Person.active,
            )
        ).all()
        presences = s.execute(
            select(Attendance.meeting_id, Attendance.person_id, Attendance.organisation_id).where(
                Attendance.status == e.AttendanceStatus.PRESENT
            )
        ).all()
        harvest = s.execute(
            select(
                HarvestItem.meeting_id,
                HarvestItem.theme_id,
                HarvestItem.text,
                HarvestItem.partner_organisation_id,
                HarvestItem.partner_label,
            ).where(HarvestItem.column == e.HarvestColumn.WHO_IS_MISSING)
        ).all()
        erased = erased_ids(s)

    org_of_person = {p.id: p.organisation_id for p in people}
    org_info = {o.id: o for o in orgs}
    present_count = Counter(m for m, _p, _o in presences)
    date_of = {m.id: m.date for m in meetings}
    # Every session ever held counts for « first seen » and « last seen »; the period
    # only restricts what the rates and the chart cover.
    held_all = [m for m in meetings if _held(m.date, present_count[m.id], today)]
    held = [m for m in held_all if (since is None or m.date >= since) and m.date <= until]
    held_ids = {m.id for m in held_all}
    orgs_at: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    people_at: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    people_of_org: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for meeting_id, person_id, org_id in presences:
        if meeting_id not in held_ids:
            continue
        people_at[meeting_id].add(person_id)
        org = org_id or org_of_person.get(person_id)
        if org is not None:
            orgs_at[meeting_id].add(org)
            people_of_org[org].add(person_id)

    first_org: dict[uuid.UUID, dt.date] = {}
    last_org: dict[uuid.UUID, dt.date] = {}
    first_person: dict[uuid.UUID, dt.date] = {}
    last_person: dict[uuid.UUID, dt.date] = {}
    for m in held_all:
        for o in orgs_at[m.id]:
            first_org.setdefault(o, m.date)
            last_org[o] = m.date
        for p in people_at[m.id]:
            first_person.setdefault(p, m.date)
            last_person[p] = m.date

    sessions = []
    for m in held:
        kinds = Counter(org_info[o].kind for o in orgs_at[m.id] if o in org_info)
        new_orgs = sorted(
            (
                org_info[o].name
                for o in orgs_at[m.id]
                if first_org.get(o) == m.date and o in org_info
            ),
            key=org_key,
        )
        sessions.append(
            SessionPoint(
                id=m.id,
                date=m.date,
                number=m.number,
                title=m.title,
                theme=_THEME_OF_ID.get(m.theme_id) if m.theme_id else None,
                people=len(people_at[m.id]),
                organisations=len(orgs_at[m.id]),
                by_kind=tuple((k, kinds[k]) for k in e.OrganisationKind if kinds[k]),
                new_organisations=tuple(new_orgs),
                new_people=sum(1 for p in people_at[m.id] if first_person.get(p) == m.date),
            )
        )

    dates = [m.date for m in held]
    attended_dates: dict[uuid.UUID, list[dt.date]] = defaultdict(list)
    for m in held:
        for oid in orgs_at[m.id]:
            attended_dates[oid].append(m.date)
    organisations = []
    for org in orgs:
        seen = first_org.get(org.id)
        if not org.is_member and seen is None:
            continue
        joined = org.member_since or seen
        expected = sum(1 for d in dates if joined is None or d >= joined)
        attended = sum(1 for d in attended_dates[org.id] if joined is None or d >= joined)
        organisations.append(
            OrganisationParticipation(
                id=org.id,
                name=org.name,
                kind=org.kind,
                is_member=org.is_member,
                expected=expected,
                attended=attended,
                first_seen=seen,
                last_seen=last_org.get(org.id),
                people=len(people_of_org[org.id] - erased),
            )
        )
    organisations.sort(key=lambda x: org_key(x.name))

    by_kind: list[KindParticipation] = []
    for kind in e.OrganisationKind:
        mine = [x for x in organisations if x.kind is kind]
        if not mine:
            continue
        lasts = [x.last_seen for x in mine if x.last_seen]
        by_kind.append(
            KindParticipation(
                kind=kind,
                organisations=len(mine),
                attending=sum(1 for x in mine if x.attended),
                expected=sum(x.expected for x in mine),
                attended=sum(x.attended for x in mine),
                presences=sum(
                    1
                    for m in held
                    for o in orgs_at[m.id]
                    if o in org_info and org_info[o].kind is kind
                ),
                last_seen=max(lasts) if lasts else None,
            )
        )

    cutoff = months_before(today, absence_months)
    absent_orgs = sorted(
        (
            Absent(o.id, o.name, o.name, o.kind, last_org.get(o.id))
            for o in orgs
            if o.is_member
            and o.active
            and (last_org.get(o.id) is None or last_org[o.id] < cutoff)
            and (o.member_since is None or o.member_since < cutoff)
        ),
        key=lambda a: (a.last_seen or dt.date.min, org_key(a.name)),
    )
    absent_people = sorted(
        (
            Absent(
                p.id,
                f"{p.first_name} {p.last_name}".strip(),
                org_info[p.organisation_id].name,
                org_info[p.organisation_id].kind,
                last_person.get(p.id),
            )
            for p in people
            if p.active
            and p.id not in erased
            and p.organisation_id in org_info
            and org_info[p.organisation_id].is_member
            and p.id in last_person
            and last_person[p.id] < cutoff
        ),
        key=lambda a: (a.last_seen or dt.date.min, fold(a.name)),
    )

    missing = _missing_checks(harvest, date_of, orgs, held_all, orgs_at)
    return ParticipationView(
        sessions=tuple(sessions),
        organisations=tuple(organisations),
        kinds=tuple(by_kind),
        absent_organisations=tuple(absent_orgs),
        absent_people=tuple(absent_people),
        missing=tuple(missing),
        absence_months=absence_months,
        today=today,
    )


def _missing_checks(
    harvest: Sequence[Any],
    date_of: dict[uuid.UUID, dt.date],
    orgs: Sequence[Any],
    held_all: Sequence[Any],
    orgs_at: dict[uuid.UUID, set[uuid.UUID]],
) -> list[MissingCheck]:
    names = [
        (org_key(n), o.id)
        for o in orgs
        for n in (o.name, o.short_name)
        if n and len(org_key(n)) >= 3
    ]
    name_of = {o.id: o.name for o in orgs}
    kind_of = {o.id: o.kind for o in orgs}
    out = []
    for item in harvest:
        listed = date_of.get(item.meeting_id)
        if listed is None:
            continue
        haystack = org_key(f"{item.text} {item.partner_label or ''}")
        matched: set[uuid.UUID] = (
            {item.partner_organisation_id} if item.partner_organisation_id else set()
        )
        matched |= {oid for key, oid in names if _mentions(haystack, key)}
        after = [m for m in held_all if m.date > listed]
        came = [
            (name_of.get(oid, ""), next((m.date for m in after if oid in orgs_at[m.id]), None))
            for oid in sorted(matched, key=lambda i: org_key(name_of.get(i, "")))
        ]
        kind = None
        if not matched:
            kind = next(
                (k for k, words in _KIND_WORDS if any(_mentions(haystack, w) for w in words)), None
            )
        kind_since = (
            len({o for m in after for o in orgs_at[m.id] if kind_of.get(o) is kind})
            if kind is not None
            else 0
        )
        out.append(
            MissingCheck(
                text=item.text,
                theme=_THEME_OF_ID.get(item.theme_id) if item.theme_id else None,
                listed_on=listed,
                organisations=tuple(came),
                kind=kind,
                kind_present_since=kind_since,
                sessions_since=len(after),
            )
        )
    out.sort(key=lambda c: (c.listed_on, fold(c.text)))
    return out
