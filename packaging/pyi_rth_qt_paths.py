"""Run-time hook of the bundle: tells Qt where its plugins are, without importing Qt."""

# os.path rather than pathlib: this runs before anything else, and costs nothing to import.
# ruff: noqa: PTH100, PTH118, PTH120

import os
import sys

# It replaces PyInstaller's PySide6 hook, which imports PySide6.QtCore before the
# application's first line to register a qt.conf that PySide6 registers itself. That
# import loaded Qt, ICU and shiboken's signature machinery at every start (about 50 ms of
# CPU, even for `--version`), and before the database was opened, which the start-up
# path is ordered to avoid.
_bundle = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))
_qt = (
    os.path.join(_bundle, "PySide6")
    if sys.platform == "win32"
    else os.path.join(_bundle, "PySide6", "Qt")
)
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
