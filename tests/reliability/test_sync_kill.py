"""Real processes killed (SIGKILL) at random moments while publishing and while pulling.

After every kill: the database passes ``PRAGMA integrity_check``, holds every edit the
child had acknowledged (committed and printed), the shared folder holds no bundle that
does not match its name, and a plain sync afterwards converges. ``SYNC_KILLS`` sets
the number of kills per mode (a modest default keeps the suite short).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

KILLS = int(os.environ.get("SYNC_KILLS", "6"))

# The child edits and publishes (or pulls) in a loop, printing each committed edit.
_CHILD = r"""
import sys, uuid, datetime as dt
from pathlib import Path
from alliance_desktop.core import enums as e
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Point

mode, db_path, shared, meeting, prefix = sys.argv[1:6]
db = open_database(Path(db_path))
print("READY", flush=True)
n = 0
while True:
    with db.session() as s:
        p = Point(meeting_id=uuid.UUID(meeting), kind=e.PointKind.CONSENSUS, text=f"{prefix}{n}")
        s.add(p)
        s.flush()
        pid = p.id
    print(f"ACK {pid.hex} {prefix}{n}", flush=True)
    n += 1
    if mode == "publish":
        sync_engine.publish(db, Path(shared))
    else:
        sync_engine.pull(db, Path(shared))
        print("PULLED", flush=True)
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ALLIANCE_DESKTOP_HOME"] = str(home)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def _run_and_kill(
    mode: str, db: Path, shared: Path, meeting: str, prefix: str, home: Path, delay: float
) -> list[tuple[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, mode, str(db), str(shared), meeting, prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(home),
    )
    lines: list[str] = []
    ready = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith("READY"):
                ready.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        if not ready.wait(60):
            assert proc.stderr is not None
            raise AssertionError(f"the child did not start: {proc.stderr.read()}")
        time.sleep(delay)
        if proc.poll() is not None:
            assert proc.stderr is not None
            raise AssertionError(f"the child stopped by itself: {proc.stderr.read()}")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
        t.join(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    return [(ln.split()[1], ln.split(" ", 2)[2]) for ln in lines if ln.startswith("ACK ")]


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def _points(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT id, text FROM point").fetchall())
    finally:
        con.close()


def _bundles_match_their_names(shared: Path) -> None:
    from alliance_desktop.storage import sync_folder

    for p in (shared / "devices").rglob("*.bundle"):
        m = sync_folder.BUNDLE_RE.match(p.name)
        assert m, p
        assert sync_folder.sha256_file(p)[:32] == m.group("sha"), f"{p} does not match its name"


def _setup(tmp_path: Path) -> tuple[Path, Path, Path, str]:
    from test_sync_support import add_meeting

    from alliance_desktop.services import sharing
    from alliance_desktop.storage.database import open_database

    shared = tmp_path / "shared"
    shared.mkdir()
    a_path, b_path = tmp_path / "anne.sqlite3", tmp_path / "bruno.sqlite3"
    a = open_database(a_path)
    meeting = add_meeting(a, "Atelier sous tension").hex
    sharing.sync(a, shared)
    a.close()
    b = open_database(b_path)
    sharing.sync(b, shared)
    b.close()
    return shared, a_path, b_path, meeting


def _final_check(shared: Path, a_path: Path, b_path: Path, acked: dict[str, str]) -> None:
    from alliance_desktop.services import sharing
    from alliance_desktop.storage import sync_engine
    from alliance_desktop.storage.database import open_database

    a, b = open_database(a_path), open_database(b_path)
    try:
        for _round in range(2):
            sharing.sync(a, shared)
            sharing.sync(b, shared)
        assert sync_engine.content_digest(a) == sync_engine.content_digest(b)
        for path in (a_path, b_path):
            points = _points(path)
            for pid, text in acked.items():
                assert points.get(pid) == text, f"acknowledged edit {text} lost in {path.name}"
    finally:
        a.close()
        b.close()
    _bundles_match_their_names(shared)


def test_killed_while_publishing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "unit"))
    shared, a_path, b_path, meeting = _setup(tmp_path)
    rng = random.Random(20240529)
    acked: dict[str, str] = {}
    for k in range(KILLS):
        got = _run_and_kill(
            "publish", a_path, shared, meeting, f"k{k}-", tmp_path / "home", rng.uniform(0.05, 0.6)
        )
        assert _integrity(a_path) == "ok"
        points = _points(a_path)
        for pid, text in got:
            assert points.get(pid) == text, f"acknowledged edit {text} lost"
        acked.update(got)
        _bundles_match_their_names(shared)
    assert acked, "the child never got to acknowledge an edit"
    _final_check(shared, a_path, b_path, acked)


def test_killed_while_pulling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "unit"))
    from alliance_desktop.core import enums as e
    from alliance_desktop.services import sharing
    from alliance_desktop.storage.database import open_database
    from alliance_desktop.storage.models import Point

    shared, a_path, b_path, meeting = _setup(tmp_path)
    rng = random.Random(1789)
    acked: dict[str, str] = {}
    import uuid

    for k in range(KILLS):
        # Anne leaves a fresh batch of bundles for Bruno's killed pulls to chew on.
        a = open_database(a_path)
        for j in range(4):
            with a.session() as s:
                for i in range(40):
                    s.add(
                        Point(
                            meeting_id=uuid.UUID(meeting),
                            kind=e.PointKind.DISSENT,
                            text=f"anne {k}.{j}.{i}",
                        )
                    )
            sharing.sync(a, shared)
        a.close()
        got = _run_and_kill(
            "pull", b_path, shared, meeting, f"b{k}-", tmp_path / "home", rng.uniform(0.02, 0.5)
        )
        assert _integrity(b_path) == "ok"
        points = _points(b_path)
        for pid, text in got:
            assert points.get(pid) == text, f"acknowledged edit {text} lost"
        acked.update(got)
    assert acked, "the child never got to acknowledge an edit"
    _final_check(shared, a_path, b_path, acked)
