"""Workshop services for the board and the clock: one transaction each, changes returned."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.rules import EndLimit
from alliance_desktop.services.workshop import (
    ClockAlert,
    Part,
    PlanFields,
    PointData,
    add_point,
    clock_state,
    close_meeting,
    closed_text,
    create_meeting,
    delete_point,
    edit_point,
    load_workshop,
    move_point,
    position_between,
    restore_point,
    start_meeting,
)
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Meeting, Point


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "atelier.sqlite3")
    yield database
    database.close()


@pytest.fixture
def meeting_id(db: Database) -> uuid.UUID:
    changes = create_meeting(
        db, PlanFields(date=dt.date(2024, 5, 29), title="Atelier GES", theme=e.Theme.GES)
    )
    assert changes.meeting_id is not None
    return changes.meeting_id


def _points(db: Database) -> list[tuple[e.PointKind, str, float]]:
    with db.read() as s:
        rows = s.scalars(select(Point).order_by(Point.kind, Point.position))
        return [(p.kind, p.text, p.position) for p in rows]


def test_add_point_commits_and_returns_the_record(db: Database, meeting_id: uuid.UUID) -> None:
    changes = add_point(db, meeting_id, e.PointKind.CONSENSUS, "  Réduire « vite »  \r\n")
    assert changes.parts == frozenset({Part.POINTS})
    assert changes.meeting_id == meeting_id
    (point,) = changes.upserted_of(PointData)
    assert point.text == "Réduire « vite »"
    assert point.position == 0.0
    add_point(db, meeting_id, e.PointKind.CONSENSUS, "Deuxième")
    add_point(db, meeting_id, e.PointKind.DISSENT, "Premier dissensus")
    assert _points(db) == [
        (e.PointKind.CONSENSUS, "Réduire « vite »", 0.0),
        (e.PointKind.CONSENSUS, "Deuxième", 1.0),
        (e.PointKind.DISSENT, "Premier dissensus", 0.0),
    ]


def test_empty_point_is_refused(db: Database, meeting_id: uuid.UUID) -> None:
    with pytest.raises(KnownError, match="vide"):
        add_point(db, meeting_id, e.PointKind.CONSENSUS, " \n ")
    assert _points(db) == []


def test_delete_returns_a_snapshot_that_restores_the_same_row(
    db: Database, meeting_id: uuid.UUID
) -> None:
    added = add_point(db, meeting_id, e.PointKind.OPEN_QUESTION, "Question", position=4.5)
    (point,) = added.upserted_of(PointData)
    deleted = delete_point(db, point.id)
    assert deleted.deleted_of(PointData) == [point]
    assert _points(db) == []
    restore_point(db, point)
    with db.read() as s:
        again = s.get(Point, point.id)
        assert again is not None
        assert (again.kind, again.text, again.position) == (point.kind, point.text, 4.5)


def test_edit_and_move(db: Database, meeting_id: uuid.UUID) -> None:
    (point,) = add_point(db, meeting_id, e.PointKind.CONSENSUS, "Texte").upserted_of(PointData)
    edited = edit_point(db, point.id, "Texte corrigé")
    assert edited.upserted_of(PointData)[0].text == "Texte corrigé"
    moved = move_point(db, point.id, e.PointKind.DISSENT, 7.0)
    assert moved.upserted_of(PointData)[0].kind == e.PointKind.DISSENT
    assert _points(db) == [(e.PointKind.DISSENT, "Texte corrigé", 7.0)]


def test_changing_a_deleted_point_says_so(db: Database, meeting_id: uuid.UUID) -> None:
    with pytest.raises(KnownError, match="n'existe plus"):
        edit_point(db, uuid.uuid4(), "x")


def test_position_between() -> None:
    assert position_between(None, None) == 0.0
    assert position_between(None, 2.0) == 1.0
    assert position_between(3.0, None) == 4.0
    assert position_between(1.0, 2.0) == 1.5


def test_load_workshop_reads_the_plan_and_points(db: Database, meeting_id: uuid.UUID) -> None:
    add_point(db, meeting_id, e.PointKind.DISSENT, "B", position=2)
    add_point(db, meeting_id, e.PointKind.DISSENT, "A", position=1)
    data = load_workshop(db, meeting_id)
    assert data is not None
    assert data.plan.fields.title == "Atelier GES"
    assert data.plan.fields.theme == e.Theme.GES
    assert data.plan.status == e.SessionStatus.PLANNED
    assert [p.text for p in data.points] == ["A", "B"]
    assert load_workshop(db, uuid.uuid4()) is None


def test_start_and_close(db: Database, meeting_id: uuid.UUID) -> None:
    start = dt.datetime(2024, 5, 29, 15, 2)
    changes = start_meeting(db, meeting_id, start)
    assert Part.SESSIONS in changes.parts
    close_meeting(db, meeting_id, start + dt.timedelta(hours=2))
    with db.read() as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None
        assert m.status == e.SessionStatus.CLOSED
        assert m.started_at == start
        assert m.closed_at == start + dt.timedelta(hours=2)


def test_clock_warns_before_the_planned_end_and_before_seven() -> None:
    day = dt.date(2024, 5, 29)
    start = dt.datetime(2024, 5, 29, 17, 0)
    at = dt.datetime.combine
    state = clock_state(start, day, dt.time(19, 0), at(day, dt.time(17, 42)))
    assert state.elapsed == dt.timedelta(minutes=42)
    assert state.remaining == dt.timedelta(minutes=78)
    assert state.alert == ClockAlert.NONE
    early_end = clock_state(start, day, dt.time(18, 30), at(day, dt.time(18, 16)))
    assert early_end.alert == ClockAlert.END_SOON
    assert clock_state(start, day, dt.time(19, 30), at(day, dt.time(18, 50))).alert == (
        ClockAlert.LATE_SOON
    )
    over = clock_state(start, day, dt.time(19, 0), at(day, dt.time(19, 5)))
    assert over.alert == ClockAlert.OVERRUN
    assert over.remaining == dt.timedelta(minutes=-5)


def test_clock_counts_down_to_two_hours_after_an_early_start() -> None:
    # Started at 14:23 on a plan for 17:00–19:00: the two hours end at 16:23, not 19:00.
    day = dt.date(2024, 5, 29)
    start = dt.datetime(2024, 5, 29, 14, 23)
    at = dt.datetime.combine
    state = clock_state(start, day, dt.time(19, 0), start)
    assert state.elapsed == dt.timedelta(0)
    assert state.remaining == dt.timedelta(hours=2)
    assert state.alert == ClockAlert.NONE
    assert state.limit == EndLimit.TWO_HOURS
    assert clock_state(start, day, dt.time(19, 0), at(day, dt.time(16, 10))).alert == (
        ClockAlert.END_SOON
    )
    over = clock_state(start, day, dt.time(19, 0), at(day, dt.time(16, 30)))
    assert over.alert == ClockAlert.OVERRUN
    assert over.remaining == dt.timedelta(minutes=-7)


def test_clock_ignores_a_planned_end_already_past_at_the_start() -> None:
    # Started at 17:30 on a plan that ended at 17:00: 19:00 is the limit, not overtime.
    day = dt.date(2024, 5, 29)
    start = dt.datetime(2024, 5, 29, 17, 30)
    state = clock_state(start, day, dt.time(17, 0), start + dt.timedelta(minutes=5))
    assert state.remaining == dt.timedelta(minutes=85)
    assert state.alert == ClockAlert.NONE
    assert state.limit == EndLimit.LATEST_END
    # Without a planned end, on a day other than the session's: still two hours at most.
    other_day = clock_state(start, dt.date(2024, 5, 28), None, start)
    assert other_day.remaining == dt.timedelta(minutes=90)


def test_closed_session_says_the_day_and_the_time() -> None:
    assert closed_text(dt.datetime(2024, 5, 29, 18, 55)) == "Close le 29 mai 2024 à 18:55"
