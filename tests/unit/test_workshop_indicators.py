"""Indicators and objectives agreed in a session: the three shapes, validation, undo."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.services.workshop import (
    IndicatorData,
    ObjectiveData,
    ObjectiveFields,
    PlanFields,
    catalogue,
    check_objective,
    create_indicator,
    create_meeting,
    delete_objective,
    restore_objective,
    session_objectives,
    set_objective,
    set_validated,
)
from alliance_desktop.storage.database import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "indicateurs.sqlite3")
    yield database
    database.close()


@pytest.fixture
def meeting_id(db: Database) -> uuid.UUID:
    changes = create_meeting(
        db, PlanFields(date=dt.date(2024, 9, 5), title="Air 2", theme=e.Theme.AIR)
    )
    assert changes.meeting_id is not None
    return changes.meeting_id


def _indicator(db: Database, meeting_id: uuid.UUID, name: str) -> IndicatorData:
    (ind,) = create_indicator(db, meeting_id, e.Theme.AIR, name, "t").upserted_of(IndicatorData)
    return ind


def test_create_indicator_in_the_theme_catalogue(db: Database, meeting_id: uuid.UUID) -> None:
    first = _indicator(db, meeting_id, "Émissions de NOx")
    second = _indicator(db, meeting_id, "Émissions de PM2,5")
    assert first.adopted_in_id == meeting_id and first.theme == e.Theme.AIR
    assert [i.id for i in catalogue(db, e.Theme.AIR)] == [first.id, second.id]
    assert catalogue(db, e.Theme.GES) == []
    with pytest.raises(KnownError):
        create_indicator(db, meeting_id, e.Theme.AIR, "  ")


def test_the_three_shapes_of_objective(db: Database, meeting_id: uuid.UUID) -> None:
    ind = _indicator(db, meeting_id, "Émissions de NOx")
    target = ObjectiveFields(e.ObjectiveKind.TARGET, target_value=120, horizon_year=2030)
    change = ObjectiveFields(
        e.ObjectiveKind.CHANGE,
        change_percent=-69,
        baseline_year=2005,
        horizon_year=2030,
        source="PREPA",
        target_value=999,  # not of this shape: dropped
    )
    direction = ObjectiveFields(e.ObjectiveKind.DIRECTION, direction=e.Direction.DOWN)
    for fields in (target, change, direction):
        changes = set_objective(db, meeting_id, ind.id, fields, validated=True)
        (o,) = changes.upserted_of(ObjectiveData)
        assert o.agreed_in_id == meeting_id and o.validated
        (updated,) = changes.upserted_of(IndicatorData)
        assert updated.id == ind.id
    agreed = session_objectives(db, meeting_id)
    assert [(o.kind, o.target_value, o.change_percent, o.direction) for o in agreed] == [
        (e.ObjectiveKind.TARGET, 120, None, None),
        (e.ObjectiveKind.CHANGE, None, -69, None),
        (e.ObjectiveKind.DIRECTION, None, None, e.Direction.DOWN),
    ]
    assert len(catalogue(db, e.Theme.AIR)[0].objectives) == 3


def test_incomplete_objective_is_refused(db: Database, meeting_id: uuid.UUID) -> None:
    ind = _indicator(db, meeting_id, "NH3")
    missing = ObjectiveFields(e.ObjectiveKind.CHANGE, change_percent=-13)
    assert check_objective(missing) == (
        "Une évolution demande le pourcentage et l'année de référence."
    )
    with pytest.raises(KnownError, match="année de référence"):
        set_objective(db, meeting_id, ind.id, missing, validated=True)
    assert session_objectives(db, meeting_id) == []


def test_validate_delete_and_restore(db: Database, meeting_id: uuid.UUID) -> None:
    ind = _indicator(db, meeting_id, "COVNM")
    fields = ObjectiveFields(e.ObjectiveKind.CHANGE, change_percent=-52, baseline_year=2005)
    (o,) = set_objective(db, meeting_id, ind.id, fields, validated=False).upserted_of(ObjectiveData)
    (checked,) = set_validated(db, meeting_id, o.id, True).upserted_of(ObjectiveData)
    assert checked.validated
    (snapshot,) = delete_objective(db, o.id).deleted_of(ObjectiveData)
    assert session_objectives(db, meeting_id) == []
    restore_objective(db, snapshot)
    (back,) = session_objectives(db, meeting_id)
    assert (back.id, back.change_percent, back.validated) == (o.id, -52, True)
