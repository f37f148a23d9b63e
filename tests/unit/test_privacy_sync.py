"""Erasure and sharing: the erasure travels, wins over every edit, and old files cannot undo it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.services import members, privacy
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.members_models import is_erased
from alliance_desktop.storage.models import Attendance, Meeting, Person, Point

NAME, EMAIL = ("Gwendoline", "Quérat"), "gwen.querat@exemple.org"


class Laptops:
    """Databases sharing one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shared = root / "partage"
        self.shared.mkdir()
        self.dbs: dict[str, Database] = {}

    def open(self, name: str) -> Database:
        db = open_database(self.root / f"{name}.sqlite3")
        self.dbs[name] = db
        return db

    def sync(self, db: Database) -> None:
        sync_engine.pull(db, self.shared, backup_dir=self.root / "sauvegardes")
        sync_engine.publish(db, self.shared)

    def close(self) -> None:
        for db in self.dbs.values():
            db.close()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Laptops]:
    lab = Laptops(tmp_path)
    yield lab
    lab.close()


def leaks(path: Path) -> list[str]:
    words = [*NAME, EMAIL, "querat", "gwendoline", "Gwen"]
    found = []
    for f in sorted(path.parent.glob(f"{path.name}*")):
        data = f.read_bytes()
        for w in words:
            for v in {w, w.lower(), w.upper()}:
                if v.encode() in data or v.encode("utf-16-le") in data:
                    found.append(f"{f.name}: {v}")
    return found


def person_row(db: Database, pid: uuid.UUID) -> Person:
    with db.read() as s:
        p = s.get(Person, pid)
        assert p is not None
        return p


def _start(lab: Laptops) -> tuple[Database, Database, uuid.UUID, uuid.UUID]:
    anne = lab.open("anne")
    org = members.add_organisation(anne, members.OrganisationFields("Valtom")).organisations[0]
    pid = (
        members.add_person(
            anne, members.PersonFields(*NAME, org.id, email=EMAIL, phone="0473000000")
        )
        .people[0]
        .id
    )
    with anne.session() as s:
        m = Meeting(date=dt.date(2024, 5, 29), title="Atelier")
        s.add(m)
        s.flush()
        s.add(Attendance(meeting_id=m.id, person_id=pid, status=e.AttendanceStatus.PRESENT))
        point = Point(meeting_id=m.id, kind=e.PointKind.CONSENSUS, text=f"{' '.join(NAME)} : oui")
        s.add(point)
        s.flush()
        point_id = point.id
    sync_engine.create_workspace(anne, lab.shared)
    bruno = lab.open("bruno")
    sync_engine.join_workspace(bruno, lab.shared, backup_dir=lab.root / "sauvegardes")
    assert person_row(bruno, pid).email == EMAIL
    return anne, bruno, pid, point_id


def test_the_erasure_travels_and_the_other_laptop_forgets_too(lab: Laptops) -> None:
    anne, bruno, pid, point = _start(lab)
    privacy.erase_person(anne, pid, backup_dir=lab.root / "sauvegardes")
    lab.sync(anne)
    lab.sync(bruno)
    p = person_row(bruno, pid)
    assert (p.first_name, p.last_name, p.email, p.phone) == ("", "", None, None)
    with bruno.read() as s:
        assert is_erased(s, "person", pid)
        assert s.scalar(select(Point.text).where(Point.id == point)) == "[nom effacé] : oui"
        assert len(list(s.scalars(select(Attendance)))) == 1
    # Bruno's history held the name too: the erasure purged it there as well.
    privacy.compact(bruno)
    assert leaks(bruno.path) == []
    assert leaks(anne.path) == []


def test_an_edit_made_before_hearing_of_the_erasure_does_not_bring_data_back(
    lab: Laptops,
) -> None:
    anne, bruno, pid, _point = _start(lab)
    # Bruno, offline, rectifies the person; Anne erases her meanwhile.
    members.update_person(
        bruno,
        pid,
        members.PersonFields(*NAME, email="gwen.q@exemple.org", phone="0600000000"),
    )
    privacy.erase_person(anne, pid)
    lab.sync(anne)
    lab.sync(bruno)  # Bruno receives the erasure, then publishes his older edit
    lab.sync(anne)
    for db in (anne, bruno):
        p = person_row(db, pid)
        assert (p.first_name, p.last_name, p.email, p.phone) == ("", "", None, None), db.path
        with db.engine.connect() as con:
            # No conflict keeps the personal values for review either.
            rows = con.exec_driver_sql(
                "SELECT count(*) FROM sync_conflict WHERE table_name = 'person'"
            ).scalar()
            assert rows == 0
        privacy.compact(db)
        assert leaks(db.path) == []
        data = db.path.read_bytes()
        assert b"gwen.q@" not in data and b"0600000000" not in data


def test_a_late_laptop_with_the_old_record_cannot_resurrect_it(lab: Laptops) -> None:
    anne, bruno, pid, _point = _start(lab)
    carla = lab.open("carla")
    sync_engine.join_workspace(carla, lab.shared, backup_dir=lab.root / "sauvegardes")
    # Carla edits the person offline and publishes only after the erasure went round.
    members.update_person(carla, pid, members.PersonFields(*NAME, email=EMAIL, phone="0611111111"))
    privacy.erase_person(anne, pid)
    lab.sync(anne)
    lab.sync(bruno)
    lab.sync(carla)
    lab.sync(anne)
    lab.sync(bruno)
    for db in (anne, bruno, carla):
        p = person_row(db, pid)
        assert (p.last_name, p.email, p.phone) == ("", None, None)
        privacy.compact(db)
        assert leaks(db.path) == []


def test_merging_an_old_copy_of_the_database_cannot_undo_the_erasure(lab: Laptops) -> None:
    anne, _bruno, pid, _point = _start(lab)
    old = lab.root / "ancienne-copie.sqlite3"
    with anne.engine.connect() as con:
        con.exec_driver_sql(f"VACUUM INTO '{old}'")
    privacy.erase_person(anne, pid)
    sync_engine.merge_file(anne, old, backup_dir=lab.root / "sauvegardes")
    p = person_row(anne, pid)
    assert (p.first_name, p.last_name, p.email) == ("", "", None)
    privacy.compact(anne)
    assert leaks(anne.path) == []


def test_a_laptop_joining_after_the_erasure_never_sees_the_person(lab: Laptops) -> None:
    anne, _bruno, pid, _point = _start(lab)
    privacy.erase_person(anne, pid)
    lab.sync(anne)
    # Dora has data of her own, so she receives every bundle, the person's creation and
    # the erasure in the same pull, rather than a snapshot.
    dora = lab.open("dora")
    members.add_organisation(dora, members.OrganisationFields("LPO"))
    sync_engine.join_workspace(dora, lab.shared, backup_dir=lab.root / "sauvegardes")
    p = person_row(dora, pid)
    assert (p.first_name, p.last_name, p.email, p.phone) == ("", "", None, None)
    privacy.compact(dora)
    assert leaks(dora.path) == []
