"""Backups around sharing: one a day, thinned as they age, and restoring one.

Copies are made by ``storage.backup.backup_file`` (``VACUUM INTO``, flushed, checked).
Thinning keeps, per database: the ten most recent, the newest of each of the last
fourteen days, of each of the last eight weeks and of each of the last twelve months.
Copies taken before a migration or a restore are never removed automatically.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alliance_desktop.core.errors import DatabaseError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.paths import backups_dir
from alliance_desktop.storage import sync_log
from alliance_desktop.storage.backup import backup_file
from alliance_desktop.storage.database import check_file, open_database

KEEP_RECENT = 10
KEEP_DAYS = 14
KEEP_WEEKS = 8
KEEP_MONTHS = 12
DAILY_REASON = "quotidienne"
PROTECTED = ("avant-migration", "avant-restauration")
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<when>\d{8}-\d{6}-\d{6})-(?P<reason>[A-Za-z0-9_.-]+)\.sqlite3$"
)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken_at: dt.datetime
    reason: str
    size: int


def _stem(db_path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", db_path.stem)[:60]


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """The backups of ``db_path`` in ``folder``, newest first."""
    folder = folder or backups_dir()
    if not folder.is_dir():
        return []
    stem = _stem(db_path)
    out = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or m.group("stem") != stem:
            continue
        when = dt.datetime.strptime(m.group("when"), "%Y%m%d-%H%M%S-%f")
        try:
            size = p.stat().st_size
        except OSError:
            continue
        out.append(BackupInfo(p, when, m.group("reason"), size))
    return sorted(out, key=lambda b: b.taken_at, reverse=True)


def to_keep(backups: list[BackupInfo], now: dt.datetime) -> set[Path]:
    """Which backups thinning keeps (the rest may go)."""
    keep: set[Path] = set()
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep.update(b.path for b in ordered[:KEEP_RECENT])
    keep.update(b.path for b in ordered if b.reason.startswith(PROTECTED))
    buckets: dict[tuple[str, object], Path] = {}
    for b in ordered:
        age = now - b.taken_at
        iso = b.taken_at.isocalendar()
        for kind, limit, key in (
            ("day", dt.timedelta(days=KEEP_DAYS), b.taken_at.date()),
            ("week", dt.timedelta(weeks=KEEP_WEEKS), (iso.year, iso.week)),
            ("month", dt.timedelta(days=31 * KEEP_MONTHS), (b.taken_at.year, b.taken_at.month)),
        ):
            if age <= limit and (kind, key) not in buckets:
                buckets[(kind, key)] = b.path  # the newest of its day / week / month
    keep.update(buckets.values())
    return keep


def thin(db_path: Path, folder: Path | None = None, now: dt.datetime | None = None) -> list[Path]:
    """Remove the backups of ``db_path`` that thinning does not keep; returns them."""
    now = now or dt.datetime.now()
    backups = list_backups(db_path, folder)
    keep = to_keep(backups, now)
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
            except OSError:
                continue
            removed.append(b.path)
    return removed


def daily_backup(db_path: Path, folder: Path | None = None) -> Path | None:
    """Take today's backup if there is none yet, then thin; returns the new copy, if any."""
    today = dt.datetime.now().date()
    if any(b.taken_at.date() == today for b in list_backups(db_path, folder)):
        thin(db_path, folder)
        return None
    made = backup_file(db_path, folder, reason=DAILY_REASON)
    thin(db_path, folder)
    return made


def restore(backup: Path, db_path: Path, folder: Path | None = None) -> Path | None:
    """Replace the database at ``db_path`` by ``backup`` (the database must be closed).

    The current database is backed up first; the copy happens through SQLite's backup
    interface, in one transaction, so an interruption leaves the old content whole.
    The restored database then gets a new device id: its clock and publishing state are
    back in the past, and reusing the old id could issue a stamp twice. What the shared
    folder received after the backup is merged back at the next sync.

    Returns:
        The backup of the database as it was before the restore (None if there was none).

    Raises:
        DatabaseError: the backup is missing, damaged, foreign or newer.
    """
    report = check_file(backup)
    if report.problems:
        raise DatabaseError(
            t(
                f"La sauvegarde « {backup} » est endommagée : rien n'a été restauré.",
                f"The backup “{backup}” is damaged: nothing was restored.",
            )
        )
    before = backup_file(db_path, folder, reason="avant-restauration") if db_path.exists() else None
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(db_path)
        try:
            dst.execute("PRAGMA busy_timeout=5000")
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise DatabaseError(
            t(
                f"La restauration a échoué ({exc}) : la base est inchangée.",
                f"Restoring failed ({exc}): the database is unchanged.",
            )
        ) from exc
    finally:
        src.close()
    # Opening upgrades a backup written by an older version (after backing it up).
    db = open_database(db_path, backup_dir=folder)
    try:
        with db.engine.begin() as con:
            ident = sync_log.load_identity(con)
            if ident is not None:
                sync_log.rotate_device(con, ident, sync_log.binding_for(db_path))
    finally:
        db.close()
    return before
