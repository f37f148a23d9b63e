"""Reading sessions for lists and views: plain data built from the database."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import (
    Attendance,
    Meeting,
    StageRow,
    ThemeRow,
)


@dataclass(frozen=True)
class MeetingSummary:
    """One line of the list of sessions."""

    id: uuid.UUID
    number: int | None
    date: dt.date
    title: str
    kind: e.SessionKind
    theme: e.Theme | None
    stage: e.Stage | None
    status: e.SessionStatus
    present: int


@dataclass(frozen=True)
class PointView:
    """A point of the board."""

    id: uuid.UUID
    kind: e.PointKind
    text: str


@dataclass(frozen=True)
class MeetingDetail:
    """Everything one session holds, for the read-only view."""

    summary: MeetingSummary
    start_time: dt.time | None
    planned_end: dt.time | None
    location: str | None
    background: str | None
    contributors: list[tuple[e.ContributorRole, str]]
    attendance_by_role: Counter[e.Role]
    attendance_by_org: Counter[str]
    points: list[PointView]
    notes: list[str]
    levers: list[tuple[str | None, str]]
    harvest: list[tuple[e.Theme | None, e.HarvestColumn, str]]
    objectives: list[tuple[str, str]] = field(default_factory=list)


def list_meetings(db: Database, year: int | None = None) -> list[MeetingSummary]:
    """Sessions, newest first, with the number of people present."""
    present = (
        select(Attendance.meeting_id, func.count().label("n"))
        .where(Attendance.status == e.AttendanceStatus.PRESENT)
        .group_by(Attendance.meeting_id)
        .subquery()
    )
    stmt = (
        select(
            Meeting.id,
            Meeting.number,
            Meeting.date,
            Meeting.title,
            Meeting.kind,
            ThemeRow.code,
            StageRow.code,
            Meeting.status,
            func.coalesce(present.c.n, 0),
        )
        .outerjoin(ThemeRow, Meeting.theme_id == ThemeRow.id)
        .outerjoin(StageRow, Meeting.stage_id == StageRow.id)
        .outerjoin(present, present.c.meeting_id == Meeting.id)
        .order_by(Meeting.date.desc(), Meeting.number.desc())
    )
    if year is not None:
        stmt = stmt.where(
            Meeting.date >= dt.date(year, 1, 1), Meeting.date <= dt.date(year, 12, 31)
        )
    with db.read() as s:
        return [MeetingSummary(*row) for row in s.execute(stmt)]


def _contributor_name(c: object) -> str:
    from alliance_desktop.storage.models import Contributor

    assert isinstance(c, Contributor)
    if c.label:
        return c.label
    if c.person is not None:
        return c.person.full_name
    if c.organisation is not None:
        return c.organisation.display_name
    return ""


def meeting_detail(db: Database, meeting_id: uuid.UUID) -> MeetingDetail | None:
    """The content of one session, or None if it does not exist (deleted meanwhile)."""
    with db.read() as s:
        m = s.scalar(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(
                selectinload(Meeting.points),
                selectinload(Meeting.notes),
                selectinload(Meeting.levers),
                selectinload(Meeting.harvest_items),
                selectinload(Meeting.attendances).selectinload(Attendance.organisation),
                selectinload(Meeting.contributors),
            )
        )
        if m is None:
            return None
        present = [a for a in m.attendances if a.status == e.AttendanceStatus.PRESENT]
        summary = MeetingSummary(
            m.id,
            m.number,
            m.date,
            m.title,
            m.kind,
            m.theme.code if m.theme else None,
            m.stage.code if m.stage else None,
            m.status,
            len(present),
        )
        from alliance_desktop.storage.models import Objective

        objectives = [
            (o.indicator.name, o.wording or "")
            for o in s.scalars(select(Objective).where(Objective.agreed_in_id == m.id))
        ]
        return MeetingDetail(
            summary=summary,
            start_time=m.start_time,
            planned_end=m.planned_end,
            location=m.location,
            background=m.background,
            contributors=[(c.role, _contributor_name(c)) for c in m.contributors],
            attendance_by_role=Counter(a.role for a in present),
            attendance_by_org=Counter(
                a.organisation.display_name if a.organisation else "—" for a in present
            ),
            points=[PointView(p.id, p.kind, p.text) for p in m.points],
            notes=[n.text for n in m.notes],
            levers=[(lv.heading, lv.text) for lv in m.levers],
            harvest=[
                (h.theme.code if h.theme else None, h.column, h.text) for h in m.harvest_items
            ],
            objectives=objectives,
        )
