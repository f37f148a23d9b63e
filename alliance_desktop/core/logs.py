"""Application log: a rotating file in the local log folder, with no personal data."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from alliance_desktop.core.paths import log_dir

LOG_FILE = "alliance-desktop.log"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class _RedactEmails(logging.Filter):
    """A safety net: an address that slipped into a message is masked before writing.

    Names cannot be recognised reliably, so the rule stays that code logs ids and counts,
    never people's names; this filter only catches the e-mail addresses.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message:
            record.msg = _EMAIL.sub("<e-mail>", message)
            record.args = None
        return True


def log_file() -> Path:
    """The current log file."""
    return log_dir() / LOG_FILE


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the application's log records to the rotating file; returns its path.

    Returns None when the folder cannot be written: the application still runs, and
    logging must never be the reason it does not.
    """
    root = logging.getLogger("alliance_desktop")
    root.setLevel(level)
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactEmails())
    root.addHandler(handler)
    return path
