"""Edits made after reopening an existing file are captured for sharing, like on a new one."""

import subprocess
import sys
from pathlib import Path

from alliance_desktop.storage.database import open_database


def test_edit_after_reopen_in_a_fresh_process_is_logged(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    open_database(path).close()
    # A new process, as when the app starts on yesterday's file: nothing imported yet.
    code = f"""
import datetime as dt
from pathlib import Path
from alliance_desktop.storage.database import open_database
from alliance_desktop.core import enums as e
db = open_database(Path({str(path)!r}))
from alliance_desktop.storage.models import Meeting, Point
with db.session() as s:
    m = Meeting(date=dt.date(2024, 5, 29), title="GES")
    s.add(m)
    s.add(Point(meeting=m, kind=e.PointKind.CONSENSUS, text="Capturé"))
db.close()
"""
    env_home = tmp_path / "home"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={"ALLIANCE_DESKTOP_HOME": str(env_home), "PATH": "/usr/bin:/bin"},
    )
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        assert "sync_change" in tables
        n = con.execute(
            "SELECT count(*) FROM sync_change WHERE row_id IN (SELECT id FROM point)"
        ).fetchone()[0]
    finally:
        con.close()
    assert n >= 1
