"""Reading sessions for lists and views: plain data built from the database."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.listing import detail_rows, meeting_rows


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
    return [
        MeetingSummary(
            mid,
            number,
            date,
            title,
            e.SessionKind(kind),
            e.Theme(theme) if theme else None,
            e.Stage(stage) if stage else None,
            e.SessionStatus(status),
            present,
        )
        for mid, number, date, title, kind, theme, stage, status, present in meeting_rows(
            db.engine, year
        )
    ]


def meeting_detail(db: Database, meeting_id: uuid.UUID) -> MeetingDetail | None:
    """The content of one session, or None if it does not exist (deleted meanwhile)."""
    raw = detail_rows(db.engine, meeting_id)
    if raw is None:
        return None
    m = raw.meeting
    present = [(role, org) for role, status, org in raw.attendance if status == "present"]
    summary = MeetingSummary(
        meeting_id,
        m["number"],
        m["date"],
        m["title"],
        e.SessionKind(m["kind"]),
        e.Theme(m["theme"]) if m["theme"] else None,
        e.Stage(m["stage"]) if m["stage"] else None,
        e.SessionStatus(m["status"]),
        len(present),
    )
    harvest: list[tuple[e.Theme | None, e.HarvestColumn, str]] = []
    for theme, column, text, partner in raw.harvest:
        col = e.HarvestColumn(column)
        if partner and col is e.HarvestColumn.PARTNER_ACTIONS:
            text = f"{partner}\u00a0: {text}"
        harvest.append((e.Theme(theme) if theme else None, col, text))
    return MeetingDetail(
        summary=summary,
        start_time=m["start_time"],
        planned_end=m["planned_end"],
        location=m["location"],
        background=m["background"],
        contributors=[(e.ContributorRole(role), name) for role, name in raw.contributors],
        attendance_by_role=Counter(e.Role(role) for role, _org in present),
        attendance_by_org=Counter(org or "—" for _role, org in present),
        points=[PointView(pid, e.PointKind(kind), text) for pid, kind, text in raw.points],
        notes=list(raw.notes),
        levers=list(raw.levers),
        harvest=harvest,
        objectives=list(raw.objectives),
    )
