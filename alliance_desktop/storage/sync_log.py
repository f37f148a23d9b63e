"""The change log on disk: this replica's identity and clock, writing and reading changes.

Everything here runs on the caller's connection, inside the caller's transaction, and
uses SQLite's stored values as they are (no type conversion), so that what travels is
exactly what was stored.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import socket
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from alliance_desktop.core import hlc
from alliance_desktop.storage.sync_state import Change

# Ids of change records are derived from what identifies them, so a change received
# twice (from a bundle and from a snapshot, say) is stored once.
CHANGE_NAMESPACE = uuid.UUID("b7a4c1d2-5e6f-4a8b-9c0d-a11a1ce5c0de")
# SQLite accepts many more bound parameters, but shorter statements plan faster.
CHUNK = 500


def now_text() -> str:
    """The current UTC time as SQLite stores SQLAlchemy's DateTime."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


_NS = CHANGE_NAMESPACE.bytes


def change_id(table: str, row_id: str, field: str, stamp: str) -> str:
    """The id of the change record of ``field`` of a row at ``stamp`` (hex, no dashes).

    A name-based id computed like a version-5 UUID's hash, without building UUID objects
    (a pull computes tens of thousands of them).
    """
    return hashlib.sha1(_NS + f"{table}|{row_id}|{field}|{stamp}".encode()).hexdigest()[:32]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def binding_for(path: Path | None) -> str:
    """Where a database lives: a copy of the file elsewhere must not reuse the device id."""
    where = str(Path(path).resolve()) if path else ":memory:"
    return f"{socket.gethostname()}|{where}"


# Accounts that are no one's name: shown to the other facilitators, « root » says nothing.
_SYSTEM_ACCOUNTS = frozenset({"root", "admin", "administrator", "administrateur", "user"})


def default_author() -> str:
    """The name shown to other facilitators until the user sets one.

    The full name the system knows for the user (Unix), else nothing: a login such as
    « root » or « jdupont » is not a name to sign shared changes with.
    """
    try:
        login = getpass.getuser()
    except (OSError, KeyError):
        return ""
    try:
        import pwd
    except ImportError:  # Windows: no full name to read without extra libraries
        return ""
    try:
        entry = pwd.getpwnam(login)
    except KeyError:
        return ""
    full_name = entry.pw_gecos.split(",")[0].strip()
    if entry.pw_uid == 0 or login.casefold() in _SYSTEM_ACCOUNTS:
        return ""
    if full_name.casefold() in _SYSTEM_ACCOUNTS or full_name == login:
        return ""
    return full_name


@dataclass
class Identity:
    """The identity of a database as a replica (the single row of ``sync_identity``)."""

    row_id: str
    device_id: str
    device_name: str
    author: str
    workspace_id: str | None
    clock: str | None
    binding: str
    next_seq: int
    shared_dir: str | None

    @property
    def node(self) -> str:
        """The node part of the clock stamps this device issues."""
        return hlc.node_of(self.device_id)


_IDENTITY_COLUMNS = (
    "id, device_id, device_name, author, workspace_id, clock, binding, next_seq, shared_dir"
)


def load_identity(con: Connection) -> Identity | None:
    """The identity row, if one was made."""
    row = con.exec_driver_sql(
        f"SELECT {_IDENTITY_COLUMNS} FROM sync_identity ORDER BY created_at LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return Identity(*row)


def ensure_identity(con: Connection, path: Path | None) -> Identity:
    """The identity row, created on first use, with a new device id if the file moved.

    A database file copied to another computer or folder (by hand, or by restoring a
    backup) would otherwise write as the same device as the original, and two devices
    writing the same stamps or the same folder would lose edits.
    """
    ident = load_identity(con)
    binding = binding_for(path)
    if ident is None:
        now = now_text()
        ident = Identity(
            row_id=uuid.uuid4().hex,
            device_id=uuid.uuid4().hex,
            device_name=socket.gethostname(),
            author=default_author(),
            workspace_id=None,
            clock=None,
            binding=binding,
            next_seq=1,
            shared_dir=None,
        )
        con.exec_driver_sql(
            "INSERT INTO sync_identity (id, device_id, device_name, author, workspace_id, "
            "clock, binding, next_seq, shared_dir, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, NULL, NULL, ?, 1, NULL, ?, ?)",
            (
                ident.row_id,
                ident.device_id,
                ident.device_name,
                ident.author,
                binding,
                now,
                now,
            ),
        )
        return ident
    if ident.binding != binding:
        rotate_device(con, ident, binding)
    return ident


def rotate_device(con: Connection, ident: Identity, binding: str | None = None) -> None:
    """Give this database a new device id (after a copy, a restore or a clock reset).

    Changes already made keep the id they were made under; only new ones use the new id,
    and they are published in a new folder of the shared drive.
    """
    ident.device_id = uuid.uuid4().hex
    ident.binding = binding if binding is not None else ident.binding
    ident.next_seq = 1
    ident.clock = None
    con.exec_driver_sql(
        "UPDATE sync_identity SET device_id = ?, binding = ?, next_seq = 1, clock = NULL, "
        "updated_at = ? WHERE id = ?",
        (ident.device_id, ident.binding, now_text(), ident.row_id),
    )


def clock_for(ident: Identity) -> hlc.Clock:
    """A clock resuming after the identity's last stamp."""
    return hlc.Clock(ident.node, ident.clock)


def save_clock(con: Connection, ident: Identity, clock: hlc.Clock) -> None:
    """Remember the clock's last stamp, in the caller's transaction."""
    ident.clock = clock.last
    con.exec_driver_sql(
        "UPDATE sync_identity SET clock = ? WHERE id = ?", (clock.last, ident.row_id)
    )


def fresh_clock(con: Connection, ident: Identity) -> hlc.Clock:
    """A clock for new local changes; a clock found far ahead of the time is reset.

    On a reset the device id changes too, so that stamps issued before (in the future)
    and after can never be equal.
    """
    clock = clock_for(ident)
    clock.tick()
    if clock.was_reset:
        rotate_device(con, ident)
        clock = clock_for(ident)
    return clock


@dataclass(frozen=True)
class NewChange:
    """A change about to be written to the log."""

    stamp: str
    table: str
    row_id: str
    field: str
    value: Any
    parents: tuple[str, ...]
    device: str
    author: str
    bundle: str | None = None


def write_changes(
    con: Connection,
    changes: Iterable[NewChange],
    *,
    ids: Sequence[str] | None = None,
    bundle: str | None = None,
) -> int:
    """Add changes to the log; those already there are left alone. Returns how many.

    Args:
        con: the connection of the caller's transaction.
        changes: the changes.
        ids: their ids, if the caller computed them already.
        bundle: where they came from, for all of them (else each change's own).
    """
    now = now_text()
    items = list(changes)
    keys = (
        ids if ids is not None else [change_id(c.table, c.row_id, c.field, c.stamp) for c in items]
    )
    rows = [
        (
            key,
            c.stamp,
            c.table,
            c.row_id,
            c.field,
            c.value,
            " ".join(c.parents),
            c.device,
            c.author,
            bundle if bundle is not None else c.bundle,
            now,
            now,
        )
        for key, c in zip(keys, items, strict=True)
    ]
    if not rows:
        return 0
    before = con.exec_driver_sql("SELECT total_changes()").scalar_one()
    con.exec_driver_sql(
        "INSERT OR IGNORE INTO sync_change (id, stamp, table_name, row_id, field, value, "
        "parents, device_id, author, bundle, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    after = con.exec_driver_sql("SELECT total_changes()").scalar_one()
    return int(after - before)


def _to_change(row: Sequence[Any]) -> Change:
    stamp, field, value, parents, device, author = row
    return Change(stamp, field, value, tuple(parents.split()) if parents else (), device, author)


def load_changes(con: Connection, table: str, row_ids: Iterable[str]) -> dict[str, list[Change]]:
    """Every change known for the given rows of ``table``, by row id."""
    ids = sorted(set(row_ids))
    out: dict[str, list[Change]] = {i: [] for i in ids}
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        for row in con.exec_driver_sql(
            "SELECT row_id, stamp, field, value, parents, device_id, author FROM sync_change "
            f"WHERE table_name = ? AND row_id IN ({marks})",
            (table, *part),
        ):
            out[row[0]].append(_to_change(row[1:]))
    return out


def row_history(con: Connection, table: str, row_id: str) -> list[Change]:
    """Every change of one row, oldest first."""
    return sorted(load_changes(con, table, [row_id])[row_id], key=lambda c: (c.stamp, c.field))
