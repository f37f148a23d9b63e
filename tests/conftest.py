"""Shared test set-up: Qt runs offscreen and the application's folder is a fresh temp dir."""

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

# Before any Qt import: tests must never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep settings, backups and logs of each test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def trim() -> ModuleType:
    """packaging/trim.py (packaging/ is a folder of scripts, not a package)."""
    path = Path(__file__).resolve().parents[1] / "packaging" / "trim.py"
    spec = importlib.util.spec_from_file_location("alliance_trim", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
