"""Recording every write to a travelling table in the change log, without callers' help.

ORM writes are caught by mapper events (each row the unit of work inserts, updates or
deletes, including orphans and cascades) and written to the log once per flush by a
session event, in the flush's own transaction: a change is logged if and only if it is
committed. Deletions that SQLite itself cascades (``ON DELETE CASCADE`` / ``SET NULL``)
are found before the parent goes and logged too.

Bulk Core statements bypass the ORM: after one, call :func:`record_rows` with the ids
written (or :func:`adopt_all`, which also enters rows that predate the log).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.orm import Mapper, Session, object_session

from alliance_desktop.storage import sync_log
from alliance_desktop.storage.models import Base
from alliance_desktop.storage.sync_schema import NOT_FIELDS, TableInfo, children_of, travelling
from alliance_desktop.storage.sync_state import (
    DELETE,
    INSERT,
    KEEP,
    Change,
    encode_row,
    outcome,
    same_value,
)

Key = tuple[str, str]  # (table, row id in hex)
_PENDING = "alliance_sync_pending"
_enabled: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


@dataclass
class _Pending:
    inserted: set[Key] = field(default_factory=set)
    updated: dict[Key, set[str]] = field(default_factory=dict)
    deleted: set[Key] = field(default_factory=set)


def _pending(session: Session) -> _Pending:
    p = session.info.get(_PENDING)
    if p is None:
        p = session.info[_PENDING] = _Pending()
    assert isinstance(p, _Pending)
    return p


def _table_of(mapper: Mapper[Any]) -> TableInfo | None:
    name = getattr(mapper.local_table, "name", None)
    return travelling().get(name) if isinstance(name, str) else None


def _hex(value: Any) -> str:
    return value.hex if hasattr(value, "hex") and not isinstance(value, str) else str(value)


def _after_insert(mapper: Mapper[Any], _con: Connection, target: Any) -> None:
    info = _table_of(mapper)
    session = object_session(target)
    if info is None or session is None:
        return
    _pending(session).inserted.add((info.name, _hex(target.id)))


def _after_update(mapper: Mapper[Any], _con: Connection, target: Any) -> None:
    info = _table_of(mapper)
    session = object_session(target)
    if info is None or session is None:
        return
    state = inspect(target)
    changed = {
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in NOT_FIELDS
        and attr.key in info.fields
        and state.attrs[attr.key].history.has_changes()
    }
    if changed:
        key = (info.name, _hex(target.id))
        _pending(session).updated.setdefault(key, set()).update(changed)


def _cascaded(con: Connection, table: str, row_id: str, p: _Pending, seen: set[Key]) -> None:
    # SQLite will act on these rows when the parent goes; the ORM will not tell us.
    for child, fk in children_of(table):
        if fk.ondelete not in ("CASCADE", "SET NULL"):
            continue
        ids = [
            r[0]
            for r in con.exec_driver_sql(
                f'SELECT id FROM {child} WHERE "{fk.column}" = ?', (row_id,)
            )
        ]
        for cid in ids:
            key = (child, cid)
            if fk.ondelete == "CASCADE":
                if key not in seen:
                    seen.add(key)
                    p.deleted.add(key)
                    _cascaded(con, child, cid, p, seen)
            else:
                p.updated.setdefault(key, set()).add(fk.column)


def _before_delete(mapper: Mapper[Any], con: Connection, target: Any) -> None:
    info = _table_of(mapper)
    session = object_session(target)
    if info is None or session is None or not _sync_enabled(con):
        return
    p = _pending(session)
    key = (info.name, _hex(target.id))
    p.deleted.add(key)
    _cascaded(con, info.name, key[1], p, {key})


def _sync_enabled(con: Connection) -> bool:
    engine = con.engine
    known = _enabled.get(engine)
    if known is None:
        known = (
            con.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_change'"
            ).first()
            is not None
        )
        _enabled[engine] = known
    return known


def _db_path(con: Connection) -> Path | None:
    name = con.engine.url.database
    return Path(name) if name and name != ":memory:" else None


def _after_flush(session: Session, _ctx: Any) -> None:
    p = session.info.pop(_PENDING, None)
    if not isinstance(p, _Pending) or not (p.inserted or p.updated or p.deleted):
        return
    con = session.connection()
    if not _sync_enabled(con):
        return
    record(con, inserted=p.inserted, updated=p.updated, deleted=p.deleted)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _raw_rows(con: Connection, info: TableInfo, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    cols = ", ".join(f'"{c}"' for c in info.fields)
    out: dict[str, dict[str, Any]] = {}
    items = sorted(set(ids))
    for part in sync_log.chunks(items):
        marks = ",".join("?" * len(part))
        for row in con.exec_driver_sql(
            f"SELECT id, {cols} FROM {info.name} WHERE id IN ({marks})", tuple(part)
        ):
            out[row[0]] = dict(zip(info.fields, row[1:], strict=True))
    return out


def record(
    con: Connection,
    *,
    inserted: Iterable[Key] = (),
    updated: dict[Key, set[str]] | None = None,
    deleted: Iterable[Key] = (),
    known_rows: dict[str, dict[str, dict[str, Any]]] | None = None,
    known_history: dict[str, dict[str, list[Change]]] | None = None,
) -> int:
    """Log what was written to the given rows, reading the values SQLite stored.

    Args:
        con: the connection of the transaction that wrote them.
        inserted: rows just created (or created again, as an undo does).
        updated: rows just changed, with the names of the fields that may have changed.
        deleted: rows just deleted (or about to be, in the same transaction).
        known_rows: stored values already read by the caller, by table and row id.
        known_history: changes already read by the caller, by table and row id.

    Returns:
        How many change records were written.
    """
    tables = travelling()
    updated = dict(updated or {})
    deleted_set = {k for k in deleted if k[0] in tables}
    inserted_set = {k for k in inserted if k[0] in tables} - deleted_set
    for k in list(updated):
        if k in deleted_set or k in inserted_set or k[0] not in tables:
            del updated[k]
    if not (inserted_set or updated or deleted_set):
        return 0
    ident = sync_log.ensure_identity(con, _db_path(con))
    clock = sync_log.fresh_clock(con, ident)
    by_table: dict[str, set[str]] = {}
    for t, rid in (*inserted_set, *updated, *deleted_set):
        by_table.setdefault(t, set()).add(rid)
    planned: list[tuple[str, str, str, Any, tuple[str, ...]]] = []
    for t, ids in by_table.items():
        info = tables[t]
        history = (known_history or {}).get(t) or sync_log.load_changes(con, t, ids)
        live_ids = [rid for rid in ids if (t, rid) not in deleted_set]
        rows = (known_rows or {}).get(t) or _raw_rows(con, info, live_ids)
        for rid in sorted(ids):
            key = (t, rid)
            changes = history[rid]
            if key in deleted_set:
                stamps = tuple(sorted({c.stamp for c in changes}))
                planned.append((t, rid, DELETE, None, stamps))
                continue
            row = rows.get(rid)
            if row is None:
                continue
            if not changes:
                planned.append((t, rid, INSERT, encode_row(row), ()))
                continue
            state = outcome(changes, info.fields)
            if not state.known:
                # Created before the log existed, or by a bulk statement: enter it whole.
                planned.append((t, rid, INSERT, encode_row(row), ()))
                continue
            fields: Iterable[str] = updated.get(key, ())
            if key in inserted_set:
                # Created again with the id of a row the log knows (an undone deletion):
                # the deletion is undone and every field compared.
                fields = info.fields
                gone = _active_deletions(changes)
                if gone:
                    planned.append((t, rid, KEEP, None, tuple(sorted(d.stamp for d in gone))))
            for name in sorted(fields):
                current = state.values.get(name)
                if current is not None and same_value(current.value, row[name]):
                    continue
                parents = (current.stamp,) if current is not None else ()
                planned.append((t, rid, name, row[name], parents))
    if not planned:
        return 0
    floor = max((p for *_x, parents in planned for p in parents), default=None)
    stamp = clock.after(floor) if floor else clock.tick()
    sync_log.save_clock(con, ident, clock)
    written = sync_log.write_changes(
        con,
        [
            sync_log.NewChange(stamp, t, rid, fld, value, parents, ident.device_id, ident.author)
            for t, rid, fld, value, parents in planned
        ],
    )
    _refresh_conflicts(con, by_table, ident.device_id)
    return written


def _refresh_conflicts(con: Connection, by_table: dict[str, set[str]], device: str) -> None:
    # A local edit can replace the provisional winner of an open conflict, and a local
    # deletion can end one: bring the conflicts of the rows touched up to date.
    flagged: set[Key] = set()
    for t, ids in by_table.items():
        for part in sync_log.chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            flagged.update(
                (t, r[0])
                for r in con.exec_driver_sql(
                    "SELECT DISTINCT row_id FROM sync_conflict WHERE open = 1 "
                    f"AND table_name = ? AND row_id IN ({marks})",
                    (t, *part),
                )
            )
    if flagged:
        # Imported here: the merge module sits above this one (it needs the models that
        # import this module to install the capture).
        from alliance_desktop.storage.sync_apply import materialize

        materialize(con, flagged, local_device=device, include_parked=False)


def _active_deletions(changes: list[Change]) -> list[Change]:
    undone = {p for c in changes if c.field == KEEP for p in c.parents}
    return [c for c in changes if c.field == DELETE and c.stamp not in undone]


def record_rows(con: Connection, table: str, ids: Iterable[str | Any]) -> int:
    """Log rows written by a bulk Core statement (insert, update or delete).

    Each row is compared with what the log says: a row the log does not know is logged
    as created, a row no longer in the table as deleted, and differing fields as edits.

    Returns:
        How many change records were written.
    """
    info = travelling().get(table)
    if info is None:
        return 0
    # Rows the merge deliberately shows differently from the log (waiting for a parent,
    # duplicates) must not be mistaken for edits.
    held = {
        r[0]
        for r in con.exec_driver_sql(
            "SELECT row_id FROM sync_row_state WHERE table_name = ?", (table,)
        )
    }
    keys = sorted({_hex(i) for i in ids} - held)
    rows = _raw_rows(con, info, keys)
    history = sync_log.load_changes(con, table, keys)
    inserted: set[Key] = set()
    updated: dict[Key, set[str]] = {}
    deleted: set[Key] = set()
    for rid in keys:
        state = outcome(history[rid], info.fields)
        row = rows.get(rid)
        if row is None:
            if state.known and state.alive:
                deleted.add((table, rid))
        elif not state.known:
            inserted.add((table, rid))
        else:
            diff = {
                f
                for f in info.fields
                if not same_value(row[f], state.values[f].value if f in state.values else None)
            }
            if diff:
                updated[(table, rid)] = diff
    return record(
        con,
        inserted=inserted,
        updated=updated,
        deleted=deleted,
        known_rows={table: rows},
        known_history={table: history},
    )


def adopt_all(con: Connection) -> int:
    """Log as created every row the log does not know yet (rows older than sharing).

    Returns:
        How many rows were entered.
    """
    total = 0
    for info in travelling().values():
        ids = [
            r[0]
            for r in con.exec_driver_sql(
                f"SELECT id FROM {info.name} t WHERE NOT EXISTS (SELECT 1 FROM sync_change c "
                "WHERE c.table_name = ? AND c.row_id = t.id AND c.field = '+')",
                (info.name,),
            )
        ]
        for part in sync_log.chunks(ids, 5000):
            total += record(con, inserted={(info.name, rid) for rid in part})
    return total


def reconcile(con: Connection, since: str | None) -> int:
    """Catch writes that bypassed the capture, before publishing.

    Rows the log does not know are entered as created; rows whose ``updated_at`` is
    after ``since`` are compared with the log; rows the log holds as alive but the
    table no longer has are logged as deleted. With the capture installed this finds
    nothing; it is the safety net for bulk statements whose author forgot
    :func:`record_rows`.

    Returns:
        How many change records were written.
    """
    total = adopt_all(con)
    for info in travelling().values():
        candidates: list[str] = []
        if since is not None:
            candidates += [
                r[0]
                for r in con.exec_driver_sql(
                    f"SELECT id FROM {info.name} WHERE updated_at > ?", (since,)
                )
            ]
        candidates += [
            r[0]
            for r in con.exec_driver_sql(
                "SELECT DISTINCT c.row_id FROM sync_change c WHERE c.table_name = ? "
                "AND c.field = '+' AND NOT EXISTS "
                f"(SELECT 1 FROM {info.name} t WHERE t.id = c.row_id) AND NOT EXISTS "
                "(SELECT 1 FROM sync_change d WHERE d.table_name = c.table_name "
                "AND d.row_id = c.row_id AND d.field = '-')",
                (info.name,),
            )
        ]
        if candidates:
            total += record_rows(con, info.name, candidates)
    return total


def install() -> None:
    """Register the listeners (idempotent; done when this module is imported)."""
    if event.contains(Base, "after_insert", _after_insert):
        return
    event.listen(Base, "after_insert", _after_insert, propagate=True)
    event.listen(Base, "after_update", _after_update, propagate=True)
    event.listen(Base, "before_delete", _before_delete, propagate=True)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


install()
