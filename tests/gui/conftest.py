"""GUI test set-up: Qt warnings fail the test; a small filled database per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.ui.main_window import MainWindow

from .helpers import QtMessages, fill


@pytest.fixture(autouse=True)
def qt_messages() -> Iterator[QtMessages]:
    """Fail the test at teardown if Qt warned (a test may clear what it expected)."""
    messages = QtMessages()
    previous = qInstallMessageHandler(messages.handle)
    try:
        yield messages
    finally:
        qInstallMessageHandler(previous)
    # The offscreen platform cannot raise a pop-up or grab the keyboard (a completer's
    # list does both); it says so, and that is about the test platform, not the app.
    messages.records[:] = [r for r in messages.records if "This plugin does not support" not in r]
    if messages.records:
        pytest.fail("Qt warned during the test:\n" + "\n".join(messages.records))


@pytest.fixture(autouse=True, scope="session")
def no_quit_on_last_window(qapp: QApplication) -> None:
    """Closing the last window must not quit the tests' application.

    Otherwise a test that runs the app's own event loop and closes its window leaves a
    quit request behind, and every later event loop (``qtbot.wait``) returns at once,
    so timers seem never to fire in the tests that follow.
    """
    qapp.setQuitOnLastWindowClosed(False)


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Every test starts in French, whatever the previous one chose (here and in Qt)."""
    set_language("fr")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    yield
    set_language("fr")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file holding :func:`fill`'s three sessions, closed."""
    path = tmp_path / "alliance.sqlite3"
    db = open_database(path)
    try:
        fill(db)
    finally:
        db.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """The filled database, open."""
    database = open_database(db_path)
    yield database
    database.close()


# The workshop tests' clock: the air workshop's day, 42 minutes after 17:00.
NOW = dt.datetime(2024, 9, 5, 17, 42)


class FakeClock:
    """Local wall-clock time that a test sets and moves forward."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def fake_clock() -> FakeClock:
    """The clock the workshop window reads."""
    return FakeClock()


@pytest.fixture
def workshop_window(qtbot: QtBot, db: Database, fake_clock: FakeClock) -> MainWindow:
    """The main window on the filled database, shown at a laptop's size, with a fake clock."""
    from alliance_desktop.app import app_settings, open_for_window
    from alliance_desktop.core import paths

    window = MainWindow(
        db,
        open_db=open_for_window,
        settings=app_settings(),
        data_dir=paths.data_dir(),
        now=fake_clock,
    )
    qtbot.addWidget(window)
    window.resize(1366, 740)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keyboard focus needs an active window
    return window
