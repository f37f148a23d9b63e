"""Participation: rates by organisation and kind, newcomers, absences, « Ceux qui manquent ? »."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.services import members, participation, privacy
from alliance_desktop.services.members import OrganisationFields, PersonFields
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Attendance, HarvestItem, Meeting

TODAY = dt.date(2025, 3, 1)
P, X = e.AttendanceStatus.PRESENT, e.AttendanceStatus.EXCUSED


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "alliance.sqlite3")
    yield database
    database.close()


def setup(db: Database) -> dict[str, uuid.UUID]:
    def org(name: str, kind: e.OrganisationKind, since: dt.date | None) -> uuid.UUID:
        fields = OrganisationFields(
            name, kind=kind, is_member=since is not None, member_since=since
        )
        return members.add_organisation(db, fields).organisations[0].id

    ids = {
        "metro": org(
            "Clermont Auvergne Métropole", e.OrganisationKind.PUBLIC_AUTHORITY, dt.date(2024, 1, 1)
        ),
        "lpo": org("LPO", e.OrganisationKind.ASSOCIATION, dt.date(2024, 1, 1)),
        "velo": org("Vélocité 63", e.OrganisationKind.ASSOCIATION, dt.date(2024, 6, 1)),
        "grdf": org("GRDF", e.OrganisationKind.COMPANY, dt.date(2024, 1, 1)),
        "shift": org("The Shift Project", e.OrganisationKind.OTHER, None),
    }
    for key in list(ids):
        ids[f"p-{key}"] = (
            members.add_person(db, PersonFields("Prénom", key.capitalize(), ids[key])).people[0].id
        )
    with db.session() as s:
        dates = [
            dt.date(2024, 3, 11),
            dt.date(2024, 5, 29),
            dt.date(2024, 9, 30),
            dt.date(2024, 10, 10),
        ]
        ms = []
        for i, d in enumerate(dates, start=1):
            kind = e.SessionKind.RENCONTRES if i == 4 else e.SessionKind.WORKSHOP
            m = Meeting(date=d, number=i, title=f"S{i}", kind=kind, status=e.SessionStatus.CLOSED)
            ms.append(m)
        # A planned session in the future is not « held ».
        ms.append(Meeting(date=dt.date(2025, 6, 1), number=9, title="Plus tard"))
        s.add_all(ms)
        s.flush()
        came: dict[str, list[e.AttendanceStatus | None]] = {
            "metro": [P, P, P, P],
            "lpo": [P, X, None, None],
            "velo": [None, None, P, P],
            "grdf": [None, None, None, None],
            "shift": [None, P, None, None],
        }
        for key, statuses in came.items():
            for m, status in zip(ms, statuses, strict=False):
                if status is not None:
                    s.add(Attendance(meeting_id=m.id, person_id=ids[f"p-{key}"], status=status))
        s.add_all(
            [
                HarvestItem(
                    meeting_id=ms[1].id,
                    column=e.HarvestColumn.WHO_IS_MISSING,
                    text="GRDF et les autres fournisseurs d'énergie",
                ),
                HarvestItem(
                    meeting_id=ms[3].id, column=e.HarvestColumn.WHO_IS_MISSING, text="La LPO"
                ),
                HarvestItem(
                    meeting_id=ms[1].id,
                    column=e.HarvestColumn.WHO_IS_MISSING,
                    text="Les associations de cyclistes",
                ),
                HarvestItem(
                    meeting_id=ms[1].id, column=e.HarvestColumn.WHO_IS_MISSING, text="Les jeunes"
                ),
                HarvestItem(
                    meeting_id=ms[1].id, column=e.HarvestColumn.WHAT_IS_MISSING, text="Des données"
                ),
            ]
        )
    return ids


def test_rates_last_seen_and_newcomers(db: Database) -> None:
    setup(db)
    view = participation.participation(db, today=TODAY)
    assert [s.number for s in view.sessions] == [1, 2, 3, 4]
    assert [s.people for s in view.sessions] == [2, 2, 2, 2]
    assert view.sessions[1].new_organisations == ("The Shift Project",)
    assert view.sessions[2].new_organisations == ("Vélocité 63",)
    assert view.sessions[0].by_kind == (
        (e.OrganisationKind.PUBLIC_AUTHORITY, 1),
        (e.OrganisationKind.ASSOCIATION, 1),
    )
    orgs = {o.name: o for o in view.organisations}
    assert orgs["Clermont Auvergne Métropole"].rate == 1.0
    lpo = orgs["LPO"]
    assert (lpo.attended, lpo.expected, lpo.last_seen) == (1, 4, dt.date(2024, 3, 11))
    # Member since June: only the two sessions held since count.
    velo = orgs["Vélocité 63"]
    assert (velo.attended, velo.expected, velo.first_seen) == (2, 2, dt.date(2024, 9, 30))
    assert orgs["GRDF"].rate == 0.0 and orgs["GRDF"].last_seen is None
    # A guest organisation counts from its first appearance.
    assert (orgs["The Shift Project"].attended, orgs["The Shift Project"].expected) == (1, 3)
    assoc = next(k for k in view.kinds if k.kind is e.OrganisationKind.ASSOCIATION)
    assert (assoc.organisations, assoc.attended, assoc.expected) == (2, 3, 6)
    assert assoc.presences == 3


def test_members_not_seen_for_long(db: Database) -> None:
    setup(db)
    view = participation.participation(db, today=TODAY, absence_months=6)
    assert [a.name for a in view.absent_organisations] == ["GRDF", "LPO"]
    assert [a.name for a in view.absent_people] == ["Prénom Lpo"]
    assert view.absent_people[0].last_seen == dt.date(2024, 3, 11)
    later = participation.participation(db, today=dt.date(2026, 1, 1), absence_months=6)
    assert {a.name for a in later.absent_organisations} == {
        "GRDF",
        "LPO",
        "Clermont Auvergne Métropole",
        "Vélocité 63",
    }


def test_who_is_missing_against_the_harvest_lists(db: Database) -> None:
    setup(db)
    checks = {c.text: c for c in participation.participation(db, today=TODAY).missing}
    assert set(checks) == {
        "GRDF et les autres fournisseurs d'énergie",
        "Les associations de cyclistes",
        "Les jeunes",
        "La LPO",
    }
    grdf = checks["GRDF et les autres fournisseurs d'énergie"]
    assert grdf.organisations == (("GRDF", None),) and grdf.status == "missing"
    assoc = checks["Les associations de cyclistes"]
    assert assoc.kind is e.OrganisationKind.ASSOCIATION and assoc.status == "came"
    assert checks["Les jeunes"].status == "unknown"
    # Listed at the last session: nothing can be said yet.
    assert checks["La LPO"].status == "too_early"


def test_period_and_erased_people(db: Database) -> None:
    ids = setup(db)
    view = participation.participation(db, since=dt.date(2024, 9, 1), today=TODAY)
    assert [s.number for s in view.sessions] == [3, 4]
    # First and last seen stay those of the whole series.
    lpo = next(o for o in view.organisations if o.name == "LPO")
    assert (lpo.attended, lpo.last_seen) == (0, dt.date(2024, 3, 11))
    privacy.erase_person(db, ids["p-lpo"])
    view = participation.participation(db, today=TODAY)
    # The erased person's attendance still counts; they are no longer listed by name.
    assert next(o for o in view.organisations if o.name == "LPO").attended == 1
    assert view.absent_people == ()
