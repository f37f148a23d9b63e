"""The merge rules: a row's state as a pure function of the set of changes known for it.

Because the outcome depends only on the set (never on the order changes arrived in),
two laptops holding the same changes hold the same rows, and applying a bundle twice
changes nothing. The rules, field by field:

- the value is the one with the greatest clock stamp (a change made on top of a value
  always has a greater stamp than it, see ``core.hlc``);
- a change that another change was made on top of (one of its parents) is history;
- two or more changes no change was made on top of (heads) with different values are a
  conflict: the greatest stamp is the provisional winner, the others wait for review;
- a deletion covers the changes its author knew (listed as its parents); a change it
  did not know keeps the row alive, flagged as deleted-while-edited.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Field names with a meaning of their own in the change log (never column names).
INSERT = "+"  # the row was created; the value is a JSON object of its columns
DELETE = "-"  # the row was deleted; parents list every stamp the deleter knew of it
KEEP = "!"  # a deletion was undone (« keep the row »); parents are the deletions undone


class Change(NamedTuple):
    """One record of the change log, as the merge rules see it."""

    stamp: str
    field: str
    value: Any
    parents: tuple[str, ...]
    device: str
    author: str


class FieldValue(NamedTuple):
    """The current value of a field and the change that set it."""

    value: Any
    stamp: str
    device: str
    author: str


@dataclass(frozen=True)
class FieldConflict:
    """Concurrent different values: the provisional winner and one other head."""

    field: str
    winner: Change
    other: Change


@dataclass
class RowOutcome:
    """What the log says about one row."""

    known: bool  # an insertion is known (else only later changes arrived so far)
    alive: bool
    values: dict[str, FieldValue] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)
    # Set when a deletion and changes its author did not know are both current.
    deletion: Change | None = None
    kept_by: Change | None = None
    last_stamp: str = ""
    insert_stamp: str = ""
    insert_author: str = ""
    insert_device: str = ""


def encode_row(values: Mapping[str, Any]) -> str:
    """The value of an insertion record: the row's stored values as a JSON object.

    Bytes (photos) become ``{"b64": ...}``: no stored value is ever a JSON object itself,
    since JSON columns are stored as text.
    """
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, bytes | bytearray | memoryview):
            out[k] = {"b64": base64.b64encode(bytes(v)).decode("ascii")}
        else:
            out[k] = v
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode_row(text: Any) -> dict[str, Any]:
    """The stored values held by an insertion record (a fresh dict the caller may change).

    Raises:
        ValueError: the record is not a JSON object of stored values.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if not isinstance(text, str):
        raise ValueError("an insertion record must hold a JSON object")
    return dict(_decode_text(text))


# A pull checks each creation record, then evaluates it: decode it once.
@functools.lru_cache(maxsize=1 << 15)
def _decode_text(text: str) -> dict[str, Any]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("an insertion record must hold a JSON object")
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            b64 = v.get("b64")
            if not isinstance(b64, str) or len(v) != 1:
                raise ValueError(f"unexpected object in field {k!r}")
            out[k] = base64.b64decode(b64.encode("ascii"), validate=True)
        elif isinstance(v, list):
            raise ValueError(f"unexpected list in field {k!r}")
        else:
            out[k] = v
    return out


def same_value(a: Any, b: Any) -> bool:
    """Whether two stored values are the same (1 and 1.0 are; True and 1 are)."""
    if isinstance(a, bytes | bytearray | memoryview) or isinstance(
        b, bytes | bytearray | memoryview
    ):
        try:
            return bytes(a) == bytes(b)
        except TypeError:
            return False
    if isinstance(a, str) != isinstance(b, str):
        return False
    return bool(a == b) and (a is None) == (b is None)


def _newest(changes: Iterable[Change]) -> Change:
    return max(changes, key=lambda c: c.stamp)


def outcome(changes: Sequence[Change], fields: Sequence[str]) -> RowOutcome:
    """The state of one row given every change known for it (any order, duplicates ok)."""
    unique = {(c.stamp, c.field): c for c in changes}
    inserts: list[Change] = []
    deletes: list[Change] = []
    keeps: list[Change] = []
    edits: dict[str, list[Change]] = {}
    for c in unique.values():
        if c.field == INSERT:
            inserts.append(c)
        elif c.field == DELETE:
            deletes.append(c)
        elif c.field == KEEP:
            keeps.append(c)
        else:
            edits.setdefault(c.field, []).append(c)
    if not unique:
        return RowOutcome(known=False, alive=False)
    if len(unique) == 1:
        (only,) = unique.values()
        if only.field == INSERT:
            # The common case of a pull: a row just created elsewhere, never edited.
            row = decode_row(only.value)
            return RowOutcome(
                known=True,
                alive=True,
                values={
                    name: FieldValue(row[name], only.stamp, only.device, only.author)
                    for name in fields
                    if name in row
                },
                last_stamp=only.stamp,
                insert_stamp=only.stamp,
                insert_author=only.author,
                insert_device=only.device,
            )
    last = max(c.stamp for c in unique.values())
    if not inserts:
        return RowOutcome(known=False, alive=False, last_stamp=last)
    first = min(inserts, key=lambda c: c.stamp)
    out = RowOutcome(
        known=True,
        alive=True,
        last_stamp=last,
        insert_stamp=first.stamp,
        insert_author=first.author,
        insert_device=first.device,
    )
    decoded = [(c, decode_row(c.value)) for c in sorted(inserts, key=lambda c: c.stamp)]
    for name in fields:
        candidates: list[Change] = [
            Change(c.stamp, name, row[name], c.parents, c.device, c.author)
            for c, row in decoded
            if name in row
        ]
        field_edits = edits.get(name, [])
        candidates += field_edits
        if not candidates:
            continue
        winner = _newest(candidates)
        out.values[name] = FieldValue(winner.value, winner.stamp, winner.device, winner.author)
        if len(candidates) == 1:
            continue
        replaced = {p for c in field_edits for p in c.parents}
        for head in candidates:
            if head.stamp in replaced or head.stamp == winner.stamp:
                continue
            if not same_value(head.value, winner.value):
                out.conflicts.append(FieldConflict(name, winner, head))
    if deletes:
        undone = {p for k in keeps for p in k.parents}
        active = [d for d in deletes if d.stamp not in undone]
        if active:
            known = {p for d in active for p in d.parents}
            others = [
                c
                for c in unique.values()
                if c.field != DELETE and c.stamp not in known and c.stamp not in undone
            ]
            deletion = _newest(active)
            if others:
                out.deletion = deletion
                out.kept_by = _newest(others)
            else:
                out.alive = False
                out.deletion = deletion
    return out
