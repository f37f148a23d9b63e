"""The merge rules as a pure function of a set of changes: order and repetition do not matter."""

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_desktop.storage.sync_state import (
    DELETE,
    INSERT,
    KEEP,
    Change,
    decode_row,
    encode_row,
    outcome,
    same_value,
)

FIELDS = ("text", "kind")
A = "a" * 32
B = "b" * 32


def s(n: int, node: str = "a") -> str:
    return f"{n:012x}.0000.{node * 16}"


def ins(n: int, text: str = "x", dev: str = A) -> Change:
    return Change(s(n, dev[0]), INSERT, encode_row({"text": text, "kind": "k"}), (), dev, dev[0])


def edit(n: int, value: object, parent: str, dev: str = A, field: str = "text") -> Change:
    return Change(s(n, dev[0]), field, value, (parent,), dev, dev[0])


def test_an_edit_on_top_of_the_value_held_applies_without_conflict() -> None:
    o = outcome([ins(1), edit(2, "y", s(1))], FIELDS)
    assert o.alive and o.values["text"].value == "y" and o.conflicts == []


def test_an_older_edit_is_history_only() -> None:
    # The later edit was made on top of the earlier one: no conflict, whatever the order.
    changes = [ins(1), edit(2, "y", s(1)), edit(3, "z", s(2, "b"), dev=B)]
    changes[2] = Change(s(3, "b"), "text", "z", (s(2),), B, "b")
    for order in (changes, list(reversed(changes))):
        o = outcome(order, FIELDS)
        assert o.values["text"].value == "z" and o.conflicts == []


def test_concurrent_different_edits_make_a_deterministic_winner_and_a_conflict() -> None:
    a = edit(2, "from A", s(1))
    b = edit(3, "from B", s(1), dev=B)
    o = outcome([ins(1), a, b], FIELDS)
    assert o.values["text"].value == "from B"
    assert [(c.winner.value, c.other.value) for c in o.conflicts] == [("from B", "from A")]


def test_concurrent_identical_edits_are_no_conflict() -> None:
    o = outcome([ins(1), edit(2, "same", s(1)), edit(3, "same", s(1), dev=B)], FIELDS)
    assert o.conflicts == []


def test_a_resolution_replacing_both_heads_ends_the_conflict() -> None:
    a = edit(2, "from A", s(1))
    b = edit(3, "from B", s(1), dev=B)
    fix = Change(s(4), "text", "merged", (s(3, "b"), s(2)), A, "a")
    o = outcome([ins(1), a, b, fix], FIELDS)
    assert o.values["text"].value == "merged" and o.conflicts == []


def test_a_deletion_that_knew_everything_deletes() -> None:
    d = Change(s(3), DELETE, None, (s(1), s(2)), A, "a")
    o = outcome([ins(1), edit(2, "y", s(1)), d], FIELDS)
    assert not o.alive and o.deletion == d


def test_a_deletion_concurrent_with_an_edit_keeps_the_row_flagged() -> None:
    d = Change(s(3), DELETE, None, (s(1),), A, "a")
    e = edit(4, "kept", s(1), dev=B)
    o = outcome([ins(1), d, e], FIELDS)
    assert o.alive and o.deletion == d and o.kept_by == e
    assert o.values["text"].value == "kept"


def test_keeping_a_row_undoes_the_deletion() -> None:
    d = Change(s(3), DELETE, None, (s(1),), A, "a")
    e = edit(4, "kept", s(1), dev=B)
    keep = Change(s(5), KEEP, None, (s(3),), A, "a")
    o = outcome([ins(1), d, e, keep], FIELDS)
    assert o.alive and o.deletion is None


def test_edits_without_their_insertion_are_not_a_row_yet() -> None:
    o = outcome([edit(2, "y", s(1))], FIELDS)
    assert not o.known and not o.alive


def test_row_encoding_round_trips_text_numbers_and_bytes() -> None:
    row = {"a": "é « » \x00", "b": 1, "c": 2.5, "d": None, "e": b"\x00\xff"}
    assert decode_row(encode_row(row)) == row


def test_same_value() -> None:
    assert same_value(1, 1.0) and same_value(b"a", memoryview(b"a"))
    assert not same_value("1", 1) and not same_value(None, 0) and not same_value(None, "")


# -- properties ----------------------------------------------------------------------

values = st.sampled_from(["", "a", "b", "é", None, 1, 2.5])


@st.composite
def histories(draw: st.DrawFn) -> list[Change]:
    """Random causal histories of one row edited by three devices that sync at random."""
    devices = ["a" * 32, "b" * 32, "c" * 32]
    changes = [ins(1)]
    # What each device has seen of the row.
    seen: list[list[Change]] = [[changes[0]] for _ in devices]
    n = 2
    for _ in range(draw(st.integers(0, 12))):
        i = draw(st.integers(0, 2))
        action = draw(st.sampled_from(["edit", "edit", "sync", "delete"]))
        dev = devices[i]
        if action == "sync":
            j = draw(st.integers(0, 2))
            seen[i] = list({c.stamp + c.field: c for c in seen[i] + seen[j]}.values())
            continue
        view = outcome(seen[i], FIELDS)
        if not view.alive:
            continue
        if action == "delete":
            c = Change(s(n, dev[0]), DELETE, None, tuple({c.stamp for c in seen[i]}), dev, dev[0])
        else:
            field = draw(st.sampled_from(FIELDS))
            base = view.values[field].stamp
            c = Change(s(n, dev[0]), field, draw(values), (base,), dev, dev[0])
        n += 1
        changes.append(c)
        seen[i].append(c)
    return changes


@settings(max_examples=200, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_order_or_duplicates(changes: list[Change], rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    first = outcome(changes, FIELDS)
    shuffled = changes + rnd.sample(changes, k=min(3, len(changes)))
    rnd.shuffle(shuffled)
    second = outcome(shuffled, FIELDS)
    assert first.alive == second.alive
    assert first.values == second.values
    key = [(c.field, c.winner.stamp, c.other.stamp) for c in first.conflicts]
    assert sorted(key) == sorted((c.field, c.winner.stamp, c.other.stamp) for c in second.conflicts)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_no_value_is_lost(changes: list[Change]) -> None:
    """Every value written is current, or was replaced by a later edit, or is in conflict."""
    o = outcome(changes, FIELDS)
    replaced = {p for c in changes for p in c.parents if c.field not in (DELETE, KEEP)}
    in_conflict = {c.other.stamp for c in o.conflicts}
    for c in changes:
        if c.field in FIELDS:
            current = same_value(o.values[c.field].value, c.value)
            assert current or c.stamp in replaced or c.stamp in in_conflict or not o.alive


def test_decoded_rows_may_be_changed_by_the_caller() -> None:
    text = encode_row({"last_name": "Dupont"})
    row = decode_row(text)
    row["last_name"] = "Anonyme"
    assert decode_row(text) == {"last_name": "Dupont"}
