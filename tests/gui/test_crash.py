"""An unexpected error shows a dialog saying the data is safe and where the log is."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from alliance_desktop.core.errors import KnownError
from alliance_desktop.ui import crash

from .helpers import QtMessages

pytestmark = pytest.mark.gui

# The offscreen platform says this of every modal dialog; real platforms do not.
OFFSCREEN_NOTE = "does not support propagateSizeHints"


def _forget_offscreen_notes(messages: QtMessages) -> None:
    messages.records[:] = [r for r in messages.records if OFFSCREEN_NOTE not in r]


def _capture_next_box(found: list[str]) -> None:
    def close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                found.append(widget.text())
                widget.done(0)
                return
        QTimer.singleShot(20, close)

    QTimer.singleShot(20, close)


def test_unexpected_error_dialog(qtbot: QtBot, tmp_path: Path, qt_messages: QtMessages) -> None:
    log_path = tmp_path / "alliance-desktop.log"
    previous = crash.install_excepthook(log_path)
    try:
        found: list[str] = []
        _capture_next_box(found)
        try:
            raise ZeroDivisionError("boom")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
        assert found, "no dialog was shown"
        assert "données sont en sécurité" in found[0]
        assert str(log_path) in found[0]
    finally:
        sys.excepthook = previous
        _forget_offscreen_notes(qt_messages)


def test_known_error_is_shown_as_is(qtbot: QtBot, tmp_path: Path, qt_messages: QtMessages) -> None:
    previous = crash.install_excepthook(tmp_path / "x.log")
    try:
        found: list[str] = []
        _capture_next_box(found)
        try:
            raise KnownError("Le disque est plein.")
        except KnownError:
            sys.excepthook(*sys.exc_info())
        assert found == ["Le disque est plein."]
    finally:
        sys.excepthook = previous
        _forget_offscreen_notes(qt_messages)
