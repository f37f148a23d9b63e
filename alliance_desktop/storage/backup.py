"""Backups of the database file: consistent copies taken with ``VACUUM INTO``, verified."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from alliance_desktop.core.errors import DatabaseError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.paths import backups_dir


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", s)[:60]


def backup_file(path: Path, dest_dir: Path | None = None, *, reason: str = "manuelle") -> Path:
    """Copy the database at ``path`` into ``dest_dir`` and check the copy.

    The copy is made by SQLite itself (``VACUUM INTO``), so it is consistent even if the
    file has a write-ahead log, then flushed to disk and checked with ``integrity_check``
    before anything is allowed to change the original.

    Raises:
        DatabaseError: the copy could not be made or does not check out.
    """
    dest_dir = dest_dir or backups_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = dest_dir / f"{_safe(path.stem)}-{stamp}-{_safe(reason)}.sqlite3"
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            con.execute("VACUUM INTO ?", (str(target),))
        finally:
            con.close()
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        check = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(
            t(
                f"La sauvegarde de « {path} » a échoué ({exc}) : la base n'a pas été modifiée.",
                f"Backing up “{path}” failed ({exc}): the database was not changed.",
            )
        ) from exc
    if result != "ok":
        raise DatabaseError(
            t(
                f"La sauvegarde de « {path} » est incorrecte : la base n'a pas été modifiée.",
                f"The backup of “{path}” is faulty: the database was not changed.",
            )
        )
    return target
