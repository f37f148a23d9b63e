"""Backups around sharing: before merges, daily, thinned; restoring one; merging a file."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_sync_support import Lab, add_meeting, add_point, digest, set_text, texts

from alliance_desktop.core.errors import KnownError
from alliance_desktop.services import sharing
from alliance_desktop.storage import migrations, sync_backups
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Meeting


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path)
    yield lab
    lab.close()


def fake_backups(folder: Path, stem: str, when: list[dt.datetime], reason: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for w in when:
        p = folder / f"{stem}-{w:%Y%m%d-%H%M%S-%f}-{reason}.sqlite3"
        p.write_bytes(b"x")
        out.append(p)
    return out


def test_thinning_keeps_recent_daily_weekly_monthly_and_protected(tmp_path: Path) -> None:
    now = dt.datetime(2026, 6, 30, 12, 0)
    # Four backups a day for two years.
    when = [now - dt.timedelta(hours=6 * i) for i in range(4 * 730)]
    made = fake_backups(tmp_path, "alliance", when, "avant-fusion")
    (protected,) = fake_backups(
        tmp_path, "alliance", [now - dt.timedelta(days=700)], "avant-migration-0002_search"
    )
    other = fake_backups(tmp_path, "autre", [now - dt.timedelta(days=300)], "avant-fusion")
    removed = sync_backups.thin(tmp_path / "alliance.sqlite3", tmp_path, now)
    kept = {b.path for b in sync_backups.list_backups(tmp_path / "alliance.sqlite3", tmp_path)}
    assert protected in kept and other[0].exists()
    assert set(made) == kept - {protected} | set(removed)
    assert 25 <= len(kept) <= sync_backups.KEEP_RECENT + 14 + 8 + 12 + 1
    assert set(made[:10]) <= kept  # the ten most recent
    days = {
        b.taken_at.date()
        for b in sync_backups.list_backups(tmp_path / "alliance.sqlite3", tmp_path)
    }
    for d in range(14):
        assert (now - dt.timedelta(days=d)).date() in days
    # Nothing older than a year, apart from the protected copy.
    assert all(
        now - p.taken_at <= dt.timedelta(days=372) or p.path == protected
        for p in sync_backups.list_backups(tmp_path / "alliance.sqlite3", tmp_path)
    )


def test_a_backup_is_taken_before_every_merge_and_once_a_day(lab: Lab) -> None:
    a = lab.laptop("anne")
    lab.sync(a)
    b = lab.laptop("bruno")
    report = lab.sync(b)
    assert report.daily_backup is not None
    add_meeting(a)
    lab.sync(a)
    report = lab.sync(b)
    assert report.backup is not None and report.backup.is_file()
    assert report.daily_backup is None  # already one today
    reasons = [x.reason for x in sharing.backups(b.path, lab.root / "backups")]
    assert "avant-fusion" in reasons and "quotidienne" in reasons
    with sqlite3.connect(report.backup) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_puts_a_backup_back_and_the_shared_folder_gives_the_rest(lab: Lab) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    p = add_point(a, m, "avant la sauvegarde")
    lab.sync(a)
    saved = sharing.backup_now(a.path, lab.root / "backups")
    set_text(a, p, "publié après la sauvegarde")
    lab.sync(a)
    q = add_point(a, m, "jamais publié")
    old_device = sharing.status(a).device_id
    a.close()
    lab.dbs.remove(a)
    before = sharing.restore_backup(saved, a.path, lab.root / "backups")
    assert before is not None and before.is_file()
    a = open_database(a.path)
    lab.dbs.append(a)
    assert texts(a) == {p: "avant la sauvegarde"}
    assert sharing.status(a).device_id != old_device  # never stamps twice under one id
    lab.sync(a)
    assert texts(a)[p] == "publié après la sauvegarde"
    # What was never published is in the copy taken before the restore: merge it back.
    sharing.merge_file(a, before, backup_dir=lab.root / "backups")
    assert texts(a)[q] == "jamais publié"
    assert a.integrity_problems() == []


def test_restore_refuses_a_damaged_backup_and_changes_nothing(lab: Lab) -> None:
    a = lab.laptop("anne")
    add_meeting(a)
    a.close()
    lab.dbs.remove(a)
    before = a.path.read_bytes()
    bad = lab.root / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(KnownError):
        sharing.restore_backup(bad, a.path, lab.root / "backups")
    with pytest.raises(KnownError):
        sharing.restore_backup(lab.root / "absent.sqlite3", a.path, lab.root / "backups")
    assert a.path.read_bytes() == before


# -- « Fusionner un fichier… » -------------------------------------------------------


def test_merging_an_emailed_database_written_before_sharing_existed(lab: Lab) -> None:
    old = lab.root / "reçu par courriel.sqlite3"
    migrations.upgrade(old, "0002_search")
    con = sqlite3.connect(old)
    meeting = uuid.uuid4().hex
    stamp = "2024-05-29 17:00:00.000000"
    con.execute(
        "INSERT INTO meeting (id, date, title, kind, status, created_at, updated_at) "
        "VALUES (?, '2024-05-29', 'Atelier envoyé', 'workshop', 'closed', ?, ?)",
        (meeting, stamp, stamp),
    )
    con.commit()
    con.close()
    original = old.read_bytes()
    a = lab.laptop("anne")
    report = sharing.merge_file(a, old, backup_dir=lab.root / "backups")
    assert report.action == "merged" and report.backup is not None
    with a.read() as s:
        assert s.get(Meeting, uuid.UUID(meeting)).title == "Atelier envoyé"  # type: ignore[union-attr]
    assert old.read_bytes() == original  # only read
    # Merged content travels to the others with this laptop's next publish.
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    assert digest(a) == digest(b)


def test_merging_a_sync_clients_conflicted_copy_of_a_database(lab: Lab) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    p = add_point(a, m, "commun")
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    set_text(b, p, "dans la copie")
    add_point(b, m, "seulement dans la copie")
    b.close()
    lab.dbs.remove(b)
    copy = lab.root / "bruno (conflicted copy 2024-05-29).sqlite3"
    shutil.copy(b.path, copy)
    set_text(a, p, "chez Anne")
    sharing.merge_file(a, copy, backup_dir=lab.root / "backups")
    assert "seulement dans la copie" in texts(a).values()
    (c,) = sharing.conflicts(a)
    assert {c.winner_value, c.other_value} == {"dans la copie", "chez Anne"}
    again = digest(a)
    sharing.merge_file(a, copy, backup_dir=lab.root / "backups")
    assert digest(a) == again


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "ni une base"),
        (b"bonjour", "ni une base"),
        (b"SQLite format 3\x00" + b"\xff" * 500, "endommag|illisible|base"),
    ],
    ids=["empty", "text", "damaged"],
)
def test_merging_something_else_is_refused_and_changes_nothing(
    lab: Lab, content: bytes, needle: str
) -> None:
    a = lab.laptop("anne")
    add_meeting(a)
    before = digest(a)
    f = lab.root / "pièce jointe.sqlite3"
    f.write_bytes(content)
    with pytest.raises(KnownError, match=needle):
        sharing.merge_file(a, f, backup_dir=lab.root / "backups")
    assert digest(a) == before


def test_merging_a_database_from_a_newer_version_is_refused(lab: Lab) -> None:
    newer = lab.root / "newer.sqlite3"
    db = open_database(newer)
    db.close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    a = lab.laptop("anne")
    with pytest.raises(KnownError, match="plus récente"):
        sharing.merge_file(a, newer, backup_dir=lab.root / "backups")
