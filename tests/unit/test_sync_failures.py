"""Injected failures of write, fsync and rename at every step of publish and pull.

Each operation is run with the n-th call of one ``os`` function failing, for every n
until it succeeds untouched: after each failure the database is as before, nothing
half-written is taken for a bundle, and a retry converges.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_sync_support import Lab, add_meeting, add_point, digest, set_text

from alliance_desktop.core.errors import KnownError
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_apply, sync_folder
from alliance_desktop.storage.database import Database

FUNCTIONS = ("write", "fsync", "replace", "read")


class Injector:
    """Makes the n-th call of ``os.<name>`` fail with an I/O error."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str, n: int) -> None:
        self.calls = 0
        self.tripped = False
        real: Callable[..., Any] = getattr(os, name)

        def failing(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == n:
                self.tripped = True
                raise OSError(errno.EIO, f"injected failure of os.{name}")
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, failing)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path)
    yield lab
    lab.close()


def own_bundles_are_whole(lab: Lab, device: str) -> None:
    folder = lab.shared / "devices" / device / "bundles"
    if not folder.is_dir():
        return
    for p in folder.iterdir():
        m = sync_folder.BUNDLE_RE.match(p.name)
        if m:
            assert sync_folder.sha256_file(p)[:32] == m.group("sha"), p


def published_are_in_whole_bundles(lab: Lab, db: Database) -> None:
    """No change is marked published unless a whole bundle in the folder holds it."""
    from alliance_desktop.storage import sync_bundle

    held: set[tuple[str, str, str, str]] = set()
    device = sharing.status(db).device_id
    folder = lab.shared / "devices" / device / "bundles"
    for p in folder.iterdir() if folder.is_dir() else []:
        if sync_folder.BUNDLE_RE.match(p.name):
            for c in sync_bundle.read_changes(p):
                held.add((c.stamp, c.table, c.row_id, c.field))
    with db.engine.connect() as con:
        marked = {
            tuple(r)
            for r in con.exec_driver_sql(
                "SELECT stamp, table_name, row_id, field FROM sync_change WHERE bundle LIKE ? ",
                (f"devices/{device}/%",),
            )
        }
    assert marked <= held


@pytest.mark.parametrize("name", FUNCTIONS)
def test_publish_survives_a_failure_at_every_step(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    n = 1
    while True:
        add_point(a, m, f"point {n}")
        pending = sharing.status(a).unpublished
        with monkeypatch.context() as mp:
            inj = Injector(mp, name, n)
            try:
                from alliance_desktop.storage import sync_engine

                sync_engine.publish(a, lab.shared)
                failed = False
            except KnownError:
                failed = True
            except OSError:
                failed = True
        own_bundles_are_whole(lab, sharing.status(a).device_id)
        if failed:
            assert inj.tripped
        published_are_in_whole_bundles(lab, a)
        assert sharing.status(a).unpublished <= pending
        if not inj.tripped:
            break
        n += 1
        assert n < 200
    assert n > 1  # the function is used by publish, and each of its calls failed once
    lab.sync(a)
    lab.sync(b)
    assert digest(a) == digest(b)
    assert sharing.status(a).unpublished == 0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_pull_survives_a_failure_at_every_step(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    p = add_point(a, m, "départ")
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    for i in range(3):
        set_text(a, p, f"version {i}")
        add_point(a, m, f"nouveau {i}")
        lab.sync(a)
    n = 1
    while True:
        before = digest(b)
        with monkeypatch.context() as mp:
            inj = Injector(mp, name, n)
            try:
                from alliance_desktop.storage import sync_engine

                sync_engine.pull(b, lab.shared, backup_dir=lab.root / "backups")
                failed = False
            except (KnownError, OSError):
                failed = True
        if failed:
            assert digest(b) == before
        assert b.integrity_problems() == []
        if not inj.tripped:
            break
        if not failed:
            break  # a failure that the pull absorbed (a file set aside, retried later)
        n += 1
        assert n < 200
    if name != "replace":  # a pull renames nothing
        assert n > 1
    lab.sync(b)
    assert digest(a) == digest(b)


def test_a_failure_inside_the_merge_transaction_leaves_the_database_as_before(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    for i in range(5):
        add_point(a, m, f"p{i}")
    lab.sync(a)
    before = digest(b)
    calls = {"n": 0}
    real = sync_apply._Materializer.write

    def crash(self: sync_apply._Materializer, *args: Any) -> None:
        real(self, *args)
        calls["n"] += 1
        raise OSError(errno.EIO, "disk went away after the rows were written")

    monkeypatch.setattr(sync_apply._Materializer, "write", crash)
    with pytest.raises(OSError):
        lab.sync(b)
    assert calls["n"] == 1
    assert digest(b) == before and b.integrity_problems() == []
    monkeypatch.undo()
    lab.sync(b)
    assert digest(a) == digest(b)
