"""Three laptops editing, deleting and syncing in random order always converge, losing nothing.

An oracle remembers every value anyone wrote. After everyone has synced, the laptops hold
the same rows, and every value ever written is current, in the history, or in a conflict.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_sync_support import Lab, add_meeting, add_point, digest, set_text, texts

from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.models import Meeting, Point

words = st.sampled_from(["", "accord", "désaccord", "« eau »", "œuvre", "x" * 50, "1", "NULL"])


class ThreeLaptops(RuleBasedStateMachine):
    """The model: a shared folder, three laptops, and every value ever written."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="converge-"))
        self.lab = Lab(self.root)
        a = self.lab.laptop("anne")
        self.meeting = add_meeting(a, "Atelier")
        self.lab.sync(a)
        self.laptops = [a, self.lab.laptop("bruno"), self.lab.laptop("claire")]
        for db in self.laptops[1:]:
            self.lab.sync(db)
        self.points: list[uuid.UUID] = []
        self.written: dict[uuid.UUID, set[str]] = {}
        self.titles: set[str] = {"Atelier"}
        self.deleted: set[uuid.UUID] = set()

    def teardown(self) -> None:
        self.lab.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _known_point(self, i: int, n: int) -> tuple[int, uuid.UUID] | None:
        if not self.points:
            return None
        p = self.points[n % len(self.points)]
        return (i, p) if p in texts(self.laptops[i]) else None

    @rule(i=st.integers(0, 2), text=words)
    def add(self, i: int, text: str) -> None:
        with self.laptops[i].read() as s:
            if s.get(Meeting, self.meeting) is None:
                return
        p = add_point(self.laptops[i], self.meeting, text)
        self.points.append(p)
        self.written[p] = {text}

    @precondition(lambda self: bool(self.points))
    @rule(i=st.integers(0, 2), n=st.integers(0, 1000), text=words)
    def edit(self, i: int, n: int, text: str) -> None:
        known = self._known_point(i, n)
        if known is None:
            return
        set_text(self.laptops[i], known[1], text)
        self.written[known[1]].add(text)

    @precondition(lambda self: bool(self.points))
    @rule(i=st.integers(0, 2), n=st.integers(0, 1000))
    def delete(self, i: int, n: int) -> None:
        known = self._known_point(i, n)
        if known is None:
            return
        with self.laptops[i].session() as s:
            s.delete(s.get(Point, known[1]))
        self.deleted.add(known[1])

    @rule(i=st.integers(0, 2), text=words)
    def retitle(self, i: int, text: str) -> None:
        with self.laptops[i].session() as s:
            m = s.get(Meeting, self.meeting)
            if m is None:
                return
            m.title = text
        self.titles.add(text)

    @rule(i=st.integers(0, 2))
    def publish(self, i: int) -> None:
        sync_engine.publish(self.laptops[i], self.lab.shared)

    @rule(i=st.integers(0, 2))
    def pull(self, i: int) -> None:
        sync_engine.pull(self.laptops[i], self.lab.shared, backup_dir=self.root / "backups")

    @rule(i=st.integers(0, 2))
    def sync(self, i: int) -> None:
        self.lab.sync(self.laptops[i])

    @rule(i=st.integers(0, 2), n=st.integers(0, 1000), mine=st.booleans())
    def decide(self, i: int, n: int, mine: bool) -> None:
        open_ = sharing.conflicts(self.laptops[i])
        if not open_:
            return
        c = open_[n % len(open_)]
        if sharing.is_existence_conflict(c):
            if mine:
                sharing.keep_record(self.laptops[i], c.id)
            else:
                sharing.delete_record(self.laptops[i], c.id)
        elif mine:
            sharing.keep_mine(self.laptops[i], c.id)
        else:
            sharing.keep_theirs(self.laptops[i], c.id)

    @invariant()
    def each_laptop_is_sound(self) -> None:
        for db in self.laptops:
            assert db.integrity_problems() == []

    def converge(self) -> None:
        for _round in range(2):
            for db in self.laptops:
                self.lab.sync(db)

    def check_everything(self) -> None:
        self.converge()
        digests = {digest(db) for db in self.laptops}
        assert len(digests) == 1, "the laptops did not converge"
        for db in self.laptops:
            conflicts = {(c.row_id, c.winner_value) for c in sharing.conflicts(db)} | {
                (c.row_id, c.other_value) for c in sharing.conflicts(db)
            }
            for p, values in self.written.items():
                history = {h.value for h in sharing.record_history(db, "point", p)}
                for v in values:
                    assert v in history or (p.hex, v) in conflicts, (p, v)
                if p not in self.deleted:
                    assert p in texts(db), "a point nobody deleted disappeared"
            titles = {h.value for h in sharing.record_history(db, "meeting", self.meeting)}
            assert self.titles <= titles
        # Every laptop agrees on which conflicts remain.
        keys = [
            sorted((c.table, c.row_id, c.field) for c in sharing.conflicts(db))
            for db in self.laptops
        ]
        assert keys[0] == keys[1] == keys[2]


class Checked(ThreeLaptops):
    def teardown(self) -> None:
        try:
            self.check_everything()
        finally:
            super().teardown()


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_three_laptops_converge_and_lose_nothing() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        Checked,
        settings=settings(
            # A modest count for every run; set SYNC_EXAMPLES to search longer.
            max_examples=int(os.environ.get("SYNC_EXAMPLES", "12")),
            stateful_step_count=int(os.environ.get("SYNC_STEPS", "25")),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
