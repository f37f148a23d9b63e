"""An erasure made on one laptop leaves no trace in the other laptop's file after a sync,
and a restored backup from before the erasure does not bring the person back."""

from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.services import privacy, sharing
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Organisation, Person

NAME = ("Dominique", "Effaçable")
EMAIL = "dominique.effacable@exemple.org"


def _bytes_of(path: Path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _traces(path: Path) -> list[str]:
    raw = _bytes_of(path).lower()
    return [
        needle
        for needle in (NAME[1], EMAIL)
        if needle.lower().encode("utf-8") in raw or needle.lower().encode("utf-16-le") in raw
    ]


def test_erasure_travels_and_is_compacted_on_the_other_laptop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path / "home"))
    shared = tmp_path / "partage"
    shared.mkdir()
    a_path, b_path = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    a = open_database(a_path)
    with a.session() as s:
        org = Organisation(name="Valtom", kind=e.OrganisationKind.PUBLIC_SERVICE, is_member=True)
        s.add(org)
        s.add(Person(first_name=NAME[0], last_name=NAME[1], email=EMAIL, organisation=org))
    sharing.sync(a, shared, backup_dir=tmp_path / "bk-a")
    b = open_database(b_path)
    sharing.sync(b, shared, backup_dir=tmp_path / "bk-b")
    b.close()
    assert _traces(b_path)  # B received the person

    with a.read() as s:
        person_id = s.scalars(select(Person.id)).one()
    privacy.erase_person(a, person_id, backup_dir=tmp_path / "bk-a")
    sharing.sync(a, shared, backup_dir=tmp_path / "bk-a")
    a.close()

    b = open_database(b_path)
    sharing.sync(b, shared, backup_dir=tmp_path / "bk-b")
    with b.read() as s:
        person = s.scalars(select(Person)).one()
        assert person.last_name != NAME[1] and person.email != EMAIL
    b.close()
    assert _traces(b_path) == []


def test_restoring_an_older_backup_erases_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path / "home"))
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    with db.session() as s:
        s.add(Person(first_name=NAME[0], last_name=NAME[1], email=EMAIL))
    old = sharing.backup_now(path, tmp_path / "bk")
    with db.read() as s:
        person_id = s.scalars(select(Person.id)).one()
    privacy.erase_person(db, person_id, backup_dir=tmp_path / "bk")
    db.close()
    sharing.restore_backup(old, path, tmp_path / "bk")
    db = open_database(path)
    with db.read() as s:
        person = s.scalars(select(Person)).one()
    db.close()
    assert person.last_name != NAME[1]
    assert person.email != EMAIL
