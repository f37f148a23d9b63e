"""Shared test set-up: Qt runs offscreen and the application's folder is a fresh temp dir."""

import os
from pathlib import Path

import pytest

# Before any Qt import: tests must never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep settings, backups and logs of each test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(home))
    return home
