"""Scaling: every tab fits a laptop at 100 %, 125 % and 150 %; buttons have names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton

from alliance_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

# The child lays the window out at the scale asked, on the screen's area in logical
# pixels, and reports every tab that would be squeezed below its minimum size.
_CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from alliance_desktop.app import build_main_window, make_application
from alliance_desktop.storage.database import open_database

app = make_application()
db = open_database(Path(sys.argv[1]))
width, height = int(sys.argv[2]), int(sys.argv[3])
window = build_main_window(db)
window.resize(width, height)
window.show()
app.processEvents()
window.select_row(1)
assert window.open_workshop("board")
view = window.workshop()
squeezed = []
for key in ["planning", "attendance", "board", "notes", "indicators", "levers", "photos"]:
    view.show_tab(key)
    app.processEvents()
    tab = view.tabs.currentWidget()
    need, have = tab.minimumSizeHint(), tab.size()
    if have.width() < need.width() or have.height() < need.height():
        squeezed.append([key, need.width(), need.height(), have.width(), have.height()])
hint = window.minimumSizeHint()
print(json.dumps({
    "ratio": app.devicePixelRatio(),
    "window": [window.width(), window.height()],
    "minimum": [hint.width(), hint.height()],
    "squeezed": squeezed,
}))
window.close()
db.close()
"""


@pytest.mark.parametrize(
    ("scale", "screen"),
    [
        ("1", (1366, 768)),  # the facilitators' usual laptop
        ("1.25", (1366, 768)),
        ("1.5", (1920, 1080)),
    ],
)
def test_every_tab_fits_the_laptop_screen(
    db_path: Path, app_home: Path, scale: str, screen: tuple[int, int]
) -> None:
    ratio = float(scale)
    # The screen less a 40-pixel task bar, in the logical pixels the layout works in.
    width, height = int(screen[0] / ratio), int((screen[1] - 40) / ratio)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QT_SCALE_FACTOR=scale,
        ALLIANCE_DESKTOP_HOME=str(app_home),
    )
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db_path), str(width), str(height)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ratio"] == pytest.approx(ratio)
    assert report["window"] == [width, height]
    assert report["minimum"][0] <= width and report["minimum"][1] <= height, report
    assert report["squeezed"] == []


def test_buttons_have_accessible_names(workshop_window: MainWindow) -> None:
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("board")
    for button in workshop_window.findChildren(QAbstractButton):
        name = button.text().replace("&", "").strip() or button.accessibleName()
        if button.isVisibleTo(workshop_window) and button.objectName() != "qt_toolbar_ext_button":
            assert name, f"{type(button).__name__} {button.objectName()!r} has no name"
