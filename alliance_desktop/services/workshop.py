"""Use cases of the workshop screen: plan, run and record a session, one transaction each.

Every function that writes takes the Database, commits one ORM transaction (the sharing
engine records field-level changes from the ORM's events, so nothing here writes raw
SQL) and returns a :class:`Changes` record: which parts of the screen to refresh, and
the plain records of the rows created, changed or deleted, so that the window updates
those rows instead of reading the whole session again (as Anki's ``OpChanges``).
A deleted row's record is its snapshot: passing it back to the matching ``restore_``
function re-creates the row with the same id, which is how undo works.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import clock, long_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.rules import (
    WARNING_BEFORE_END,
    EndLimit,
    PlanWarning,
    check_plan,
    session_end,
)
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import (
    Base,
    Contributor,
    HarvestItem,
    Indicator,
    Lever,
    ListeningNote,
    Meeting,
    Objective,
    Organisation,
    Point,
    ThemeRow,
    utcnow,
)

T = TypeVar("T")
M = TypeVar("M", bound=Base)


class Part(StrEnum):
    """A part of the workshop screen that a change may require to refresh."""

    PLAN = "plan"
    STATUS = "status"
    POINTS = "points"
    ATTENDANCE = "attendance"
    NOTES = "notes"
    INDICATORS = "indicators"
    LEVERS = "levers"
    HARVEST = "harvest"
    PHOTOS = "photos"
    SESSIONS = "sessions"  # the list of sessions in the main window


@dataclass(frozen=True)
class Changes:
    """What one use case changed, for the screen to refresh only that.

    ``upserted`` holds the plain records (``PointData``, ``NoteData``…) of rows created
    or changed, as they now are; ``deleted`` the records of rows deleted, as they were.
    """

    meeting_id: uuid.UUID | None
    parts: frozenset[Part]
    upserted: tuple[Any, ...] = ()
    deleted: tuple[Any, ...] = ()

    def touches(self, part: Part) -> bool:
        """Whether the screen's ``part`` must be refreshed."""
        return part in self.parts

    def upserted_of(self, cls: type[T]) -> list[T]:
        """The created or changed records of one type."""
        return [r for r in self.upserted if isinstance(r, cls)]

    def deleted_of(self, cls: type[T]) -> list[T]:
        """The deleted records of one type."""
        return [r for r in self.deleted if isinstance(r, cls)]


def _changes(
    meeting_id: uuid.UUID | None,
    *parts: Part,
    upserted: Iterable[Any] = (),
    deleted: Iterable[Any] = (),
) -> Changes:
    return Changes(meeting_id, frozenset(parts), tuple(upserted), tuple(deleted))


class Gone(KnownError):
    """The row to change no longer exists (deleted meanwhile, on this laptop or another)."""


def _get(s: Session, cls: type[M], row_id: uuid.UUID, what_fr: str, what_en: str) -> M:
    row = s.get(cls, row_id)
    if row is None:
        raise Gone(
            t(
                f"{what_fr} n'existe plus : il a été supprimé entre-temps.",
                f"{what_en} no longer exists: it was deleted meanwhile.",
            )
        )
    return row


def _meeting(s: Session, meeting_id: uuid.UUID) -> Meeting:
    return _get(s, Meeting, meeting_id, "Cette séance", "This session")


def clean_text(text: str) -> str:
    """User text as stored: surrounding blanks dropped, Windows line ends made plain."""
    return text.replace("\r\n", "\n").strip()


def _required(text: str) -> str:
    cleaned = clean_text(text)
    if not cleaned:
        raise KnownError(t("Le texte est vide : rien n'a été noté.", "The text is empty."))
    return cleaned


def _optional(text: str | None) -> str | None:
    if text is None:
        return None
    return clean_text(text) or None


# --- plan and status -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFields:
    """What the facilitator plans for a session (the Préparation tab)."""

    date: dt.date
    start_time: dt.time | None = dt.time(17, 0)
    planned_end: dt.time | None = dt.time(19, 0)
    title: str = ""
    kind: e.SessionKind = e.SessionKind.WORKSHOP
    theme: e.Theme | None = None
    stage: e.Stage | None = None
    location: str | None = None
    background: str | None = None
    speakers: tuple[str, ...] = ()
    co_facilitators: tuple[str, ...] = ()
    graphic_facilitators: tuple[str, ...] = ()

    def warnings(self) -> list[PlanWarning]:
        """The Alliance's rules this plan breaks (two hours, 19:00); advice only."""
        return check_plan(self.start_time, self.planned_end)


@dataclass(frozen=True)
class PlanData:
    """A session as planned, and where it stands."""

    id: uuid.UUID
    number: int | None
    fields: PlanFields
    status: e.SessionStatus
    started_at: dt.datetime | None  # UTC
    closed_at: dt.datetime | None  # UTC


_CONTRIBUTOR_ROLES = (
    (e.ContributorRole.SPEAKER, "speakers"),
    (e.ContributorRole.CO_FACILITATOR, "co_facilitators"),
    (e.ContributorRole.GRAPHIC_FACILITATOR, "graphic_facilitators"),
)


# Reference rows have fixed ids: reading a theme or stage needs no query (and no relationship
# that would go stale when the id changes within a transaction).
_THEMES: dict[uuid.UUID, e.Theme] = {reference.theme_id(code): code for code in e.Theme}
_STAGES: dict[uuid.UUID, e.Stage] = {reference.stage_id(code): code for code in e.Stage}


def _contributor_name(c: Contributor) -> str:
    if c.label:
        return c.label
    if c.person is not None:
        return c.person.full_name
    if c.organisation is not None:
        return c.organisation.display_name
    return ""


def _plan_data(m: Meeting) -> PlanData:
    names: dict[e.ContributorRole, list[str]] = {role: [] for role, _ in _CONTRIBUTOR_ROLES}
    for c in m.contributors:
        names[c.role].append(_contributor_name(c))
    fields = PlanFields(
        date=m.date,
        start_time=m.start_time,
        planned_end=m.planned_end,
        title=m.title,
        kind=m.kind,
        theme=_THEMES.get(m.theme_id) if m.theme_id is not None else None,
        stage=_STAGES.get(m.stage_id) if m.stage_id is not None else None,
        location=m.location,
        background=m.background,
        speakers=tuple(names[e.ContributorRole.SPEAKER]),
        co_facilitators=tuple(names[e.ContributorRole.CO_FACILITATOR]),
        graphic_facilitators=tuple(names[e.ContributorRole.GRAPHIC_FACILITATOR]),
    )
    return PlanData(m.id, m.number, fields, m.status, m.started_at, m.closed_at)


def _set_contributors(s: Session, m: Meeting, fields: PlanFields) -> None:
    wanted: list[tuple[e.ContributorRole, str]] = []
    for role, attr in _CONTRIBUTOR_ROLES:
        names: tuple[str, ...] = getattr(fields, attr)
        wanted += [(role, name) for name in (clean_text(n) for n in names) if name]
    current = [(c.role, _contributor_name(c)) for c in m.contributors]
    if current == wanted:
        return  # untouched: no churn for the sharing engine to carry around
    orgs: dict[str, uuid.UUID] = {}
    for org_id, full, short in s.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name)
    ):
        for name in (full, short):
            if name:
                orgs[name.casefold()] = org_id
    m.contributors.clear()
    s.flush()
    for position, (role, name) in enumerate(wanted):
        # A known organisation is linked, so that exports and counts find it; the label
        # keeps what the facilitator typed (« animée par The Shift Project »).
        m.contributors.append(
            Contributor(
                role=role,
                label=name,
                organisation_id=orgs.get(name.casefold()),
                position=position,
            )
        )


def _apply_plan(s: Session, m: Meeting, fields: PlanFields) -> None:
    m.date = fields.date
    m.start_time = fields.start_time
    m.planned_end = fields.planned_end
    m.title = clean_text(fields.title)
    m.kind = fields.kind
    m.theme_id = reference.theme_id(fields.theme) if fields.theme is not None else None
    m.stage_id = reference.stage_id(fields.stage) if fields.stage is not None else None
    m.location = _optional(fields.location)
    m.background = _optional(fields.background)
    _set_contributors(s, m, fields)


def create_meeting(db: Database, fields: PlanFields) -> Changes:
    """Plan a new session; notes carried over from its theme's last session come with it."""
    with db.session() as s:
        m = Meeting(status=e.SessionStatus.PLANNED)
        s.add(m)
        _apply_plan(s, m, fields)
        s.flush()
        notes = _adopt_carried_notes(s, m)
        return _changes(
            m.id,
            Part.PLAN,
            Part.STATUS,
            Part.NOTES,
            Part.SESSIONS,
            upserted=[_plan_data(m), *notes],
        )


def update_plan(db: Database, meeting_id: uuid.UUID, fields: PlanFields) -> Changes:
    """Save the session's plan as the Préparation tab shows it."""
    with db.session() as s:
        m = _meeting(s, meeting_id)
        theme_before, date_before = m.theme_id, m.date
        _apply_plan(s, m, fields)
        parts = [Part.PLAN, Part.SESSIONS]
        notes: list[NoteData] = []
        if (m.theme_id, m.date) != (theme_before, date_before):
            s.flush()
            notes = _adopt_carried_notes(s, m)
            parts.append(Part.NOTES)
        s.flush()
        return _changes(m.id, *parts, upserted=[_plan_data(m), *notes])


def start_meeting(db: Database, meeting_id: uuid.UUID, now: dt.datetime | None = None) -> Changes:
    """« Démarrer la séance »: the clock starts (``now`` in UTC, for tests)."""
    with db.session() as s:
        m = _meeting(s, meeting_id)
        m.status = e.SessionStatus.RUNNING
        m.started_at = now or utcnow()
        m.closed_at = None
        return _changes(m.id, Part.STATUS, Part.SESSIONS, upserted=[_plan_data(m)])


def close_meeting(db: Database, meeting_id: uuid.UUID, now: dt.datetime | None = None) -> Changes:
    """« Clore la séance »: the clock stops; the record stays editable for corrections."""
    with db.session() as s:
        m = _meeting(s, meeting_id)
        m.status = e.SessionStatus.CLOSED
        m.closed_at = now or utcnow()
        return _changes(m.id, Part.STATUS, Part.SESSIONS, upserted=[_plan_data(m)])


# --- the clock -------------------------------------------------------------------------


class ClockAlert(StrEnum):
    """What the clock warns about."""

    NONE = "none"
    END_SOON = "end_soon"  # 15 minutes or less before the planned end or the two hours
    LATE_SOON = "late_soon"  # 15 minutes or less before 19:00
    OVERRUN = "overrun"  # past the session's end (planned, two hours or 19:00)


@dataclass(frozen=True)
class ClockState:
    """Elapsed and remaining time of a running session, and the warning to show."""

    elapsed: dt.timedelta
    remaining: dt.timedelta  # to the nearest of the two hours, the plan and 19:00
    alert: ClockAlert
    limit: EndLimit  # the rule that sets the end counted down to


def to_local(utc: dt.datetime) -> dt.datetime:
    """A naive UTC stamp as naive local wall-clock time."""
    return utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def to_utc(local: dt.datetime) -> dt.datetime:
    """Naive local wall-clock time as a naive UTC stamp (as the database keeps times)."""
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def clock_state(
    started: dt.datetime, day: dt.date, planned_end: dt.time | None, now: dt.datetime
) -> ClockState:
    """The clock of a session started at ``started`` (all times local and naive)."""
    elapsed = max(now - started, dt.timedelta(0))
    planned = dt.datetime.combine(day, planned_end) if planned_end is not None else None
    end = session_end(started, planned)
    remaining = end.at - now
    if remaining <= dt.timedelta(0):
        alert = ClockAlert.OVERRUN
    elif remaining <= WARNING_BEFORE_END:
        alert = ClockAlert.LATE_SOON if end.limit == EndLimit.LATEST_END else ClockAlert.END_SOON
    else:
        alert = ClockAlert.NONE
    return ClockState(elapsed, remaining, alert, end.limit)


def closed_text(closed_at: dt.datetime) -> str:
    """« Close le 29 mai 2024 à 18:55 » for a session closed at ``closed_at`` (local time)."""
    day, time = long_date(closed_at.date()), clock(closed_at.time())
    return t(f"Close le {day} à {time}", f"Closed on {day} at {time}")


# --- the board -------------------------------------------------------------------------


@dataclass(frozen=True)
class PointData:
    """A point of the board as the screen shows it."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    kind: e.PointKind
    text: str
    position: float


def _point(p: Point) -> PointData:
    return PointData(p.id, p.meeting_id, p.kind, p.text, p.position)


def _next_position(s: Session, column: Any, *where: Any) -> float:
    top = s.scalar(select(func.max(column)).where(*where))
    return float(top) + 1.0 if top is not None else 0.0


def add_point(
    db: Database,
    meeting_id: uuid.UUID,
    kind: e.PointKind,
    text: str,
    *,
    position: float | None = None,
    point_id: uuid.UUID | None = None,
) -> Changes:
    """Note a point at the end of its column (or at ``position``).

    ``point_id`` fixes the new row's id: redoing an undone addition gives the point back
    the id it had, so later commands that name it still find it.
    """
    with db.session() as s:
        if position is None:
            position = _next_position(
                s, Point.position, Point.meeting_id == meeting_id, Point.kind == kind
            )
        p = Point(
            id=point_id or uuid.uuid4(),
            meeting_id=meeting_id,
            kind=kind,
            text=_required(text),
            position=position,
        )
        s.add(p)
        s.flush()
        return _changes(meeting_id, Part.POINTS, upserted=[_point(p)])


def restore_point(db: Database, snapshot: PointData) -> Changes:
    """Bring back a deleted point with its id, column and place."""
    return add_point(
        db,
        snapshot.meeting_id,
        snapshot.kind,
        snapshot.text,
        position=snapshot.position,
        point_id=snapshot.id,
    )


def edit_point(db: Database, point_id: uuid.UUID, text: str) -> Changes:
    """Change a point's wording."""
    with db.session() as s:
        p = _get(s, Point, point_id, "Ce point", "This point")
        p.text = _required(text)
        s.flush()
        return _changes(p.meeting_id, Part.POINTS, upserted=[_point(p)])


def move_point(db: Database, point_id: uuid.UUID, kind: e.PointKind, position: float) -> Changes:
    """Put a point in column ``kind`` at ``position`` (reorder, or change of column)."""
    with db.session() as s:
        p = _get(s, Point, point_id, "Ce point", "This point")
        p.kind = kind
        p.position = position
        s.flush()
        return _changes(p.meeting_id, Part.POINTS, upserted=[_point(p)])


def delete_point(db: Database, point_id: uuid.UUID) -> Changes:
    """Remove a point; the change carries its snapshot for undo."""
    with db.session() as s:
        p = _get(s, Point, point_id, "Ce point", "This point")
        snapshot = _point(p)
        s.delete(p)
        return _changes(snapshot.meeting_id, Part.POINTS, deleted=[snapshot])


def position_between(before: float | None, after: float | None) -> float:
    """A position between two neighbours (either may be missing: start or end of a list)."""
    if before is None and after is None:
        return 0.0
    if before is None:
        assert after is not None
        return after - 1.0
    if after is None:
        return before + 1.0
    return (before + after) / 2.0


# --- active-listening notes ------------------------------------------------------------


@dataclass(frozen=True)
class NoteData:
    """A note from an active-listening grid."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    text: str
    signed_by_id: uuid.UUID | None
    signed_by: str  # the signer's name, "" when anonymous
    follow_up: e.FollowUp
    answer: str | None
    carried_to_id: uuid.UUID | None
    position: float
    meeting_date: dt.date  # the note's own session (not the same as the one shown for a
    meeting_title: str  # note carried over from an earlier session)

    @property
    def anonymous(self) -> bool:
        """A note is anonymous unless someone signed it."""
        return self.signed_by_id is None


def _note(n: ListeningNote) -> NoteData:
    return NoteData(
        n.id,
        n.meeting_id,
        n.text,
        n.signed_by_id,
        n.signed_by.full_name if n.signed_by is not None else "",
        n.follow_up,
        n.answer,
        n.carried_to_id,
        n.position,
        n.meeting.date,
        n.meeting.title,
    )


def _next_of_theme(s: Session, m: Meeting) -> uuid.UUID | None:
    """The session of the same theme that comes after ``m``, if one is planned."""
    if m.theme_id is None:
        return None
    return s.scalar(
        select(Meeting.id)
        .where(Meeting.theme_id == m.theme_id, Meeting.date > m.date, Meeting.id != m.id)
        .order_by(Meeting.date, Meeting.created_at)
        .limit(1)
    )


def _adopt_carried_notes(s: Session, m: Meeting) -> list[NoteData]:
    """Carried-over notes that now go to ``m``, or leave it; returns them as they now are.

    Notes carried over before this session was planned were waiting for it: the next
    session of the theme takes them over, unless an earlier one already did. A session
    whose theme or date changed lets go of the notes that no longer lead to it.
    """
    changed: list[ListeningNote] = []
    for note in s.scalars(select(ListeningNote).where(ListeningNote.carried_to_id == m.id)):
        origin = s.get(Meeting, note.meeting_id)
        if origin is None or origin.theme_id != m.theme_id or origin.date >= m.date:
            note.carried_to_id = None
            changed.append(note)
    if m.theme_id is not None:
        waiting = s.scalars(
            select(ListeningNote)
            .join(Meeting, ListeningNote.meeting_id == Meeting.id)
            .where(
                ListeningNote.follow_up == e.FollowUp.CARRIED_OVER,
                Meeting.theme_id == m.theme_id,
                Meeting.date < m.date,
            )
        )
        for note in waiting:
            target = note.carried_to_id
            if target == m.id:
                continue
            current = s.get(Meeting, target) if target is not None else None
            # No target yet, a later one, or one that moved away: this session is next.
            if current is None or current.theme_id != m.theme_id or current.date > m.date:
                note.carried_to_id = m.id
                changed.append(note)
    s.flush()
    return [_note(n) for n in changed]


def add_note(
    db: Database,
    meeting_id: uuid.UUID,
    text: str,
    *,
    signed_by_id: uuid.UUID | None = None,
    follow_up: e.FollowUp = e.FollowUp.OPEN,
    answer: str | None = None,
    position: float | None = None,
    note_id: uuid.UUID | None = None,
) -> Changes:
    """Transcribe a participant's note (anonymous unless ``signed_by_id`` is given)."""
    with db.session() as s:
        if position is None:
            position = _next_position(
                s, ListeningNote.position, ListeningNote.meeting_id == meeting_id
            )
        n = ListeningNote(
            id=note_id or uuid.uuid4(),
            meeting_id=meeting_id,
            text=_required(text),
            signed_by_id=signed_by_id,
            follow_up=follow_up,
            answer=_optional(answer),
            position=position,
        )
        s.add(n)
        s.flush()
        if follow_up == e.FollowUp.CARRIED_OVER:
            n.carried_to_id = _next_of_theme(s, _meeting(s, meeting_id))
        return _note_changes(s, n)


def restore_note(db: Database, snapshot: NoteData) -> Changes:
    """Bring back a deleted note with its id and place."""
    return add_note(
        db,
        snapshot.meeting_id,
        snapshot.text,
        signed_by_id=snapshot.signed_by_id,
        follow_up=snapshot.follow_up,
        answer=snapshot.answer,
        position=snapshot.position,
        note_id=snapshot.id,
    )


def _note_row(s: Session, note_id: uuid.UUID) -> ListeningNote:
    return _get(s, ListeningNote, note_id, "Cette note", "This note")


def edit_note(db: Database, note_id: uuid.UUID, text: str) -> Changes:
    """Change a note's transcription."""
    with db.session() as s:
        n = _note_row(s, note_id)
        n.text = _required(text)
        return _note_changes(s, n)


def sign_note(db: Database, note_id: uuid.UUID, person_id: uuid.UUID | None) -> Changes:
    """Record who signed a note (None: anonymous)."""
    with db.session() as s:
        n = _note_row(s, note_id)
        n.signed_by_id = person_id
        return _note_changes(s, n)


def set_follow_up(
    db: Database, note_id: uuid.UUID, follow_up: e.FollowUp, answer: str | None = None
) -> Changes:
    """Open, answered (with the answer given) or carried to the next session of the theme.

    A note carried over goes to the next session of the same theme as soon as one is
    planned (see :func:`create_meeting`); reopened, it comes back to its own session.
    """
    with db.session() as s:
        n = _note_row(s, note_id)
        n.answer = _optional(answer)
        if follow_up != n.follow_up:
            n.follow_up = follow_up
            if follow_up == e.FollowUp.CARRIED_OVER:
                n.carried_to_id = _next_of_theme(s, n.meeting)
            elif follow_up == e.FollowUp.OPEN:
                n.carried_to_id = None
        return _note_changes(s, n)


def _note_changes(s: Session, n: ListeningNote) -> Changes:
    s.flush()
    s.refresh(n, ["signed_by"])
    return _changes(n.meeting_id, Part.NOTES, upserted=[_note(n)])


def delete_note(db: Database, note_id: uuid.UUID) -> Changes:
    """Remove a note; the change carries its snapshot for undo."""
    with db.session() as s:
        n = _note_row(s, note_id)
        snapshot = _note(n)
        s.delete(n)
        return _changes(snapshot.meeting_id, Part.NOTES, deleted=[snapshot])


# --- levers and harvest ----------------------------------------------------------------


@dataclass(frozen=True)
class LeverData:
    """An action lever, under an optional heading (« Agir sur les paysages »)."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    heading: str | None
    text: str
    position: float


def _lever(lv: Lever) -> LeverData:
    assert lv.meeting_id is not None
    return LeverData(lv.id, lv.meeting_id, lv.heading, lv.text, lv.position)


def add_lever(
    db: Database,
    meeting_id: uuid.UUID,
    text: str,
    heading: str | None = None,
    *,
    position: float | None = None,
    lever_id: uuid.UUID | None = None,
) -> Changes:
    """Note an action lever; it belongs to the session's theme too."""
    with db.session() as s:
        m = _meeting(s, meeting_id)
        if position is None:
            position = _next_position(s, Lever.position, Lever.meeting_id == meeting_id)
        lv = Lever(
            id=lever_id or uuid.uuid4(),
            meeting_id=meeting_id,
            theme_id=m.theme_id,
            heading=_optional(heading),
            text=_required(text),
            position=position,
        )
        s.add(lv)
        s.flush()
        return _changes(meeting_id, Part.LEVERS, upserted=[_lever(lv)])


def restore_lever(db: Database, snapshot: LeverData) -> Changes:
    """Bring back a deleted lever with its id and place."""
    return add_lever(
        db,
        snapshot.meeting_id,
        snapshot.text,
        snapshot.heading,
        position=snapshot.position,
        lever_id=snapshot.id,
    )


def edit_lever(db: Database, lever_id: uuid.UUID, text: str, heading: str | None) -> Changes:
    """Change a lever's wording or heading."""
    with db.session() as s:
        lv = _get(s, Lever, lever_id, "Ce levier", "This lever")
        lv.text = _required(text)
        lv.heading = _optional(heading)
        s.flush()
        return _changes(lv.meeting_id, Part.LEVERS, upserted=[_lever(lv)])


def delete_lever(db: Database, lever_id: uuid.UUID) -> Changes:
    """Remove a lever; the change carries its snapshot for undo."""
    with db.session() as s:
        lv = _get(s, Lever, lever_id, "Ce levier", "This lever")
        snapshot = _lever(lv)
        s.delete(lv)
        return _changes(snapshot.meeting_id, Part.LEVERS, deleted=[snapshot])


@dataclass(frozen=True)
class HarvestData:
    """One line of a harvest table (« Ce qui manque ? », « Ceux qui manquent ? »…)."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    theme: e.Theme | None
    column: e.HarvestColumn
    text: str
    partner_organisation_id: uuid.UUID | None
    partner: str  # the partner as shown: the known organisation, or the label typed
    position: float


def _harvest(h: HarvestItem) -> HarvestData:
    partner = h.partner_organisation.display_name if h.partner_organisation else ""
    return HarvestData(
        h.id,
        h.meeting_id,
        h.theme.code if h.theme is not None else None,
        h.column,
        h.text,
        h.partner_organisation_id,
        partner or h.partner_label or "",
        h.position,
    )


def _partner(s: Session, partner: str | None) -> tuple[uuid.UUID | None, str | None]:
    name = _optional(partner)
    if name is None:
        return None, None
    folded = name.casefold()
    for org_id, full, short in s.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name)
    ):
        if folded in (full.casefold(), (short or "").casefold()):
            return org_id, None
    return None, name


def add_harvest(
    db: Database,
    meeting_id: uuid.UUID,
    column: e.HarvestColumn,
    text: str,
    *,
    theme: e.Theme | None = None,
    partner: str | None = None,
    position: float | None = None,
    item_id: uuid.UUID | None = None,
) -> Changes:
    """Add a line to a harvest table; a partner that names a known organisation links it."""
    with db.session() as s:
        if position is None:
            position = _next_position(s, HarvestItem.position, HarvestItem.meeting_id == meeting_id)
        org_id, label = _partner(s, partner)
        h = HarvestItem(
            id=item_id or uuid.uuid4(),
            meeting_id=meeting_id,
            theme_id=reference.theme_id(theme) if theme is not None else None,
            column=column,
            text=_required(text),
            partner_organisation_id=org_id,
            partner_label=label,
            position=position,
        )
        s.add(h)
        s.flush()
        s.refresh(h, ["partner_organisation", "theme"])
        return _changes(meeting_id, Part.HARVEST, upserted=[_harvest(h)])


def restore_harvest(db: Database, snapshot: HarvestData) -> Changes:
    """Bring back a deleted harvest line with its id and place."""
    return add_harvest(
        db,
        snapshot.meeting_id,
        snapshot.column,
        snapshot.text,
        theme=snapshot.theme,
        partner=snapshot.partner or None,
        position=snapshot.position,
        item_id=snapshot.id,
    )


def edit_harvest(db: Database, item_id: uuid.UUID, text: str, partner: str | None) -> Changes:
    """Change a harvest line's text or partner."""
    with db.session() as s:
        h = _get(s, HarvestItem, item_id, "Cette ligne", "This line")
        h.text = _required(text)
        h.partner_organisation_id, h.partner_label = _partner(s, partner)
        s.flush()
        s.refresh(h, ["partner_organisation"])
        return _changes(h.meeting_id, Part.HARVEST, upserted=[_harvest(h)])


def delete_harvest(db: Database, item_id: uuid.UUID) -> Changes:
    """Remove a harvest line; the change carries its snapshot for undo."""
    with db.session() as s:
        h = _get(s, HarvestItem, item_id, "Cette ligne", "This line")
        snapshot = _harvest(h)
        s.delete(h)
        return _changes(snapshot.meeting_id, Part.HARVEST, deleted=[snapshot])


# --- indicators and objectives ---------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveData:
    """An objective on an indicator, and whether this session validated it."""

    id: uuid.UUID
    indicator_id: uuid.UUID
    indicator: str
    unit: str | None
    kind: e.ObjectiveKind
    target_value: float | None
    horizon_year: int | None
    change_percent: float | None
    baseline_year: int | None
    direction: e.Direction | None
    wording: str | None
    source: str | None
    agreed_in_id: uuid.UUID | None
    validated: bool


@dataclass(frozen=True)
class IndicatorData:
    """An indicator of the catalogue and its objectives."""

    id: uuid.UUID
    theme: e.Theme
    name: str
    unit: str | None
    source: str | None
    adopted_in_id: uuid.UUID | None
    objectives: tuple[ObjectiveData, ...] = field(default=())


@dataclass(frozen=True)
class ObjectiveFields:
    """An objective as typed: one of the three shapes the Alliance uses."""

    kind: e.ObjectiveKind
    target_value: float | None = None
    horizon_year: int | None = None
    change_percent: float | None = None
    baseline_year: int | None = None
    direction: e.Direction | None = None
    wording: str | None = None
    source: str | None = None


def _objective(o: Objective, ind: Indicator) -> ObjectiveData:
    return ObjectiveData(
        o.id,
        ind.id,
        ind.name,
        ind.unit,
        o.kind,
        o.target_value,
        o.horizon_year,
        o.change_percent,
        o.baseline_year,
        o.direction,
        o.wording,
        o.source,
        o.agreed_in_id,
        o.validated,
    )


def _indicator(ind: Indicator) -> IndicatorData:
    return IndicatorData(
        ind.id,
        ind.theme.code,
        ind.name,
        ind.unit,
        ind.source,
        ind.adopted_in_id,
        tuple(_objective(o, ind) for o in ind.objectives),
    )


def catalogue(db: Database, theme: e.Theme | None) -> list[IndicatorData]:
    """The indicators of a theme (all of them when ``theme`` is None), in catalogue order."""
    stmt = (
        select(Indicator)
        .join(ThemeRow, Indicator.theme_id == ThemeRow.id)
        .options(selectinload(Indicator.objectives), selectinload(Indicator.theme))
        .order_by(ThemeRow.position, Indicator.position, Indicator.name)
    )
    if theme is not None:
        stmt = stmt.where(ThemeRow.code == theme)
    with db.read() as s:
        return [_indicator(ind) for ind in s.scalars(stmt)]


def session_objectives(db: Database, meeting_id: uuid.UUID) -> list[ObjectiveData]:
    """The objectives agreed in one session, indicator by indicator."""
    with db.read() as s:
        rows = s.scalars(
            select(Objective)
            .join(Indicator, Objective.indicator_id == Indicator.id)
            .where(Objective.agreed_in_id == meeting_id)
            .options(selectinload(Objective.indicator))
            .order_by(Indicator.position, Indicator.name, Objective.position)
        )
        return [_objective(o, o.indicator) for o in rows]


def check_objective(fields: ObjectiveFields) -> str | None:
    """What is missing for the objective to make sense, as a sentence; None when complete."""
    if fields.kind == e.ObjectiveKind.TARGET and (
        fields.target_value is None or fields.horizon_year is None
    ):
        return t(
            "Une valeur cible demande la valeur et l'année d'horizon.",
            "A target needs the value and the horizon year.",
        )
    if fields.kind == e.ObjectiveKind.CHANGE and (
        fields.change_percent is None or fields.baseline_year is None
    ):
        return t(
            "Une évolution demande le pourcentage et l'année de référence.",
            "A change needs the percentage and the baseline year.",
        )
    if fields.kind == e.ObjectiveKind.DIRECTION and fields.direction is None:
        return t("Choisissez une tendance.", "Choose a direction.")
    return None


def create_indicator(
    db: Database,
    meeting_id: uuid.UUID,
    theme: e.Theme,
    name: str,
    unit: str | None = None,
    source: str | None = None,
) -> Changes:
    """Add an indicator to the theme's catalogue, adopted in this session."""
    with db.session() as s:
        position = s.scalar(
            select(func.coalesce(func.max(Indicator.position), -1) + 1).where(
                Indicator.theme_id == reference.theme_id(theme)
            )
        )
        ind = Indicator(
            theme_id=reference.theme_id(theme),
            name=_required(name),
            unit=_optional(unit),
            source=_optional(source),
            adopted_in_id=meeting_id,
            position=int(position or 0),
        )
        s.add(ind)
        s.flush()
        s.refresh(ind, ["theme", "objectives"])
        return _changes(meeting_id, Part.INDICATORS, upserted=[_indicator(ind)])


def set_objective(
    db: Database,
    meeting_id: uuid.UUID,
    indicator_id: uuid.UUID,
    fields: ObjectiveFields,
    *,
    validated: bool,
    objective_id: uuid.UUID | None = None,
) -> Changes:
    """Record an objective agreed in this session, or change the one ``objective_id`` names.

    Raises:
        KnownError: the objective lacks what its shape needs (:func:`check_objective`).
    """
    problem = check_objective(fields)
    if problem is not None:
        raise KnownError(problem)
    with db.session() as s:
        ind = _get(s, Indicator, indicator_id, "Cet indicateur", "This indicator")
        o = s.get(Objective, objective_id) if objective_id is not None else None
        if o is None:
            # A given id that is not there is an undone creation being redone: same id.
            o = Objective(
                id=objective_id or uuid.uuid4(), indicator_id=ind.id, position=len(ind.objectives)
            )
            ind.objectives.append(o)
        keep = e.ObjectiveKind
        o.kind = fields.kind
        o.target_value = fields.target_value if fields.kind == keep.TARGET else None
        o.horizon_year = fields.horizon_year if fields.kind != keep.DIRECTION else None
        o.change_percent = fields.change_percent if fields.kind == keep.CHANGE else None
        o.baseline_year = fields.baseline_year if fields.kind == keep.CHANGE else None
        o.direction = fields.direction if fields.kind == keep.DIRECTION else None
        o.wording = _optional(fields.wording)
        o.source = _optional(fields.source)
        o.agreed_in_id = meeting_id
        o.validated = validated
        if ind.adopted_in_id is None:
            ind.adopted_in_id = meeting_id
        s.flush()
        return _changes(meeting_id, Part.INDICATORS, upserted=[_objective(o, ind), _indicator(ind)])


def set_validated(
    db: Database, meeting_id: uuid.UUID, objective_id: uuid.UUID, validated: bool
) -> Changes:
    """Mark an objective validated (or not) in this session."""
    with db.session() as s:
        o = _get(s, Objective, objective_id, "Cet objectif", "This objective")
        o.validated = validated
        o.agreed_in_id = meeting_id
        s.flush()
        ind = o.indicator
        return _changes(meeting_id, Part.INDICATORS, upserted=[_objective(o, ind), _indicator(ind)])


def objective_fields(o: ObjectiveData) -> ObjectiveFields:
    """The fields of a recorded objective, to edit it or to bring it back."""
    return ObjectiveFields(
        o.kind,
        o.target_value,
        o.horizon_year,
        o.change_percent,
        o.baseline_year,
        o.direction,
        o.wording,
        o.source,
    )


def restore_objective(db: Database, snapshot: ObjectiveData) -> Changes:
    """Bring back a deleted objective with its id."""
    assert snapshot.agreed_in_id is not None
    return set_objective(
        db,
        snapshot.agreed_in_id,
        snapshot.indicator_id,
        objective_fields(snapshot),
        validated=snapshot.validated,
        objective_id=snapshot.id,
    )


def delete_objective(db: Database, objective_id: uuid.UUID) -> Changes:
    """Remove an objective recorded by mistake."""
    with db.session() as s:
        o = _get(s, Objective, objective_id, "Cet objectif", "This objective")
        ind = o.indicator
        snapshot = _objective(o, ind)
        ind.objectives.remove(o)
        s.delete(o)
        s.flush()
        return _changes(
            snapshot.agreed_in_id,
            Part.INDICATORS,
            upserted=[_indicator(ind)],
            deleted=[snapshot],
        )


# --- loading a whole session -----------------------------------------------------------


@dataclass(frozen=True)
class WorkshopData:
    """Everything the workshop screen shows of one session, read in one go."""

    plan: PlanData
    points: list[PointData]
    notes: list[NoteData]
    carried_in: list[NoteData]  # notes carried over from earlier sessions of the theme
    levers: list[LeverData]
    harvest: list[HarvestData]


def load_workshop(db: Database, meeting_id: uuid.UUID) -> WorkshopData | None:
    """One session's content for the workshop screen, or None if it no longer exists."""
    with db.read() as s:
        m = s.scalar(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(
                selectinload(Meeting.contributors).selectinload(Contributor.person),
                selectinload(Meeting.contributors).selectinload(Contributor.organisation),
                selectinload(Meeting.points),
                selectinload(Meeting.notes).selectinload(ListeningNote.signed_by),
                selectinload(Meeting.levers),
                selectinload(Meeting.harvest_items).selectinload(HarvestItem.theme),
                selectinload(Meeting.harvest_items).selectinload(HarvestItem.partner_organisation),
            )
        )
        if m is None:
            return None
        carried = s.scalars(
            select(ListeningNote)
            .where(ListeningNote.carried_to_id == meeting_id)
            .options(selectinload(ListeningNote.signed_by), selectinload(ListeningNote.meeting))
            .order_by(ListeningNote.position)
        )
        return WorkshopData(
            plan=_plan_data(m),
            points=[_point(p) for p in m.points],
            notes=[_note(n) for n in m.notes],
            carried_in=[_note(n) for n in carried],
            levers=[_lever(lv) for lv in m.levers],
            harvest=[_harvest(h) for h in m.harvest_items],
        )
