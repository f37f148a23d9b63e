"""The Qt binding survives a long workshop: no reference leak that aborts the process.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every Qt call returning
nothing (and to True on every signal emit); after a few thousand calls the interpreter
aborted. A two-hour session makes far more calls than that, so this runs the same number
of calls in a child process and requires a clean exit.
"""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

CODE = """
from PySide6.QtCore import QObject, Signal

class Emitter(QObject):
    changed = Signal()

o = Emitter()
for _ in range(100_000):
    o.setObjectName("x")
    o.changed.emit()
print("ok")
"""


def test_a_hundred_thousand_calls_and_emits() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.strip() == "ok"
