"""Shared set-up of the indicator benchmarks: a guard against a PySide6 reference bug."""

from __future__ import annotations

import ctypes
import sys


def keep_singletons_alive() -> None:
    """Give None, True and False the references PySide6 6.12 takes back on CPython 3.11.

    Qt methods returning void (and signal emissions, returning True) release a reference
    to None or True they never took: harmless from CPython 3.12 on, where these objects
    are immortal. After some thousands of calls the count reaches zero and the process
    aborts with « deallocating None »; a benchmark drawing a hundred charts gets there.
    Adding 2**40 references, as 3.12 makes them immortal, lets the figures be measured;
    it changes nothing on 3.12 and later.
    """
    if sys.version_info < (3, 12):
        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
