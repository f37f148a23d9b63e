"""Migrations: an older file is upgraded after a verified backup, its data intact."""

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage import migrations, search
from alliance_desktop.storage.database import SCHEMA_HEAD, open_database
from alliance_desktop.storage.models import Point


def _make_file_at_first_revision(path: Path) -> uuid.UUID:
    """A file exactly as version 0001 wrote it, with a session and two points."""
    migrations.upgrade(path, "0001_initial")
    con = sqlite3.connect(path)
    meeting = uuid.uuid4()
    now = "2024-05-29 17:00:00.000000"
    con.execute(
        "INSERT INTO meeting (id, date, title, kind, status, created_at, updated_at) "
        "VALUES (?, '2024-05-29', 'Atelier 2 GES', 'workshop', 'closed', ?, ?)",
        (meeting.hex, now, now),
    )
    for pos, (kind, text) in enumerate(
        [("consensus", "Large consensus sur la réduction"), ("dissent", "Intensité économique")]
    ):
        con.execute(
            "INSERT INTO point (id, meeting_id, kind, text, position, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (uuid.uuid4().hex, meeting.hex, kind, text, pos, now, now),
        )
    con.commit()
    con.close()
    return meeting


def test_older_file_is_upgraded_after_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    meeting = _make_file_at_first_revision(path)
    backups = tmp_path / "backups"
    db = open_database(path, backup_dir=backups)
    try:
        assert db.revision() == SCHEMA_HEAD
        with db.read() as s:
            texts = {p.text: p.kind for p in s.scalars(select(Point))}
        assert texts == {
            "Large consensus sur la réduction": e.PointKind.CONSENSUS,
            "Intensité économique": e.PointKind.DISSENT,
        }
        # the new search index covers what the old file held
        with db.engine.connect() as con:
            hits = search.search(con, "reduction")
        assert [h.meeting_id for h in hits] == [meeting]
        assert db.integrity_problems() == []
    finally:
        db.close()
    saved = list(backups.iterdir())
    assert len(saved) == 1
    raw = sqlite3.connect(saved[0])
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
    assert raw.execute("SELECT count(*) FROM point").fetchone()[0] == 2
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()


def test_failed_backup_leaves_old_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _make_file_at_first_revision(path)
    before = path.read_bytes()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    from alliance_desktop.core.errors import DatabaseError

    with pytest.raises(DatabaseError, match="sauvegarde"):
        open_database(path, backup_dir=blocker / "sub")
    assert path.read_bytes() == before


def test_search_index_follows_edits(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.sqlite3")
    from alliance_desktop.storage.models import Meeting

    with db.session() as s:
        m = Meeting(date=dt.date(2024, 9, 5))
        s.add(m)
        p = Point(meeting=m, kind=e.PointKind.OPEN_QUESTION, text="Particules ultrafines")
        s.add(p)
    with db.engine.connect() as con:
        assert len(search.search(con, "ultrafine")) == 1
        assert search.search(con, '"; DROP TABLE point; --') == []
    with db.session() as s:
        s.get(Point, p.id).text = "Effet cocktail"  # type: ignore[union-attr]
    with db.engine.connect() as con:
        assert search.search(con, "ultrafine") == []
        assert len(search.search(con, "cocktail")) == 1
    with db.session() as s:
        s.delete(s.get(Point, p.id))
    with db.engine.connect() as con:
        assert search.search(con, "cocktail") == []
    db.close()


def test_index_and_its_map_stay_in_step(tmp_path: Path) -> None:
    """Every indexed row has one index entry and one map line, through edits and deletes."""
    db = open_database(tmp_path / "m.sqlite3")
    from alliance_desktop.storage.models import Meeting

    with db.session() as s:
        m = Meeting(date=dt.date(2024, 9, 26))
        s.add(m)
        points = [
            Point(meeting=m, kind=e.PointKind.CONSENSUS, text=f"point {i}") for i in range(50)
        ]
        s.add_all(points)
    with db.session() as s:
        for p in s.scalars(select(Point)).all()[:20]:
            p.text = p.text + " modifié"
    with db.session() as s:
        for p in s.scalars(select(Point)).all()[:10]:
            s.delete(p)
    with db.engine.connect() as con:
        counts = [
            con.exec_driver_sql(sql).scalar()
            for sql in (
                "SELECT count(*) FROM point",
                "SELECT count(*) FROM search_index",
                "SELECT count(*) FROM search_index_map",
                "SELECT count(*) FROM search_index_map m JOIN search_index i "
                "ON i.rowid = m.fts_rowid AND i.item_id = m.item_id",
            )
        ]
        assert counts == [40, 40, 40, 40]
        assert len(search.search(con, "modifié")) == 10
    db.close()


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Le cœur du sujet", "coeur"),
        ("Le coeur du sujet", "cœur"),
        ("Une œuvre", "OEUVRE"),
        ("Curriculum vitæ", "vitae"),
    ],
)
def test_ligatures_are_found_both_ways(tmp_path: Path, stored: str, typed: str) -> None:
    db = open_database(tmp_path / "l.sqlite3")
    from alliance_desktop.storage.models import Meeting

    with db.session() as s:
        m = Meeting(date=dt.date(2024, 5, 14))
        s.add(m)
        s.add(Point(meeting=m, kind=e.PointKind.CONSENSUS, text=stored))
        s.add(Point(meeting=m, kind=e.PointKind.DISSENT, text="Rien à voir"))
    with db.engine.connect() as con:
        hits = search.search(con, typed)
        assert len(hits) == 1
        assert search.search(con, f'{typed} "; DROP') == []
    db.close()
