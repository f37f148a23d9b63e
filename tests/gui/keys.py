"""Typing in tests: ``qtbot.keyClicks`` aborts on accented characters, these helpers do not."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def _target(widget: QWidget | None) -> QWidget:
    target = widget or QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    return target


def type_text(text: str, widget: QWidget | None = None) -> None:
    """Type ``text`` into ``widget`` (default: the focused widget), one key event per character.

    Each event carries its character as text, as a real keyboard does for « é », « œ » or
    « « »; the key code is the letter's for ASCII letters and digits, else none.
    """
    for char in text:
        target = _target(widget)
        key = ord(char.upper()) if char.isascii() and char.isalnum() else 0
        mods = (
            Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        )
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, mods, char))


def press(
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    widget: QWidget | None = None,
) -> None:
    """Press and release one key on ``widget`` (default: the focused one), shortcuts included.

    Goes through the application like a real key press, so that window shortcuts
    (Ctrl+Z, F5) and the focused widget's own keys are handled as they would be.
    """
    from PySide6.QtTest import QTest

    QTest.keyClick(_target(widget), key, modifiers)
