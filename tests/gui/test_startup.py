"""Start-up from the command line, in a child process: refusals and imports."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance_desktop.storage.database import open_database

pytestmark = pytest.mark.gui


def _run(args: list[str], home: Path, *code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ALLIANCE_DESKTOP_HOME=str(home))
    env.pop("ALLIANCE_DESKTOP_LANG", None)
    command = [sys.executable, "-c", *code] if code else [sys.executable, "-m", "alliance_desktop"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _assert_refused(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert result.stdout == ""


def test_not_sqlite_is_refused_and_untouched(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Compte-rendu du 29 mai\n" * 50)
    before = path.read_bytes()
    _assert_refused(_run(["--db", str(path)], app_home), "n'est pas une base de données SQLite")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_empty_file_is_refused_and_untouched(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "vide.sqlite3"
    path.write_bytes(b"")
    _assert_refused(_run(["--db", str(path)], app_home), "est un fichier vide")
    assert path.read_bytes() == b""


def test_directory_is_refused(tmp_path: Path, app_home: Path) -> None:
    _assert_refused(_run(["--db", str(tmp_path)], app_home), "est un dossier")
    assert list(tmp_path.iterdir()) == []


def test_english_refusal(tmp_path: Path, app_home: Path) -> None:
    _assert_refused(_run(["--lang", "en", "--db", str(tmp_path)], app_home), "is a folder")


def test_missing_folder_is_refused(tmp_path: Path, app_home: Path) -> None:
    _assert_refused(
        _run(["--db", str(tmp_path / "absent" / "a.sqlite3")], app_home), "n'existe pas"
    )
    assert not (tmp_path / "absent").exists()


def test_newer_schema_is_refused_and_untouched(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_futur'")
    con.commit()
    con.close()
    before = path.read_bytes()
    _assert_refused(_run(["--db", str(path)], app_home), "version plus récente")
    assert path.read_bytes() == before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not bind the superuser",
)
def test_read_only_folder_is_refused(tmp_path: Path, app_home: Path) -> None:
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    path = folder / "alliance.sqlite3"
    open_database(path).close()
    before = path.read_bytes()
    folder.chmod(0o555)
    try:
        _assert_refused(_run(["--db", str(path)], app_home), "n'accepte pas l'écriture")
    finally:
        folder.chmod(0o755)
    assert path.read_bytes() == before


def test_window_start_up_leaves_heavy_libraries_alone(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "alliance.sqlite3"
    open_database(path).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from alliance_desktop.app import build_main_window, make_application\n"
        "from alliance_desktop.storage.database import open_database\n"
        "app = make_application()\n"
        "db = open_database(Path(sys.argv[1]))\n"
        "w = build_main_window(db)\n"
        "w.show()\n"
        "app.processEvents()\n"
        "heavy = ('pandas', 'pyqtgraph', 'docx', 'alembic', 'openpyxl', 'PIL')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "w.close()\n"
        "db.close()\n"
    )
    result = _run([str(path)], app_home, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_what_is_loaded_before_qt_is_left_out_of_the_collector(app_home: Path) -> None:
    code = (
        "import gc, sys\n"
        "from alliance_desktop.app import make_application\n"
        "assert 'PySide6' not in sys.modules\n"
        "app = make_application()\n"
        "print(gc.get_freeze_count() > 10_000)\n"
    )
    result = _run([], app_home, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_terminate_closes_the_database_cleanly(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "alliance.sqlite3"
    open_database(path).close()
    wal = path.with_name(path.name + "-wal")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ALLIANCE_DESKTOP_HOME=str(app_home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "alliance_desktop", "--db", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not wal.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # the window is up well within this, on any laptop
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert not wal.exists() or wal.stat().st_size == 0
