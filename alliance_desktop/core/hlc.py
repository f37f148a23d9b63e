"""Hybrid logical clock: stamps that order edits across laptops whose clocks disagree.

A stamp is ``wall.counter.node``: milliseconds since the epoch (UTC), a counter that
separates events within one millisecond, and the writing device's node id, all as
fixed-width lowercase hexadecimal, so that comparing two stamps as strings (in Python or
in SQL) compares them as clocks. A stamp issued after seeing another is always greater
than it, so an edit made on top of a value always sorts after that value.

A clock that runs far ahead must not win every later edit: stamps further in the future
than :data:`MAX_FUTURE_SKEW_MS` are refused by :meth:`Clock.observe`, and a local clock
found that far ahead of the physical time is reset (see :meth:`Clock.tick`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

# A day: tolerant of a laptop set to the wrong time zone by hand, strict enough that a
# clock set years ahead cannot make its edits win.
MAX_FUTURE_SKEW_MS: Final = 24 * 3600 * 1000
WALL_DIGITS: Final = 12
COUNTER_DIGITS: Final = 4
NODE_DIGITS: Final = 16
MAX_COUNTER: Final = 16**COUNTER_DIGITS - 1
MAX_WALL: Final = 16**WALL_DIGITS - 1
STAMP_RE: Final = re.compile(r"^[0-9a-f]{12}\.[0-9a-f]{4}\.[0-9a-f]{16}$")
ZERO_NODE: Final = "0" * NODE_DIGITS


class ClockError(ValueError):
    """A stamp is malformed, or further in the future than the clock accepts."""


@dataclass(frozen=True, order=True)
class Stamp:
    """One point of hybrid logical time; orders like its string form."""

    wall: int
    counter: int
    node: str

    def __str__(self) -> str:
        """The fixed-width text form stored in databases and bundles."""
        return f"{self.wall:012x}.{self.counter:04x}.{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Read a stamp written by :meth:`__str__`.

        Raises:
            ClockError: the text is not a stamp.
        """
        if not isinstance(text, str) or not STAMP_RE.match(text):
            raise ClockError(f"not a clock stamp: {text!r}")
        wall, counter, node = text.split(".")
        return cls(int(wall, 16), int(counter, 16), node)

    def successor(self, node: str) -> Stamp:
        """The smallest stamp of ``node`` greater than this one."""
        if self.counter < MAX_COUNTER:
            return Stamp(self.wall, self.counter + 1, node)
        return Stamp(self.wall + 1, 0, node)


def node_of(device_hex: str) -> str:
    """The node part of stamps for a device id (its first 16 hexadecimal digits)."""
    node = device_hex.replace("-", "").lower()[:NODE_DIGITS]
    if len(node) != NODE_DIGITS or any(c not in "0123456789abcdef" for c in node):
        raise ClockError(f"not a device id: {device_hex!r}")
    return node


def wall_of(stamp: str) -> int:
    """The wall-clock part of a stamp, in milliseconds since the epoch."""
    return Stamp.parse(stamp).wall


def physical_ms() -> int:
    """The computer's clock, in milliseconds since the epoch (UTC)."""
    return time.time_ns() // 1_000_000


class Clock:
    """A hybrid logical clock for one device.

    The caller persists :attr:`last` (e.g. in the database) and builds a new clock from
    it, so that stamps keep increasing across restarts.
    """

    def __init__(
        self,
        node: str,
        last: str | None = None,
        *,
        now: Callable[[], int] | None = None,
        max_skew_ms: int = MAX_FUTURE_SKEW_MS,
    ) -> None:
        """A clock for ``node``, resuming after the stamp ``last`` if given."""
        if len(node) != NODE_DIGITS:
            raise ClockError(f"node must be {NODE_DIGITS} hexadecimal digits: {node!r}")
        self.node = node
        # Looked up at each call, so that a test can set a laptop's clock wrong.
        self._now = now if now is not None else lambda: physical_ms()
        self.max_skew_ms = max_skew_ms
        self._last = Stamp.parse(last) if last else Stamp(0, 0, node)
        self.was_reset = False

    @property
    def last(self) -> str:
        """The greatest stamp issued or observed so far."""
        return str(self._last)

    def tick(self) -> str:
        """A new stamp for a local event, greater than every stamp issued or observed.

        If the remembered time is further ahead of the physical clock than the accepted
        skew, the computer's clock was wrong when it was issued (and has since been put
        right): carrying on from it would stamp every future edit in the future, where
        other laptops refuse it. The clock restarts from the physical time and
        :attr:`was_reset` tells the caller, who must then change the device's node so
        that no stamp can be issued twice.
        """
        pt = self._now()
        if self._last.wall > pt + self.max_skew_ms:
            self._last = Stamp(0, 0, self.node)
            self.was_reset = True
        stamp = Stamp(pt, 0, self.node) if pt > self._last.wall else self._last.successor(self.node)
        self._last = stamp
        return str(stamp)

    def too_far_ahead(self, stamp: str) -> bool:
        """Whether ``stamp`` lies further in the future than this clock accepts."""
        return Stamp.parse(stamp).wall > self._now() + self.max_skew_ms

    def observe(self, stamp: str) -> None:
        """Take a remote stamp into account, so later local stamps sort after it.

        Raises:
            ClockError: the stamp is malformed or too far in the future.
        """
        remote = Stamp.parse(stamp)
        if remote.wall > self._now() + self.max_skew_ms:
            raise ClockError(f"stamp too far in the future: {stamp}")
        if remote.wall > MAX_WALL - 1:
            raise ClockError(f"stamp out of range: {stamp}")
        if (remote.wall, remote.counter) > (self._last.wall, self._last.counter):
            self._last = Stamp(remote.wall, remote.counter, self.node)

    def after(self, base: str) -> str:
        """A new stamp greater than both the clock and ``base`` (the value replaced)."""
        stamp = self.tick()
        floor = Stamp.parse(base).successor(self.node)
        if Stamp.parse(stamp) < floor:
            self._last = floor
            return str(floor)
        return stamp
