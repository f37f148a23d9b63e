"""The list of sessions in one SQL query, without loading the ORM (it is on the start-up path)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

_LIST = """
SELECT m.id, m.number, m.date, m.title, m.kind, t.code, s.code, m.status,
       (SELECT count(*) FROM attendance a
         WHERE a.meeting_id = m.id AND a.status = 'present') AS present
  FROM meeting m
  LEFT JOIN theme t ON t.id = m.theme_id
  LEFT JOIN stage s ON s.id = m.stage_id
 WHERE (:first IS NULL OR m.date >= :first) AND (:last IS NULL OR m.date <= :last)
 ORDER BY m.date DESC, m.number DESC
"""


def meeting_rows(
    engine: Engine, year: int | None = None
) -> Iterator[tuple[uuid.UUID, int | None, dt.date, str, str, str | None, str | None, str, int]]:
    """Rows of (id, number, date, title, kind, theme code, stage code, status, present)."""
    params: dict[str, Any] = {"first": None, "last": None}
    if year is not None:
        params = {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}
    with engine.connect() as con:
        rows = con.execute(text(_LIST), params).all()
    for mid, number, date, title, kind, theme, stage, status, present in rows:
        yield (
            uuid.UUID(hex=mid),
            number,
            dt.date.fromisoformat(date),
            title,
            kind,
            theme,
            stage,
            status,
            present,
        )


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DetailRows:
    """The raw content of one session, as read by :func:`detail_rows`."""

    meeting: dict[str, Any]
    contributors: list[tuple[str, str]]
    attendance: list[tuple[str, str, str | None]]  # role, status, organisation
    points: list[tuple[uuid.UUID, str, str]]
    notes: list[str]
    levers: list[tuple[str | None, str]]
    harvest: list[tuple[str | None, str, str, str | None]]  # theme, column, text, partner
    objectives: list[tuple[str, str]]


def detail_rows(engine: Engine, meeting_id: uuid.UUID) -> DetailRows | None:
    """Everything the read-only session view shows, in a handful of plain queries."""
    key = {"m": meeting_id.hex}
    with engine.connect() as con:
        row = con.execute(
            text(
                "SELECT m.number, m.date, m.title, m.kind, t.code, s.code, m.status, "
                "m.start_time, m.planned_end, m.location, m.background FROM meeting m "
                "LEFT JOIN theme t ON t.id = m.theme_id LEFT JOIN stage s ON s.id = m.stage_id "
                "WHERE m.id = :m"
            ),
            key,
        ).first()
        if row is None:
            return None
        meeting = {
            "number": row[0],
            "date": dt.date.fromisoformat(row[1]),
            "title": row[2],
            "kind": row[3],
            "theme": row[4],
            "stage": row[5],
            "status": row[6],
            "start_time": _time(row[7]),
            "planned_end": _time(row[8]),
            "location": row[9],
            "background": row[10],
        }
        contributors = [
            (role, name or "")
            for role, name in con.execute(
                text(
                    "SELECT c.role, coalesce(c.label, "
                    "nullif(trim(p.first_name || ' ' || p.last_name), ''), "
                    "coalesce(o.short_name, o.name)) FROM contributor c "
                    "LEFT JOIN person p ON p.id = c.person_id "
                    "LEFT JOIN organisation o ON o.id = c.organisation_id "
                    "WHERE c.meeting_id = :m ORDER BY c.position"
                ),
                key,
            )
        ]
        attendance = [
            (r[0], r[1], r[2])
            for r in con.execute(
                text(
                    "SELECT a.role, a.status, coalesce(o.short_name, o.name) FROM attendance a "
                    "LEFT JOIN organisation o ON o.id = a.organisation_id WHERE a.meeting_id = :m"
                ),
                key,
            )
        ]
        points = [
            (uuid.UUID(hex=r[0]), r[1], r[2])
            for r in con.execute(
                text(
                    "SELECT id, kind, text FROM point WHERE meeting_id = :m "
                    "ORDER BY position, created_at"
                ),
                key,
            )
        ]
        notes = [
            r[0]
            for r in con.execute(
                text(
                    "SELECT text FROM listening_note WHERE meeting_id = :m "
                    "ORDER BY position, created_at"
                ),
                key,
            )
        ]
        levers = [
            (r[0], r[1])
            for r in con.execute(
                text(
                    "SELECT heading, text FROM lever WHERE meeting_id = :m "
                    "ORDER BY position, created_at"
                ),
                key,
            )
        ]
        harvest = [
            (r[0], r[1], r[2], r[3])
            for r in con.execute(
                text(
                    "SELECT t.code, h.column, h.text, coalesce(h.partner_label, o.short_name, "
                    "o.name) FROM harvest_item h LEFT JOIN theme t ON t.id = h.theme_id "
                    "LEFT JOIN organisation o ON o.id = h.partner_organisation_id "
                    "WHERE h.meeting_id = :m ORDER BY t.position, h.position, h.created_at"
                ),
                key,
            )
        ]
        objectives = [
            (r[0], r[1] or "")
            for r in con.execute(
                text(
                    "SELECT i.name, o.wording FROM objective o "
                    "JOIN indicator i ON i.id = o.indicator_id WHERE o.agreed_in_id = :m "
                    "ORDER BY i.position, o.position"
                ),
                key,
            )
        ]
    return DetailRows(meeting, contributors, attendance, points, notes, levers, harvest, objectives)
