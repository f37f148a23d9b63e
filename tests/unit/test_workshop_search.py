"""Search service: every kind of row found, with its session, from any thread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.services.search import HARVEST, LEVER, NOTE, POINT, search_all
from alliance_desktop.services.workshop import (
    PlanFields,
    add_harvest,
    add_lever,
    add_note,
    add_point,
    create_meeting,
)
from alliance_desktop.storage.database import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "recherche.sqlite3")
    changes = create_meeting(
        database, PlanFields(date=dt.date(2024, 9, 30), title="Biodiversité 2", theme=e.Theme.GES)
    )
    assert changes.meeting_id is not None
    m = changes.meeting_id
    add_point(database, m, e.PointKind.DISSENT, "Les haies et les corridors écologiques")
    add_note(database, m, "Quelles haies replanter ?")
    add_lever(database, m, "Planter des haies bocagères", "Agir sur les paysages")
    add_harvest(database, m, e.HarvestColumn.WHO_IS_MISSING, "Les agriculteurs des haies")
    yield database
    database.close()


def test_every_kind_is_found_with_its_session(db: Database) -> None:
    results = search_all(db, "HAIES")
    assert sorted(r.kind for r in results) == sorted([POINT, NOTE, LEVER, HARVEST])
    assert {r.meeting_title for r in results} == {"Biodiversité 2"}
    assert {r.meeting_date for r in results} == {dt.date(2024, 9, 30)}
    point = next(r for r in results if r.kind == POINT)
    assert point.point_kind == e.PointKind.DISSENT
    assert "[haies]" in point.snippet
    assert [r.kind for r in search_all(db, "ecologiques")] == [POINT]  # accents ignored
    assert [r.kind for r in search_all(db, "paysages")] == [LEVER]  # the lever's heading


def test_nothing_to_find(db: Database) -> None:
    assert search_all(db, "") == []
    assert search_all(db, "« » - NEAR ( ") == []
    assert search_all(db, "introuvable") == []


def test_runs_on_another_thread(db: Database) -> None:
    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(len(search_all(db, "haies"))))
    worker.start()
    worker.join()
    assert found == [4]
