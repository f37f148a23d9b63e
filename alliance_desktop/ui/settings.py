"""The laptop's own settings (language, window layout): a small JSON file, read without Qt."""

# Plain Python rather than QSettings because the language must be known before the
# database is opened (its error messages are worded in it), and Qt is imported only
# after that: once PySide6 is loaded, every later Python import gets slower.

from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path
from typing import Final

FILE_NAME: Final = "reglages.json"
LANGUAGE_KEY: Final = "interface/langue"
GEOMETRY_KEY: Final = "fenetre/geometrie"
SPLITTER_KEY: Final = "fenetre/separation"


class Settings:
    """String and byte values by key, saved at once on every change."""

    def __init__(self, path: Path) -> None:
        """Read ``path``; a missing or unreadable file gives empty settings."""
        self.path = path
        self._values: dict[str, str] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self._values = {k: v for k, v in data.items() if isinstance(v, str)}

    def text(self, key: str) -> str | None:
        """The string saved under ``key``, if any."""
        return self._values.get(key)

    def data(self, key: str) -> bytes | None:
        """The bytes saved under ``key`` (window geometry…), if any and readable."""
        value = self._values.get(key)
        if value is None:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            return None

    def set_text(self, key: str, value: str) -> None:
        """Save a string."""
        self._values[key] = value
        self.save()

    def set_data(self, key: str, value: bytes) -> None:
        """Save bytes."""
        self._values[key] = base64.b64encode(value).decode("ascii")
        self.save()

    def save(self) -> None:
        """Write the file whole, through a temporary file so that a crash leaves the old one."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        # Losing a window size is no reason to interrupt a workshop: a disk that refuses
        # the write leaves the previous settings in place.
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self._values, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
