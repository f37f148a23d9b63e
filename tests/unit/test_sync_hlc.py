"""The hybrid logical clock: monotonic, causal, and bounded against clocks set ahead."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core import hlc

NODE_A = "a" * 16
NODE_B = "b" * 16
DAY = 24 * 3600 * 1000


class FakeTime:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamps_compare_as_text_like_clocks() -> None:
    s = hlc.Stamp(0x01A2, 3, NODE_A)
    assert str(s) == "0000000001a2.0003." + NODE_A
    assert hlc.Stamp.parse(str(s)) == s
    assert str(hlc.Stamp(2, 0, NODE_A)) > str(hlc.Stamp(1, 0xFFFF, NODE_B))


@pytest.mark.parametrize("bad", ["", "x", "0" * 33, "0000000001a2.0003.AAAA", 12])
def test_malformed_stamps_are_refused(bad: object) -> None:
    with pytest.raises(hlc.ClockError):
        hlc.Stamp.parse(bad)  # type: ignore[arg-type]


def test_ticks_increase_even_when_the_physical_clock_stands_still_or_goes_back() -> None:
    now = FakeTime(1_000_000)
    clock = hlc.Clock(NODE_A, now=now)
    stamps = [clock.tick() for _ in range(5)]
    now.ms -= 10_000
    stamps += [clock.tick() for _ in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 10


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    clock = hlc.Clock(NODE_A, str(hlc.Stamp(5, hlc.MAX_COUNTER, NODE_A)), now=FakeTime(5))
    assert hlc.Stamp.parse(clock.tick()) == hlc.Stamp(6, 0, NODE_A)


def test_observing_a_remote_stamp_puts_later_local_stamps_after_it() -> None:
    a = hlc.Clock(NODE_A, now=FakeTime(1_000))
    b = hlc.Clock(NODE_B, now=FakeTime(900_000))
    remote = b.tick()
    a.observe(remote)
    assert a.tick() > remote


def test_a_stamp_far_in_the_future_is_refused() -> None:
    now = FakeTime(10 * DAY)
    clock = hlc.Clock(NODE_A, now=now)
    ahead = str(hlc.Stamp(now.ms + 2 * DAY, 0, NODE_B))
    assert clock.too_far_ahead(ahead)
    with pytest.raises(hlc.ClockError):
        clock.observe(ahead)
    near = str(hlc.Stamp(now.ms + 3600_000, 0, NODE_B))
    clock.observe(near)
    assert clock.tick() > near


def test_a_clock_left_far_ahead_restarts_from_the_physical_time() -> None:
    years_ahead = str(hlc.Stamp(40 * 365 * DAY, 0, NODE_A))
    clock = hlc.Clock(NODE_A, years_ahead, now=FakeTime(10 * DAY))
    stamp = clock.tick()
    assert clock.was_reset
    assert hlc.wall_of(stamp) == 10 * DAY


def test_after_base_is_greater_than_the_base() -> None:
    clock = hlc.Clock(NODE_A, now=FakeTime(1_000))
    base = str(hlc.Stamp(50_000, 7, NODE_B))
    assert clock.after(base) > base
    assert clock.tick() > base


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10_000)), max_size=60))
def test_local_stamps_are_strictly_increasing(events: list[tuple[bool, int]]) -> None:
    now = FakeTime(1_000_000)
    clock = hlc.Clock(NODE_A, now=now)
    other = hlc.Clock(NODE_B, now=FakeTime(1_000_000))
    issued = [clock.tick()]
    for remote, jump in events:
        now.ms += jump - 5_000
        if remote:
            clock.observe(other.tick())
        stamp = clock.tick()
        assert stamp > issued[-1]
        issued.append(stamp)


def test_node_of_device_id() -> None:
    assert hlc.node_of("0123456789abcdef0123456789abcdef") == "0123456789abcdef"
    with pytest.raises(hlc.ClockError):
        hlc.node_of("xyz")
