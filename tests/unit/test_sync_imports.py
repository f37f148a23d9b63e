"""Each sharing module imports on its own, first, in a fresh interpreter (no import cycle)."""

import subprocess
import sys

import pytest

MODULES = [
    "alliance_desktop.storage.sync_apply",
    "alliance_desktop.storage.sync_backups",
    "alliance_desktop.storage.sync_bundle",
    "alliance_desktop.storage.sync_capture",
    "alliance_desktop.storage.sync_engine",
    "alliance_desktop.storage.sync_folder",
    "alliance_desktop.storage.sync_log",
    "alliance_desktop.storage.sync_models",
    "alliance_desktop.storage.sync_review",
    "alliance_desktop.storage.sync_schema",
    "alliance_desktop.storage.sync_state",
    "alliance_desktop.services.sharing",
]

CHECK = (
    "import importlib, sys; importlib.import_module(sys.argv[1]); "
    "import alliance_desktop.storage.sync_models; "
    "from sqlalchemy import event; from alliance_desktop.storage.models import Base; "
    "from alliance_desktop.storage import sync_capture as c; "
    "assert event.contains(Base, 'after_insert', c._after_insert)"
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first_and_the_capture_listens(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHECK, module], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
