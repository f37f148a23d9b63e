"""Killing the app mid-workshop (SIGKILL) loses no point that was on screen."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alliance_desktop.services.workshop import PlanFields, create_meeting
from alliance_desktop.storage.database import open_database

pytestmark = [
    pytest.mark.gui,
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

# The child builds the real window on the file, opens the session's board and types
# points through key events, as a facilitator would. After each Enter it prints what the
# board shows; a point printed there had been on screen.
_TYPIST = r"""
import json, os, sys, traceback
from pathlib import Path
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from alliance_desktop.app import build_main_window, make_application
from alliance_desktop.storage.database import open_database
from alliance_desktop.ui.board import COLUMNS

app = make_application()
db = open_database(Path(sys.argv[1]))
window = build_main_window(db)
window.show()
QTest.qWaitForWindowExposed(window)
window.activateWindow()
QTest.qWaitForWindowActive(window)
window.select_row(0)
assert window.open_workshop("board")
board = window.workshop().board
keys = [Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_Q]
prefix = sys.argv[2]
n = 0

def shown():
    return [p.text for p in board.points()]

def type_one():
    try:
        type_point()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(3)  # a typist that stopped typing must not leave the test waiting

def type_point():
    global n
    column = board.columns[COLUMNS[n % 3]]
    column.view.setFocus()
    QTest.keyClick(column.view, keys[n % 3])
    focus = QApplication.focusWidget()
    assert focus is column.draft
    for ch in f"{prefix}{n} : « écologie », œuvre à ça":
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(focus, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    QTest.keyClick(focus, Qt.Key.Key_Return)
    QTest.keyClick(focus, Qt.Key.Key_Escape)
    print("SHOWN " + json.dumps(shown()), flush=True)
    n += 1
    QTimer.singleShot(0, type_one)

QTimer.singleShot(0, type_one)
app.exec()
"""

# Starting again: the window on the same file, the same session's board, what it shows.
_READER = r"""
import json, sys
from pathlib import Path
from alliance_desktop.app import build_main_window, make_application
from alliance_desktop.storage.database import open_database

app = make_application()
db = open_database(Path(sys.argv[1]))
window = build_main_window(db)
window.show()
window.select_row(0)
assert window.open_workshop("board")
print(json.dumps([p.text for p in window.workshop().board.points()]))
problems = db.integrity_problems()
print(json.dumps(problems))
window.close()
db.close()
"""


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", ALLIANCE_DESKTOP_HOME=str(home))


def _kill_while_typing(
    path: Path, home: Path, prefix: str, reports: int, extra_delay: float
) -> list[str]:
    """Let the typist report ``reports`` times, wait ``extra_delay`` s, SIGKILL it.

    Returns the last board the typist printed before dying.
    """
    errors = path.with_name(f"typist-{prefix.split(',')[0]}.err")
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _TYPIST, str(path), prefix],
            env=_env(home),
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    last: list[str] = []
    seen = 0
    try:
        while seen < reports:
            line = lines.get(timeout=60)
            assert line is not None, errors.read_text()
            if line.startswith("SHOWN "):
                last = json.loads(line[6:])
                seen += 1
        time.sleep(extra_delay)  # the typist goes on: the kill lands anywhere in its work
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
        # Lines printed between the last read and the kill were on screen too.
        while (line := lines.get(timeout=5)) is not None:
            if line.startswith("SHOWN "):
                last = json.loads(line[6:])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, errors.read_text()
    return last


def test_every_point_on_screen_survives_a_kill(tmp_path: Path, app_home: Path) -> None:
    path = tmp_path / "atelier.sqlite3"
    db = open_database(path)
    try:
        create_meeting(db, PlanFields(date=dt.date(2030, 1, 1), title="Atelier tué"))
    finally:
        db.close()
    rng = random.Random(20240529)
    total_shown = 0
    for round_ in range(3):
        shown = _kill_while_typing(
            path, app_home, f"Tour {round_}, point n° ", rng.randint(3, 25), rng.uniform(0, 0.05)
        )
        total_shown = len(shown)
        result = subprocess.run(
            [sys.executable, "-c", _READER, str(path)],
            env=_env(app_home),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        board_line, problems_line = result.stdout.strip().splitlines()[-2:]
        board = json.loads(board_line)
        assert json.loads(problems_line) == []
        missing = [text for text in shown if text not in board]
        assert not missing, f"lost after the kill: {missing}"
        # At most the point being saved at the moment of the kill may have come in too.
        assert len(board) - len(shown) in (0, 1)
    assert total_shown >= 3
