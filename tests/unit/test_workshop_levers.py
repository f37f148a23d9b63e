"""Levers and harvest lines: one transaction each, partners linked when known, undo."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.services.workshop import (
    HarvestData,
    LeverData,
    Part,
    PlanFields,
    add_harvest,
    add_lever,
    create_meeting,
    delete_harvest,
    delete_lever,
    edit_harvest,
    edit_lever,
    load_workshop,
    restore_harvest,
    restore_lever,
)
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Lever, Organisation


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "leviers.sqlite3")
    with database.session() as s:
        s.add(Organisation(name="Syndicat mixte des transports", short_name="SMTC"))
    yield database
    database.close()


@pytest.fixture
def meeting_id(db: Database) -> uuid.UUID:
    changes = create_meeting(
        db,
        PlanFields(
            date=dt.date(2024, 10, 10),
            title="Rencontres",
            kind=e.SessionKind.RENCONTRES,
            theme=e.Theme.BIODIVERSITE,
        ),
    )
    assert changes.meeting_id is not None
    return changes.meeting_id


def test_lever_belongs_to_the_session_and_its_theme(db: Database, meeting_id: uuid.UUID) -> None:
    changes = add_lever(db, meeting_id, "Planter des haies", "  Agir sur les paysages ")
    assert changes.parts == frozenset({Part.LEVERS})
    (lever,) = changes.upserted_of(LeverData)
    assert (lever.heading, lever.text, lever.position) == (
        "Agir sur les paysages",
        "Planter des haies",
        0.0,
    )
    with db.read() as s:
        row = s.get(Lever, lever.id)
        assert row is not None and row.theme is not None
        assert row.theme.code == e.Theme.BIODIVERSITE
    (edited,) = edit_lever(db, lever.id, "Planter des haies bocagères", "").upserted_of(LeverData)
    assert (edited.heading, edited.text) == (None, "Planter des haies bocagères")
    (snapshot,) = delete_lever(db, lever.id).deleted_of(LeverData)
    restore_lever(db, snapshot)
    data = load_workshop(db, meeting_id)
    assert data is not None and [lv.id for lv in data.levers] == [lever.id]


def test_harvest_partner_known_or_as_written(db: Database, meeting_id: uuid.UUID) -> None:
    partners = e.HarvestColumn.PARTNER_ACTIONS
    (known,) = add_harvest(
        db,
        meeting_id,
        partners,
        "Navettes vers les parcs",
        theme=e.Theme.BIODIVERSITE,
        partner="smtc",
    ).upserted_of(HarvestData)
    assert (known.partner, known.partner_organisation_id is not None) == ("SMTC", True)
    assert known.theme == e.Theme.BIODIVERSITE
    (unknown,) = add_harvest(
        db, meeting_id, partners, "Nichoirs", partner="Club « Nature »"
    ).upserted_of(HarvestData)
    assert (unknown.partner, unknown.partner_organisation_id) == ("Club « Nature »", None)
    (none,) = add_harvest(
        db, meeting_id, e.HarvestColumn.WHO_IS_MISSING, "Les agriculteurs"
    ).upserted_of(HarvestData)
    assert none.partner == "" and none.position == 2.0
    (edited,) = edit_harvest(db, unknown.id, "Nichoirs à martinets", "SMTC").upserted_of(
        HarvestData
    )
    assert edited.partner_organisation_id == known.partner_organisation_id
    (snapshot,) = delete_harvest(db, known.id).deleted_of(HarvestData)
    restore_harvest(db, snapshot)
    data = load_workshop(db, meeting_id)
    assert data is not None
    assert [h.text for h in data.harvest] == [
        "Navettes vers les parcs",
        "Nichoirs à martinets",
        "Les agriculteurs",
    ]
