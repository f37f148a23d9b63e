"""Reviewing what sharing produced: conflicts to decide, and the history of any record.

A decision is itself a change: it is logged with a fresh stamp and the values it
replaces as parents, so it travels like any edit and closes the conflict on every
laptop that receives it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import sqlite

from alliance_desktop.core import hlc
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.storage import sync_log
from alliance_desktop.storage.models import Base
from alliance_desktop.storage.sync_apply import DELETE_FIELD, DUPLICATE_FIELD, Key, materialize
from alliance_desktop.storage.sync_schema import children_of, travelling
from alliance_desktop.storage.sync_state import DELETE, INSERT, KEEP, Change, decode_row, outcome

_DIALECT = sqlite.dialect()


class ReviewError(KnownError):
    """A decision that cannot be applied (the conflict is gone, or the choice is wrong)."""


@functools.cache
def _column(table: str, field: str) -> Any:
    return Base.metadata.tables[table].columns[field]


def to_python(table: str, field: str, stored: Any) -> Any:
    """A stored value as the application sees it (a date, an enumeration, a UUID...)."""
    if stored is None or field not in travelling()[table].fields:
        return stored
    col = _column(table, field)
    proc = col.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None)
    try:
        return proc(stored) if proc else stored
    except (ValueError, TypeError, LookupError):
        return stored


def to_stored(table: str, field: str, value: Any) -> Any:
    """A value as SQLite stores it in ``table.field``."""
    if value is None:
        return None
    col = _column(table, field)
    proc = col.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
    return proc(value) if proc else value


def stamp_datetime(stamp: str) -> dt.datetime:
    """When a change was made, by its author's clock (UTC, naive)."""
    return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=hlc.wall_of(stamp))


# Columns that name a record for a human, by table (the first one not empty is used).
_LABELS = {
    "organisation": ("short_name", "name"),
    "person": ("first_name", "last_name"),
    "meeting": ("title", "date"),
    "indicator": ("name",),
    "setting": ("key",),
    "attachment": ("filename",),
    "measurement": ("year", "value"),
}


def describe_row(con: Connection, table: str, row_id: str) -> str:
    """A short text naming a record, from the log (so deleted records have one too)."""
    info = travelling().get(table)
    if info is None:
        return row_id
    o = outcome(sync_log.load_changes(con, table, [row_id])[row_id], info.fields)
    cols = _LABELS.get(table) or tuple(c for c in ("text", "heading", "name") if c in info.fields)
    parts = [str(o.values[c].value) for c in cols if c in o.values and o.values[c].value]
    label = " ".join(parts).strip()
    return (label[:80] + "…") if len(label) > 80 else label or row_id[:8]


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a review screen shows it."""

    id: str
    table: str
    row_id: str
    field: str  # a column, "-" (deleted while edited) or "=" (duplicate)
    label: str
    winner_value: Any
    winner_author: str
    winner_device: str | None
    winner_at: dt.datetime
    other_value: Any
    other_author: str
    other_device: str | None
    other_at: dt.datetime
    open: bool


def list_conflicts(con: Connection, *, open_only: bool = True) -> list[ConflictView]:
    """The conflicts, newest first."""
    where = "WHERE open = 1" if open_only else ""
    rows = con.exec_driver_sql(
        "SELECT id, table_name, row_id, field, winner_value, winner_author, winner_device, "
        "winner_stamp, other_value, other_author, other_device, other_stamp, open "
        f"FROM sync_conflict {where} ORDER BY created_at DESC, other_stamp DESC"
    ).fetchall()
    out = []
    for r in rows:
        table, row_id, field = r[1], r[2], r[3]
        special = field in (DELETE_FIELD, DUPLICATE_FIELD)
        out.append(
            ConflictView(
                id=r[0],
                table=table,
                row_id=row_id,
                field=field,
                label=describe_row(con, table, row_id),
                winner_value=r[4] if special else to_python(table, field, r[4]),
                winner_author=r[5],
                winner_device=r[6],
                winner_at=stamp_datetime(r[7]),
                other_value=r[8] if special else to_python(table, field, r[8]),
                other_author=r[9],
                other_device=r[10],
                other_at=stamp_datetime(r[11]),
                open=bool(r[12]),
            )
        )
    return out


@dataclass(frozen=True)
class HistoryEntry:
    """One value a record held, who set it and when."""

    stamp: str
    at: dt.datetime
    field: str  # a column, or "+" created, "-" deleted, "!" kept after a deletion
    value: Any
    author: str
    device: str
    current: bool


def history(con: Connection, table: str, row_id: str) -> list[HistoryEntry]:
    """Every value the record ever held, field by field, oldest first.

    The creation is spread into one entry per field, so that « what did the text say
    before » is answered by the entries of that field alone.
    """
    info = travelling().get(table)
    if info is None:
        return []
    changes = sync_log.row_history(con, table, row_id)
    o = outcome(changes, info.fields)
    current = {(v.stamp, name) for name, v in o.values.items()}
    out: list[HistoryEntry] = []
    for c in changes:
        at = stamp_datetime(c.stamp)
        if c.field == INSERT:
            out.append(HistoryEntry(c.stamp, at, INSERT, None, c.author, c.device, False))
            for name, value in sorted(decode_row(c.value).items()):
                out.append(
                    HistoryEntry(
                        c.stamp,
                        at,
                        name,
                        to_python(table, name, value),
                        c.author,
                        c.device,
                        (c.stamp, name) in current and o.alive,
                    )
                )
        else:
            out.append(
                HistoryEntry(
                    c.stamp,
                    at,
                    c.field,
                    to_python(table, c.field, c.value) if c.field in info.fields else None,
                    c.author,
                    c.device,
                    (c.stamp, c.field) in current and o.alive,
                )
            )
    return out


# -- decisions -----------------------------------------------------------------------


def _conflict(con: Connection, conflict_id: str) -> tuple[str, str, str, str, str]:
    row = con.exec_driver_sql(
        "SELECT table_name, row_id, field, winner_stamp, other_stamp FROM sync_conflict "
        "WHERE id = ? AND open = 1",
        (conflict_id,),
    ).fetchone()
    if row is None:
        raise ReviewError(
            t(
                "Ce conflit n'existe plus (déjà réglé ici ou sur un autre ordinateur).",
                "This conflict no longer exists (already settled here or on another laptop).",
            )
        )
    return row[0], row[1], row[2], row[3], row[4]


def _write(
    con: Connection, entries: list[tuple[Key, str, Any, tuple[str, ...]]], path: Path | None
) -> None:
    ident = sync_log.ensure_identity(con, path)
    clock = sync_log.fresh_clock(con, ident)
    floor = max((p for *_x, parents in entries for p in parents), default=None)
    stamp = clock.after(floor) if floor else clock.tick()
    sync_log.save_clock(con, ident, clock)
    sync_log.write_changes(
        con,
        [
            sync_log.NewChange(stamp, k[0], k[1], f, v, parents, ident.device_id, ident.author)
            for k, f, v, parents in entries
        ],
    )
    con.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    materialize(con, {k for k, *_ in entries}, local_device=ident.device_id)


def _all_stamps(con: Connection, key: Key) -> tuple[str, ...]:
    changes = sync_log.load_changes(con, key[0], [key[1]])[key[1]]
    return tuple(sorted({c.stamp for c in changes}))


def _active_deletions(changes: list[Change]) -> list[Change]:
    undone = {p for c in changes if c.field == KEEP for p in c.parents}
    return [c for c in changes if c.field == DELETE and c.stamp not in undone]


def decide_field(
    con: Connection, conflict_id: str, value: Any, *, path: Path | None = None
) -> None:
    """Settle a conflict on a field with ``value`` (a stored value: one side's or a new one).

    The decision replaces every concurrent value of the field, so the conflict closes.
    """
    table, row_id, field, _w, _o = _conflict(con, conflict_id)
    if field in (DELETE_FIELD, DUPLICATE_FIELD):
        raise ReviewError(
            t("Ce conflit porte sur l'existence de la fiche.", "Not a field conflict.")
        )
    info = travelling()[table]
    o = outcome(sync_log.load_changes(con, table, [row_id])[row_id], info.fields)
    heads = {c.winner.stamp for c in o.conflicts if c.field == field}
    heads |= {c.other.stamp for c in o.conflicts if c.field == field}
    current = o.values.get(field)
    if current is not None:
        heads.add(current.stamp)
    parents: tuple[str, ...] = (current.stamp,) if current is not None else ()
    parents += tuple(sorted(heads - set(parents)))
    _write(con, [((table, row_id), field, value, parents)], path)


def stored_side(con: Connection, conflict_id: str, side: str) -> Any:
    """The stored value of one side (``winner`` or ``other``) of a field conflict."""
    column = "winner_value" if side == "winner" else "other_value"
    return con.exec_driver_sql(
        f"SELECT {column} FROM sync_conflict WHERE id = ?", (conflict_id,)
    ).scalar()


def _dependants(con: Connection, key: Key) -> list[Key]:
    """Live rows that cannot exist without ``key`` (they go with it)."""
    out: list[Key] = []
    for child, fk in children_of(key[0]):
        if fk.ondelete == "CASCADE" or not fk.nullable:
            for r in con.exec_driver_sql(
                f'SELECT id FROM {child} WHERE "{fk.column}" = ?', (key[1],)
            ):
                out.append((child, r[0]))
                out.extend(_dependants(con, (child, r[0])))
    return out


def decide_existence(
    con: Connection, conflict_id: str, keep: bool, *, path: Path | None = None
) -> None:
    """Settle a deleted-while-edited (or duplicate) conflict: keep the record, or delete it.

    Keeping undoes the deletion, and the deletion of the records that went with it (the
    points of a deleted session); deleting covers the edits made meanwhile, and takes
    with it the records that cannot exist without it.
    """
    table, row_id, field, _w, _o = _conflict(con, conflict_id)
    if field not in (DELETE_FIELD, DUPLICATE_FIELD):
        raise ReviewError(t("Ce conflit porte sur une valeur.", "This conflict is about a value."))
    key = (table, row_id)
    entries: list[tuple[Key, str, Any, tuple[str, ...]]] = []
    if keep:
        if field == DUPLICATE_FIELD:
            raise ReviewError(
                t(
                    "Deux fiches identiques ne peuvent coexister : supprimez le doublon ou "
                    "modifiez-le.",
                    "Two identical records cannot coexist: delete the duplicate or edit it.",
                )
            )
        deletions = _active_deletions(sync_log.load_changes(con, table, [row_id])[row_id])
        stamps = {d.stamp for d in deletions}
        entries.append((key, KEEP, None, tuple(sorted(stamps))))
        # The records deleted together with this one (same stamp) come back with it.
        for child, fk in children_of(table):
            if fk.ondelete != "CASCADE":
                continue
            for rid in _log_children(con, child, fk.column, row_id):
                cd = _active_deletions(sync_log.load_changes(con, child, [rid])[rid])
                same = tuple(sorted(d.stamp for d in cd if d.stamp in stamps))
                if same:
                    entries.append(((child, rid), KEEP, None, same))
    else:
        entries.append((key, DELETE, None, _all_stamps(con, key)))
        for dep in dict.fromkeys(_dependants(con, key)):
            entries.append((dep, DELETE, None, _all_stamps(con, dep)))
    _write(con, entries, path)


def _log_children(con: Connection, child: str, column: str, parent_id: str) -> list[str]:
    # Deleted rows are only in the log: find those whose creation or edits named the parent.
    ids = set()
    for rid, fld, value in con.exec_driver_sql(
        "SELECT row_id, field, value FROM sync_change WHERE table_name = ? "
        "AND (field = '+' OR field = ?)",
        (child, column),
    ):
        if fld == INSERT:
            if decode_row(value).get(column) == parent_id:
                ids.add(rid)
        elif value == parent_id:
            ids.add(rid)
    return sorted(ids)
