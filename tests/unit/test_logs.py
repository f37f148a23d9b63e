"""The application log: a rotating file in the data folder, never an e-mail address."""

import logging
from pathlib import Path

import pytest

from alliance_desktop.core import logs


def test_log_file_rotates_and_masks_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    root = logging.getLogger("alliance_desktop")
    before = list(root.handlers)
    # Another test in the same process may have set the log up in its own folder.
    for handler in before:
        root.removeHandler(handler)
    try:
        path = logs.setup_logging()
        assert path == tmp_path / "logs" / "alliance-desktop.log"
        assert logs.setup_logging() == path  # idempotent: one handler only
        log = logging.getLogger("alliance_desktop.test")
        log.info("imported person %s", "camille.exemple@exemple.org")
        log.warning("row %d rejected", 12)
        for handler in root.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "camille.exemple@exemple.org" not in text
        assert "imported person <e-mail>" in text
        assert "row 12 rejected" in text
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            root.addHandler(handler)


def test_unwritable_log_folder_does_not_stop_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(blocker))
    root = logging.getLogger("alliance_desktop")
    saved = list(root.handlers)
    for handler in saved:
        root.removeHandler(handler)
    try:
        assert logs.setup_logging() is None
    finally:
        for handler in saved:
            root.addHandler(handler)
