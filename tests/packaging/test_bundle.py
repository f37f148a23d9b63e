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
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

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


def test_command_line_use_does_not_load_qt(bundle: Path, tmp_path: Path) -> None:
    # PyInstaller's own PySide6 run-time hook imported QtCore before the first line: 60 ms
    # of every start, and --version took twice as long as from source.
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(tmp_path), LD_DEBUG="files")
    proc = subprocess.run(
        [str(bundle), "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0
    assert "libpython" in proc.stderr  # the loader's trace is there...
    assert "libQt6Core" not in proc.stderr  # ...and Qt is not in it


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


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A virtual X server: the bundle's own xcb plugin and libraries, not offscreen."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        display = f.readline().strip()
    try:
        yield f":{display}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_window_starts_on_an_x_server(bundle: Path, tmp_path: Path, xvfb_display: str) -> None:
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(tmp_path), DISPLAY=xvfb_display)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen(
        [str(bundle), "--demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    time.sleep(5)
    assert proc.poll() is None, proc.communicate()[1]
    stop_gui(proc)


def _elf_files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


def test_bundle_is_complete_and_slim(bundle: Path, trim: ModuleType) -> None:
    from PyInstaller.depend import dylib

    internal = bundle.parent / "_internal"
    assert not [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    files = list(_elf_files(bundle.parent))
    present = {p.name for p in files} | {p.name for p in internal.rglob("*") if p.is_symlink()}
    # Every library asked for is in the bundle or is one the system provides.
    missing = {
        (path.name, soname)
        for path in files
        for soname in trim.elf_needed(path)
        if soname not in present
        and soname not in trim.SYSTEM_LIBRARIES
        and dylib.include_library(soname)
        and not soname.startswith("ld-linux")
    }
    assert not missing
    # ICU's data cut to French and English, NumPy without OpenBLAS.
    icu = next(internal.rglob("libicudata.so.*"))
    assert icu.stat().st_size < 8_000_000
    assert not list(internal.rglob("*openblas*"))


def test_no_source_tree_needed(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    assert (internal / "db" / "versions").is_dir()
    assert (internal / "db" / "demo" / "alliance-2024.json").is_file()
    assert (internal / "resources" / "templates" / "compte-rendu.docx").is_file()
    assert shutil.which("alliance-desktop", path=str(bundle.parent))
