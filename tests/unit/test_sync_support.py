"""Helpers for the sharing tests: laptops (databases) around one shared folder."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Meeting, Point


class Lab:
    """A shared folder and the laptops that use it, in one temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shared = root / "shared"
        self.shared.mkdir(parents=True, exist_ok=True)
        self.dbs: list[Database] = []

    def laptop(self, name: str) -> Database:
        db = open_database(self.root / f"{name}.sqlite3")
        sharing.set_author(db, author=name, device_name=f"PC-{name}")
        self.dbs.append(db)
        return db

    def sync(self, db: Database) -> sharing.SyncReport:
        return sharing.sync(db, self.shared, backup_dir=self.root / "backups")

    def close(self) -> None:
        for db in self.dbs:
            db.close()


def digest(db: Database) -> str:
    return sync_engine.content_digest(db)


def add_meeting(db: Database, title: str = "Atelier", number: int | None = None) -> uuid.UUID:
    with db.session() as s:
        m = Meeting(date=dt.date(2024, 5, 29), title=title, number=number)
        s.add(m)
        s.flush()
        return m.id


def add_point(db: Database, meeting: uuid.UUID, text: str) -> uuid.UUID:
    with db.session() as s:
        p = Point(meeting_id=meeting, kind=e.PointKind.CONSENSUS, text=text)
        s.add(p)
        s.flush()
        return p.id


def set_text(db: Database, point: uuid.UUID, text: str) -> None:
    with db.session() as s:
        p = s.get(Point, point)
        assert p is not None
        p.text = text


def texts(db: Database) -> dict[uuid.UUID, str]:
    with db.read() as s:
        return {p.id: p.text for p in s.scalars(select(Point))}


def get(db: Database, model: Any, row_id: uuid.UUID) -> Any:
    with db.read() as s:
        return s.get(model, row_id)


def open_conflicts(db: Database) -> list[sharing.ConflictView]:
    return sharing.conflicts(db)
