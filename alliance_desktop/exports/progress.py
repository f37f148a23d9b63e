"""How a long export tells its progress, and how the one waiting for it stops it."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[int, int, str], None]
"""Told ``(steps done, steps in all, what is being done)`` as an export goes.

``steps in all`` is 0 while it is not known yet (the database is being read). The
callback runs on the exporting thread; it may raise :class:`Cancelled` to stop.
"""


class Cancelled(Exception):
    """Raised by a progress callback to stop an export; no file is written then."""


def ignore(_done: int, _total: int, _what: str) -> None:
    """The progress callback of an export nobody watches."""
