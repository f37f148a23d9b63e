"""GUI test set-up: Qt warnings fail the test; a small filled database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, qInstallMessageHandler

from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import Database, open_database

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
    if messages.records:
        pytest.fail("Qt warned during the test:\n" + "\n".join(messages.records))


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
