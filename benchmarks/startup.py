"""Start-up: process start to the main window painted with its session list.

Compared, in the same run and alternating, with a bare PySide6 window that imports
SQLAlchemy, reads the sessions of the same file into a table and paints it. Target: the
application takes at most 1.25× the bare window.

    python -m benchmarks.startup [--runs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import ensure

# Both children print "painted" once their window has painted, then quit.
_HOOK = """
from PySide6.QtCore import QEvent, QObject, QTimer
class _Painted(QObject):
    done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            def report():
                print("painted", flush=True)
                app.quit()
            QTimer.singleShot(0, report)
        return False
_hook = _Painted()
app.installEventFilter(_hook)
"""

BASELINE = (
    """
import sys
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
from sqlalchemy import create_engine, text
app = QApplication(sys.argv[:1])
engine = create_engine("sqlite:///" + sys.argv[1])
with engine.connect() as con:
    rows = con.execute(text("SELECT date, title, number FROM meeting ORDER BY date DESC")).all()
table = QTableWidget(len(rows), 3)
for i, row in enumerate(rows):
    for j, value in enumerate(row):
        table.setItem(i, j, QTableWidgetItem(str(value)))
"""
    + _HOOK
    + """
table.resize(1280, 800)
table.show()
app.exec()
"""
)

APPLICATION = (
    """
import sys
from pathlib import Path
from alliance_desktop.app import make_application, build_main_window, choose_language, app_settings
from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import open_database
settings = app_settings()
set_language(choose_language(None, settings))
db = open_database(Path(sys.argv[1]))
app = make_application()
# As run_gui: the menus, toolbars and features are made right after the first paint.
window = build_main_window(db, settings=settings, deferred=True)
"""
    + _HOOK
    + """
window.resize(1280, 800)
window.show()
app.exec()
db.close()
"""
)


def time_child(code: str, db: Path, env: dict[str, str]) -> float:
    """Seconds from spawning a Python process running ``code`` to its "painted" line."""
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"child did not paint (exit {proc.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or ensure()
    home = tempfile.mkdtemp(prefix="alliance-bench-")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["ALLIANCE_DESKTOP_HOME"] = home
    # Warm the file cache and Python's bytecode cache for both before timing.
    time_child(BASELINE, db, env)
    time_child(APPLICATION, db, env)
    base, appl = [], []
    for _ in range(args.runs):
        base.append(time_child(BASELINE, db, env))
        appl.append(time_child(APPLICATION, db, env))
    b, a = statistics.median(base), statistics.median(appl)
    print(f"database: {db}")
    print(f"runs: {args.runs} each, alternating; medians")
    print(f"bare PySide6 + SQLAlchemy window : {b * 1000:7.1f} ms")
    print(f"Alliance Desktop main window     : {a * 1000:7.1f} ms")
    print(f"ratio                            : {a / b:7.2f}x   (target <= 1.25x)")


if __name__ == "__main__":
    main()
