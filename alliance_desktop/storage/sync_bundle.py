"""Bundles: the small SQLite files of change records that laptops leave in the shared folder.

A bundle holds a ``meta`` table (format, workspace, device, author, sequence number,
counts) and a ``change`` table (one row per change record). Reading one never trusts it:
every row is checked (stamps, tables, fields, values) before anything is merged, and a
bundle that fails any check is set aside whole, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_desktop.core import hlc
from alliance_desktop.core.i18n import t
from alliance_desktop.storage.sync_log import NewChange
from alliance_desktop.storage.sync_schema import travelling
from alliance_desktop.storage.sync_state import DELETE, INSERT, KEEP, decode_row

FORMAT = 1
# "ALDb": marks a file as one of our bundles, distinct from a database ("ALDk").
BUNDLE_APPLICATION_ID = 0x414C4462
HEX32 = re.compile(r"^[0-9a-f]{32}$")
SPECIAL_FIELDS = frozenset({INSERT, DELETE, KEEP})
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE change (stamp TEXT NOT NULL, table_name TEXT NOT NULL, "
    "row_id TEXT NOT NULL, field TEXT NOT NULL, value, parents TEXT NOT NULL, "
    "device_id TEXT NOT NULL, author TEXT NOT NULL)",
)
META_KEYS = (
    "format",
    "workspace_id",
    "device_id",
    "device_name",
    "author",
    "seq",
    "changes",
    "min_stamp",
    "max_stamp",
    "schema",
)


class BundleError(Exception):
    """A bundle that cannot be merged; the message is the reason, for the report."""

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        """``retry``: the bundle may become acceptable later (still syncing, clock)."""
        super().__init__(reason)
        self.retry = retry


@dataclass(frozen=True)
class BundleMeta:
    """What a bundle says about itself."""

    workspace_id: str
    device_id: str
    device_name: str
    author: str
    seq: int
    changes: int
    min_stamp: str
    max_stamp: str
    schema: str


def write_bundle(path: Path, meta: dict[str, str], changes: Sequence[NewChange]) -> None:
    """Write a new bundle file at ``path`` (which must not exist), flushed to disk."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute(f"PRAGMA application_id={BUNDLE_APPLICATION_ID}")
        for stmt in _SCHEMA:
            con.execute(stmt)
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        con.executemany(
            "INSERT INTO change VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.stamp,
                    c.table,
                    c.row_id,
                    c.field,
                    c.value,
                    " ".join(c.parents),
                    c.device,
                    c.author,
                )
                for c in changes
            ],
        )
        con.commit()
    finally:
        con.close()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _open_ro(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise BundleError(t(f"illisible ({exc})", f"unreadable ({exc})")) from exc
    try:
        yield con
    finally:
        con.close()


def _damaged(exc: Exception) -> BundleError:
    return BundleError(
        t(f"fichier endommagé ou tronqué ({exc})", f"damaged or truncated file ({exc})")
    )


def read_meta(path: Path) -> BundleMeta:
    """Read and check a bundle's own description.

    Raises:
        BundleError: not a bundle, damaged, or of a newer format.
    """
    with _open_ro(path) as con:
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            if app_id != BUNDLE_APPLICATION_ID:
                raise BundleError(t("ce n'est pas un paquet de modifications", "not a bundle"))
            check = con.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _damaged(ValueError(check))
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise _damaged(exc) from exc
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise BundleError(
            t(f"description incomplète ({missing})", f"incomplete header ({missing})")
        )
    try:
        fmt = int(meta["format"])
        seq = int(meta["seq"])
        count = int(meta["changes"])
    except ValueError as exc:
        raise _damaged(exc) from exc
    if fmt > FORMAT:
        raise BundleError(
            t(
                "écrit par une version plus récente d'Alliance Desktop : mettez à jour",
                "written by a newer version of Alliance Desktop: update",
            ),
            retry=True,
        )
    for key in ("workspace_id", "device_id"):
        if not HEX32.match(meta[key]):
            raise _damaged(ValueError(f"{key}={meta[key]!r}"))
    for key in ("min_stamp", "max_stamp"):
        if count and not hlc.STAMP_RE.match(meta[key]):
            raise _damaged(ValueError(f"{key}={meta[key]!r}"))
    return BundleMeta(
        workspace_id=meta["workspace_id"],
        device_id=meta["device_id"],
        device_name=meta["device_name"],
        author=meta["author"],
        seq=seq,
        changes=count,
        min_stamp=meta["min_stamp"],
        max_stamp=meta["max_stamp"],
        schema=meta["schema"],
    )


def _check_value(value: Any) -> None:
    if value is not None and not isinstance(value, int | float | str | bytes):
        raise ValueError(f"unexpected value type {type(value).__name__}")


def validate_change(row: Sequence[Any]) -> NewChange:
    """One change record read from a bundle or a database, checked field by field.

    Raises:
        ValueError: what is wrong with it.
    """
    stamp, table, row_id, field, value, parents, device, author = row
    if not isinstance(stamp, str) or not hlc.STAMP_RE.match(stamp):
        raise ValueError(f"bad stamp {stamp!r}")
    info = travelling().get(table) if isinstance(table, str) else None
    if info is None:
        raise ValueError(f"unknown table {table!r}")
    if not isinstance(row_id, str) or not HEX32.match(row_id):
        raise ValueError(f"bad row id {row_id!r}")
    if not isinstance(device, str) or not HEX32.match(device):
        raise ValueError(f"bad device id {device!r}")
    if not isinstance(author, str) or not isinstance(parents, str):
        raise ValueError("bad author or parents")
    parent_stamps = tuple(parents.split())
    for p in parent_stamps:
        if not hlc.STAMP_RE.match(p) or p >= stamp:
            raise ValueError(f"bad parent {p!r} of {stamp}")
    if field == INSERT:
        decoded = decode_row(value)
        unknown = set(decoded) - set(info.fields)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)} in {table}")
        for v in decoded.values():
            _check_value(v)
    elif field in (DELETE, KEEP):
        if value is not None:
            raise ValueError("a deletion carries no value")
    elif field in info.fields:
        _check_value(value)
    else:
        raise ValueError(f"unknown field {table}.{field}")
    return NewChange(stamp, table, row_id, field, value, parent_stamps, device, author)


def read_changes(path: Path, meta: BundleMeta | None = None) -> list[NewChange]:
    """Every change of a bundle, each one checked.

    Raises:
        BundleError: a row is invalid, or the count differs from the header.
    """
    out: list[NewChange] = []
    with _open_ro(path) as con:
        try:
            rows = con.execute(
                "SELECT stamp, table_name, row_id, field, value, parents, device_id, author "
                "FROM change"
            ).fetchall()
        except sqlite3.Error as exc:
            raise _damaged(exc) from exc
    for row in rows:
        try:
            out.append(validate_change(row))
        except (ValueError, TypeError) as exc:
            raise BundleError(
                t(f"modification invalide : {exc}", f"invalid change: {exc}")
            ) from exc
    if meta is not None:
        if len(out) != meta.changes:
            raise _damaged(ValueError(f"{len(out)} changes, header says {meta.changes}"))
        if out and max(c.stamp for c in out) != meta.max_stamp:
            raise _damaged(ValueError("stamps differ from the header"))
    return out
