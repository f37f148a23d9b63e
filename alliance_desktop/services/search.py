"""Searching every session's points, notes, levers and harvest lines (SQLite full text)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alliance_desktop.core import enums as e
from alliance_desktop.storage import search as fts

if TYPE_CHECKING:
    from alliance_desktop.storage.database import Database

# What the index calls each kind of row (storage.search.INDEXED).
POINT, NOTE, LEVER, HARVEST = "point", "note", "lever", "harvest"


@dataclass(frozen=True)
class SearchResult:
    """One match, with what is needed to show it and to open its session at the right place."""

    kind: str  # POINT, NOTE, LEVER or HARVEST
    item_id: uuid.UUID
    meeting_id: uuid.UUID
    meeting_date: dt.date
    meeting_title: str
    snippet: str  # the matched words between « [ » and « ] »
    point_kind: e.PointKind | None = None

    @property
    def id(self) -> uuid.UUID:
        """The row's id (models key their rows by ``id``)."""
        return self.item_id


def search_all(db: Database, query: str, limit: int = 200) -> list[SearchResult]:
    """The best matches for ``query`` across the whole database, most relevant first.

    Every word typed must appear (as the start of a word), accents and case ignored.
    Safe to call from a worker thread: it opens its own connection.
    """
    # Imported here: the main window loads this module at start-up, the ORM can wait.
    from sqlalchemy import select

    from alliance_desktop.storage.models import Meeting, Point

    with db.engine.connect() as con:
        hits = [h for h in fts.search(con, query, limit) if h.meeting_id is not None]
    if not hits:
        return []
    meeting_ids = {h.meeting_id for h in hits}
    point_ids = [h.item_id for h in hits if h.kind == POINT]
    with db.read() as s:
        meetings = {
            row.id: (row.date, row.title)
            for row in s.execute(
                select(Meeting.id, Meeting.date, Meeting.title).where(Meeting.id.in_(meeting_ids))
            )
        }
        kinds: dict[uuid.UUID, e.PointKind] = {
            point_id: kind
            for point_id, kind in s.execute(
                select(Point.id, Point.kind).where(Point.id.in_(point_ids))
            )
        }
    results = []
    for h in hits:
        assert h.meeting_id is not None
        meeting = meetings.get(h.meeting_id)
        if meeting is None:
            continue  # an index row left by a session deleted meanwhile
        results.append(
            SearchResult(
                h.kind,
                h.item_id,
                h.meeting_id,
                meeting[0],
                meeting[1],
                h.snippet,
                kinds.get(h.item_id),
            )
        )
    return results
