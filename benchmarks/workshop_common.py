"""What the workshop benchmarks share: a private copy of the five-year database, a big session."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import statistics
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from alliance_desktop.core import enums as e
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Attendance, Meeting, Person, Point
from benchmarks.generate import ensure

BIG_POINTS = 300
BIG_ATTENDEES = 80


def private_copy(folder: Path) -> Path:
    """A copy of the five-year database in ``folder`` (benchmarks write to it)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ALLIANCE_DESKTOP_HOME", str(folder / "home"))
    source = ensure()
    target = folder / "five-years.sqlite3"
    shutil.copyfile(source, target)
    # Opened once here: a file from an older schema is migrated before any timing.
    open_database(target, backup_dir=folder / "backups").close()
    return target


def add_big_session(db: Database) -> uuid.UUID:
    """A session of 300 points and 80 people present, as a long Rencontres would have."""
    meeting_id = uuid.uuid4()
    now = dt.datetime(2026, 1, 1)
    with db.session() as s:
        people = list(s.scalars(select(Person).limit(BIG_ATTENDEES)))
        s.execute(
            insert(Meeting),
            [
                {
                    "id": meeting_id,
                    "date": dt.date(2026, 10, 10),
                    "start_time": dt.time(17, 0),
                    "planned_end": dt.time(19, 0),
                    "title": "Grande séance de mesure",
                    "kind": e.SessionKind.WORKSHOP,
                    "theme_id": reference.theme_id(e.Theme.GES),
                    "stage_id": reference.stage_id(e.Stage.LEVERS),
                    "status": e.SessionStatus.RUNNING,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        kinds = list(e.PointKind)
        s.execute(
            insert(Point),
            [
                {
                    "id": uuid.uuid4(),
                    "meeting_id": meeting_id,
                    "kind": kinds[i % 3],
                    "text": f"Point de mesure n° {i} : « mobilité », sobriété, rénovation.",
                    "position": float(i),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(BIG_POINTS)
            ],
        )
        s.execute(
            insert(Attendance),
            [
                {
                    "id": uuid.uuid4(),
                    "meeting_id": meeting_id,
                    "person_id": p.id,
                    "organisation_id": p.organisation_id,
                    "role": e.Role.MEMBER,
                    "status": e.AttendanceStatus.PRESENT,
                    "arrived_at": dt.time(17, 2),
                    "created_at": now,
                    "updated_at": now,
                }
                for p in people
            ],
        )
    return meeting_id


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``, by nearest rank."""
    ordered = sorted(values)
    rank = max(math.ceil(q * len(ordered)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def summary(name: str, seconds: list[float]) -> str:
    """« name: median, p95, max » in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:44s} median {statistics.median(ms):6.2f} ms   "
        f"p95 {percentile(ms, 0.95):6.2f} ms   max {max(ms):6.2f} ms   (n={len(ms)})"
    )
