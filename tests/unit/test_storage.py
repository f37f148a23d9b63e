"""Tests of the database file: creation, identity, integrity and refusals."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import DatabaseError, NewerSchemaError
from alliance_desktop.storage import migrations, reference
from alliance_desktop.storage.database import (
    APPLICATION_ID,
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    open_database,
)
from alliance_desktop.storage.models import (
    Attendance,
    Meeting,
    Organisation,
    Person,
    Point,
    StageRow,
    ThemeRow,
)


def test_new_file_is_at_head_with_reference_data_only(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3")
    try:
        assert db.revision() == SCHEMA_HEAD
        assert db.integrity_problems() == []
        with db.read() as s:
            assert {t.code for t in s.scalars(select(ThemeRow))} == set(e.Theme)
            assert {t.code for t in s.scalars(select(StageRow))} == set(e.Stage)
            assert s.scalar(select(func.count()).select_from(Meeting)) == 0
            assert s.scalar(select(func.count()).select_from(Person)) == 0
    finally:
        db.close()
    con = sqlite3.connect(tmp_path / "new.sqlite3")
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_schema_head_matches_migration_scripts() -> None:
    assert migrations.head_revision() == SCHEMA_HEAD
    assert tuple(migrations.all_revisions()) == KNOWN_REVISIONS


def test_created_schema_equals_migrated_schema(tmp_path: Path) -> None:
    """A file built with create_all and one built by the migrations must not differ."""
    created = tmp_path / "created.sqlite3"
    open_database(created).close()
    migrated = tmp_path / "migrated.sqlite3"
    migrations.upgrade(migrated)

    def schema(path: Path) -> set[tuple[str, str]]:
        con = sqlite3.connect(path)
        try:
            return {
                (r[0], " ".join(r[1].split()).replace('"', ""))
                for r in con.execute(
                    "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                    "AND name NOT LIKE 'search_index_%' ORDER BY name"
                )
            }
        finally:
            con.close()

    names_created = {n for n, _ in schema(created)}
    names_migrated = {n for n, _ in schema(migrated)}
    assert names_created == names_migrated
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from alliance_desktop.storage.models import Base

    engine = create_engine(f"sqlite:///{migrated}")
    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    engine.dispose()
    # The FTS5 index is made of raw SQL, outside the ORM metadata.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_"))]
    assert diff == []


def test_every_action_is_committed_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    with db.session() as s:
        m = Meeting(
            date=dt.date(2024, 5, 29),
            title="Atelier 2",
            theme_id=reference.theme_id(e.Theme.GES),
            stage_id=reference.stage_id(e.Stage.OBJECTIVES),
        )
        s.add(m)
        s.add(Point(meeting=m, kind=e.PointKind.CONSENSUS, text="Réduire, c'est « urgent » ! œ"))
    db.close()
    db = open_database(path)
    with db.read() as s:
        p = s.scalars(select(Point)).one()
        assert p.text == "Réduire, c'est « urgent » ! œ"
        assert p.meeting.theme is not None and p.meeting.theme.code is e.Theme.GES
        assert p.created_at is not None and p.updated_at is not None
    db.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = open_database(tmp_path / "fk.sqlite3")
    with pytest.raises(Exception, match="FOREIGN KEY"), db.session() as s:
        import uuid

        s.add(Point(meeting_id=uuid.uuid4(), kind=e.PointKind.DISSENT, text="x"))
    db.close()


def test_deleting_a_meeting_cascades_but_keeps_people(tmp_path: Path) -> None:
    db = open_database(tmp_path / "c.sqlite3")
    with db.session() as s:
        org = Organisation(name="Valtom", kind=e.OrganisationKind.PUBLIC_SERVICE, is_member=True)
        person = Person(first_name="Camille", last_name="Exemple", organisation=org)
        m = Meeting(date=dt.date(2024, 3, 11))
        s.add_all([org, person, m])
        s.add(Attendance(meeting=m, person=person, organisation=org))
        s.add(Point(meeting=m, kind=e.PointKind.CONSENSUS, text="a"))
    with db.session() as s:
        s.delete(s.scalars(select(Meeting)).one())
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Point)) == 0
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
        assert s.scalar(select(func.count()).select_from(Person)) == 1
    db.close()


def _bytes(p: Path) -> bytes:
    return p.read_bytes()


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "vide"),
        (b"Ceci est un compte-rendu, pas une base.\n" * 10, "SQLite"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "endommag"),
    ],
    ids=["empty", "text", "truncated-sqlite"],
)
def test_bad_files_are_refused_and_left_unchanged(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=needle):
        open_database(path)
    assert _bytes(path) == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.sqlite3"]


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="dossier"):
        open_database(tmp_path)


def test_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    con.commit()
    con.close()
    before = _bytes(path)
    with pytest.raises(DatabaseError, match="autre logiciel"):
        open_database(path)
    assert _bytes(path) == before


def test_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    con.commit()
    con.close()
    before = _bytes(path)
    with pytest.raises(NewerSchemaError, match="plus récente"):
        open_database(path)
    assert _bytes(path) == before


def readonly_folder(tmp_path: Path) -> Path:
    """A folder that refuses new files, even to root (who ignores permission bits)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").write_bytes(b"")
    except OSError:
        return folder
    (folder / "probe").unlink()
    folder.chmod(0o755)
    sysfs = Path("/sys")
    try:
        (sysfs / "alliance-probe").write_bytes(b"")
    except OSError:
        return sysfs
    pytest.skip("no read-only folder available on this machine")


def test_new_file_in_readonly_folder_is_refused(tmp_path: Path) -> None:
    folder = readonly_folder(tmp_path)
    with pytest.raises(DatabaseError, match="écriture") as refused:
        open_database(folder / "alliance.sqlite3")
    assert not (folder / "alliance.sqlite3").exists()
    # The reason in French too, not the system's English (« Permission denied »).
    reason = str(refused.value).split("(")[1].split(")")[0]
    assert not any(w in reason for w in ("denied", "Read-only", "not permitted", "No such"))


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="n'existe pas"):
        open_database(tmp_path / "nowhere" / "a.sqlite3")


def test_concurrent_openers_do_not_trip_over_each_others_probe(tmp_path: Path) -> None:
    # The window, an export worker and an import worker open the same file at once.
    from concurrent.futures import ThreadPoolExecutor

    from alliance_desktop.storage.database import _check_writable_folder

    path = tmp_path / "alliance.sqlite3"

    def probe_many(_: int) -> None:
        for _ in range(300):
            _check_writable_folder(path)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(probe_many, range(6)))
    assert [p.name for p in tmp_path.iterdir()] == []
