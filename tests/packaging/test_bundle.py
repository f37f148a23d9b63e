"""The Linux bundle is built, then used as a facilitator would: demo, export, window.

Building takes about a minute; a broken bundle (a missing data file, a module PyInstaller
did not see) fails here rather than on a facilitator's laptop.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance_desktop import version
from alliance_desktop.storage import migrations

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller")
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(out / "dist"),
            "--work",
            str(out / "work"),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    exe = out / "dist" / "alliance-desktop" / "alliance-desktop"
    assert exe.is_file()
    return exe


def run(exe: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    # The bundle must not lean on the source tree or the virtualenv.
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, cwd=home, timeout=120
    )


def test_version_from_the_package_metadata(bundle: Path, tmp_path: Path) -> None:
    proc = run(bundle, tmp_path, "--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"alliance-desktop {version()}"


def test_demo_then_minutes_from_the_command_line(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    proc = run(bundle, tmp_path, "demo", str(db))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "cr.docx"
    proc = run(
        bundle, tmp_path, "export", "minutes", "--session", "5", "-o", str(out), "--db", str(db)
    )
    assert proc.returncode == 0, proc.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "29 mai 2024" in text
    proc = run(bundle, tmp_path, "check", "--db", str(db))
    assert proc.returncode == 0 and "intégrité vérifiée" in proc.stdout


def test_bundle_upgrades_an_older_database(bundle: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    migrations.upgrade(old, "0001_initial")
    proc = run(bundle, tmp_path, "check", "--db", str(old))
    assert "0001_initial" in proc.stdout
    gui = start_gui(bundle, tmp_path, "--db", str(old))
    stop_gui(gui)
    con = sqlite3.connect(old)
    try:
        head = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()
    assert head == migrations.head_revision()
    assert list((tmp_path / "sauvegardes").iterdir())  # the backup taken before migrating


def start_gui(exe: Path, home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(4)  # long enough to import everything, open the file and paint
    assert proc.poll() is None, proc.communicate()[1]
    return proc


def stop_gui(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_window_starts_offscreen_on_a_demo_and_closes(bundle: Path, tmp_path: Path) -> None:
    stop_gui(start_gui(bundle, tmp_path, "--demo"))


def test_no_source_tree_needed(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    assert (internal / "db" / "versions").is_dir()
    assert (internal / "db" / "demo" / "alliance-2024.json").is_file()
    assert (internal / "resources" / "templates" / "compte-rendu.docx").is_file()
    assert shutil.which("alliance-desktop", path=str(bundle.parent))
