"""Make the ordinary tables say what the change log says, for a set of rows.

Called inside the merge's single transaction. Beyond the per-row rules of
``sync_state``, rows depend on each other:

- a row whose parent (its session, its person) was deleted on another laptop while this
  row was added or edited keeps the parent alive, flagged for review, rather than
  losing the new content through ``ON DELETE CASCADE``;
- a row whose parent has not arrived yet (its bundle is still syncing) waits, parked,
  and is materialized by a later merge; a nullable reference to a missing parent is
  left empty meanwhile, as SQLite's ``ON DELETE SET NULL`` would do;
- two rows that may not coexist (two attendances of one person at one session, two
  sessions numbered 61) are decided deterministically: the first created keeps its
  place; the other loses the duplicate value (if it may be empty) or is parked, and a
  conflict records both.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from alliance_desktop.core import hlc
from alliance_desktop.storage.members_models import enforce_erasures
from alliance_desktop.storage.sync_log import chunks, load_changes, now_text
from alliance_desktop.storage.sync_schema import TableInfo, children_of, travelling
from alliance_desktop.storage.sync_state import Change, RowOutcome, outcome, same_value

Key = tuple[str, str]  # (table, row id in hex)
DELETE_FIELD = "-"
DUPLICATE_FIELD = "="


@dataclass
class Tally:
    """What a merge did, per facilitator (device id, author)."""

    added: Counter[tuple[str, str]] = field(default_factory=Counter)
    changed: Counter[tuple[str, str]] = field(default_factory=Counter)
    deleted: Counter[tuple[str, str]] = field(default_factory=Counter)
    conflicts: Counter[tuple[str, str]] = field(default_factory=Counter)
    parked: int = 0

    def authors(self) -> list[tuple[str, str]]:
        """Every (device, author) that appears in the tally."""
        keys = set(self.added) | set(self.changed) | set(self.deleted) | set(self.conflicts)
        return sorted(keys, key=lambda k: (k[1], k[0]))


@dataclass(frozen=True)
class WantedConflict:
    """A conflict the log currently shows for a row."""

    field: str
    winner: Change
    other: Change


@dataclass(slots=True)
class _Plan:
    outcome: RowOutcome
    alive: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    materialized: bool = False
    state: str = ""  # "", "parked", "nulled", "duplicate"
    reason: str = ""
    resurrected_by: Change | None = None
    duplicate_of: tuple[str, Change] | None = None
    parent_keys: list[tuple[str, Key]] | None = None


def _existing_ids(con: Connection, table: str, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(set(ids))
    for part in chunks(items):
        marks = ",".join("?" * len(part))
        found.update(
            r[0]
            for r in con.exec_driver_sql(
                f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(part)
            )
        )
    return found


def _current_rows(
    con: Connection, info: TableInfo, ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    cols = ", ".join(f'"{c}"' for c in info.fields)
    out: dict[str, dict[str, Any]] = {}
    items = sorted(set(ids))
    for part in chunks(items):
        marks = ",".join("?" * len(part))
        for row in con.exec_driver_sql(
            f"SELECT id, {cols} FROM {info.name} WHERE id IN ({marks})", tuple(part)
        ):
            out[row[0]] = dict(zip(info.fields, row[1:], strict=True))
    return out


def _children_in_db(con: Connection, parent: str, ids: Iterable[str]) -> list[Key]:
    items = sorted(set(ids))
    out: list[Key] = []
    for child, fk in children_of(parent):
        for part in chunks(items):
            marks = ",".join("?" * len(part))
            out.extend(
                (child, r[0])
                for r in con.exec_driver_sql(
                    f'SELECT id FROM {child} WHERE "{fk.column}" IN ({marks})', tuple(part)
                )
            )
    return out


def _requires_parent(info: TableInfo, column: str) -> bool:
    fk = info.fk(column)
    return fk is not None and (fk.ondelete == "CASCADE" or not fk.nullable)


def _stamp_time(stamp: str) -> str:
    wall = hlc.wall_of(stamp)
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=wall)
    return moment.isoformat(sep=" ", timespec="microseconds")


class _Materializer:
    def __init__(self, con: Connection, local_device: str | None) -> None:
        self.con = con
        self.tables = travelling()
        self.local_device = local_device
        self.plans: dict[Key, _Plan] = {}
        self.in_db: dict[str, set[str]] = {}
        self.reference_ids: dict[str, set[str]] = {}
        self.absent: set[Key] = set()
        # Complete histories the caller already holds (rows the log had never seen).
        self.preloaded: dict[str, dict[str, list[Change]]] = {}

    # -- discovering the rows concerned ----------------------------------------------

    def _compute(self, keys: set[Key]) -> None:
        by_table: dict[str, list[str]] = {}
        for t, rid in keys:
            if (t, rid) not in self.plans and t in self.tables:
                by_table.setdefault(t, []).append(rid)
        for t, ids in by_table.items():
            info = self.tables[t]
            known = self.preloaded.get(t, {})
            changes = load_changes(self.con, t, [i for i in ids if i not in known])
            changes.update((i, known[i]) for i in ids if i in known)
            present = _existing_ids(self.con, t, ids)
            self.in_db.setdefault(t, set()).update(present)
            for rid in ids:
                self.plans[(t, rid)] = _Plan(outcome(changes[rid], info.fields))

    def _in_db(self, key: Key) -> bool:
        t, rid = key
        known = self.in_db.setdefault(t, set())
        if rid in known:
            return True
        if key in self.plans or key in self.absent:
            return False
        if _existing_ids(self.con, t, [rid]):
            known.add(rid)
            return True
        self.absent.add(key)
        return False

    def _parent_keys(self, key: Key, plan: _Plan) -> list[tuple[str, Key]]:
        if plan.parent_keys is None:
            plan.parent_keys = self._find_parent_keys(key, plan)
        return plan.parent_keys

    def _find_parent_keys(self, key: Key, plan: _Plan) -> list[tuple[str, Key]]:
        info = self.tables[key[0]]
        out = []
        for fk in info.foreign_keys:
            if not fk.travels:
                continue
            v = plan.outcome.values.get(fk.column)
            if v is not None and isinstance(v.value, str):
                out.append((fk.column, (fk.parent, v.value)))
        return out

    def _decide_alive(self) -> None:
        for plan in self.plans.values():
            plan.alive = plan.outcome.known and plan.outcome.alive
            plan.resurrected_by = None
        # A live row keeps alive the deleted row it cannot exist without.
        changed = True
        while changed:
            changed = False
            for key, plan in list(self.plans.items()):
                if not plan.alive:
                    continue
                info = self.tables[key[0]]
                for column, parent in self._parent_keys(key, plan):
                    if not _requires_parent(info, column):
                        continue
                    pplan = self.plans.get(parent)
                    if pplan is not None and pplan.outcome.known and not pplan.alive:
                        pplan.alive = True
                        pplan.resurrected_by = self._newest_change(key, plan)
                        changed = True

    def _newest_change(self, key: Key, plan: _Plan) -> Change:
        best = max(plan.outcome.values.values(), key=lambda v: v.stamp)
        return Change(best.stamp, DELETE_FIELD, f"{key[0]}:{key[1]}", (), best.device, best.author)

    def discover(self, keys: set[Key]) -> None:
        queue = set(keys)
        while queue:
            self._compute(queue)
            self._decide_alive()
            queue = set()
            dead: dict[str, list[str]] = {}
            for key, plan in self.plans.items():
                if plan.alive:
                    for _column, parent in self._parent_keys(key, plan):
                        if parent not in self.plans and not self._in_db(parent):
                            queue.add(parent)
                elif key[1] in self.in_db.get(key[0], set()):
                    dead.setdefault(key[0], []).append(key[1])
            for t, ids in dead.items():
                for child in _children_in_db(self.con, t, ids):
                    if child not in self.plans:
                        queue.add(child)
            queue -= set(self.plans)

    # -- deciding what each row looks like -------------------------------------------

    def _reference_exists(self, table: str, rid: str) -> bool:
        if table not in self.reference_ids:
            self.reference_ids[table] = {
                r[0] for r in self.con.exec_driver_sql(f"SELECT id FROM {table}")
            }
        return rid in self.reference_ids[table]

    def _parent_materialized(self, parent: Key) -> bool:
        pplan = self.plans.get(parent)
        if pplan is not None:
            return pplan.materialized
        return self._in_db(parent)

    def plan_rows(self) -> None:
        ordered = sorted(self.plans.items(), key=lambda kv: self.tables[kv[0][0]].position)
        for key, plan in ordered:
            info = self.tables[key[0]]
            plan.values = {}
            plan.materialized = False
            plan.state = ""
            plan.reason = ""
            if not plan.alive:
                if not plan.outcome.known and plan.outcome.last_stamp and not plan.outcome.deletion:
                    plan.state = "parked"
                    plan.reason = "insert"
                continue
            values = {name: v.value for name, v in plan.outcome.values.items()}
            for name in info.fields:
                values.setdefault(name, info.defaults.get(name))
            waiting: list[str] = []
            parked = False
            for fk in info.foreign_keys:
                v = values.get(fk.column)
                if v is None:
                    continue
                ok = (
                    self._parent_materialized((fk.parent, v))
                    if fk.travels
                    else self._reference_exists(fk.parent, v)
                )
                if ok:
                    continue
                waiting.append(f"{fk.parent}:{v}")
                if fk.nullable and fk.ondelete != "CASCADE":
                    values[fk.column] = None
                else:
                    parked = True
            if parked:
                plan.state = "parked"
                plan.reason = " ".join(waiting)
                continue
            plan.values = values
            plan.materialized = True
            if waiting:
                plan.state = "nulled"
                plan.reason = " ".join(waiting)

    def _insert_stamp(self, key: Key) -> str:
        plan = self.plans.get(key)
        if plan is not None:
            return plan.outcome.insert_stamp
        row = self.con.exec_driver_sql(
            "SELECT min(stamp) FROM sync_change "
            "WHERE table_name = ? AND row_id = ? AND field = '+'",
            key,
        ).fetchone()
        return str(row[0]) if row and row[0] else ""

    def find_unique_rivals(self) -> set[Key]:
        """Rows outside the plan that collide with a planned row on a unique key."""
        rivals: set[Key] = set()
        for key, plan in self.plans.items():
            info = self.tables[key[0]]
            if not plan.materialized or not info.uniques:
                continue
            for cols in info.uniques:
                vals = [plan.values.get(c) for c in cols]
                if any(v is None for v in vals):
                    continue
                where = " AND ".join(f'"{c}" = ?' for c in cols)
                for r in self.con.exec_driver_sql(
                    f"SELECT id FROM {info.name} WHERE {where} AND id != ?", (*vals, key[1])
                ):
                    if (info.name, r[0]) not in self.plans:
                        rivals.add((info.name, r[0]))
        return rivals

    def settle_uniques(self) -> None:
        for cols_owner in {k[0] for k in self.plans}:
            info = self.tables[cols_owner]
            for cols in info.uniques:
                groups: dict[tuple[Any, ...], list[Key]] = {}
                for key, plan in self.plans.items():
                    if key[0] != info.name or not plan.materialized:
                        continue
                    vals = tuple(plan.values.get(c) for c in cols)
                    if any(v is None for v in vals):
                        continue
                    groups.setdefault(vals, []).append(key)
                for members in groups.values():
                    if len(members) < 2:
                        continue
                    members.sort(key=lambda k: (self._insert_stamp(k), k[1]))
                    first = members[0]
                    fplan = self.plans[first]
                    for loser in members[1:]:
                        lplan = self.plans[loser]
                        lplan.duplicate_of = (
                            first[1],
                            Change(
                                fplan.outcome.insert_stamp or "",
                                DUPLICATE_FIELD,
                                first[1],
                                (),
                                fplan.outcome.insert_device,
                                fplan.outcome.insert_author,
                            ),
                        )
                        nullable = [c for c in cols if c in info.nullable]
                        lplan.state = "duplicate"
                        lplan.reason = f"{info.name}:{first[1]}"
                        if nullable:
                            for c in nullable:
                                lplan.values[c] = None
                        else:
                            lplan.materialized = False
                            lplan.values = {}

    def park_orphans(self) -> None:
        """Rows whose parent ended up parked must wait too (until nothing changes)."""
        changed = True
        while changed:
            changed = False
            for key, plan in sorted(
                self.plans.items(), key=lambda kv: self.tables[kv[0][0]].position
            ):
                if not plan.materialized:
                    continue
                info = self.tables[key[0]]
                for fk in info.foreign_keys:
                    v = plan.values.get(fk.column)
                    if v is None or not fk.travels:
                        continue
                    if self._parent_materialized((fk.parent, v)):
                        continue
                    if fk.nullable and fk.ondelete != "CASCADE":
                        plan.values[fk.column] = None
                        if plan.state == "":
                            plan.state = "nulled"
                        plan.reason = (plan.reason + f" {fk.parent}:{v}").strip()
                    else:
                        plan.materialized = False
                        plan.state = "parked"
                        plan.reason = f"{fk.parent}:{v}"
                        changed = True
                        break

    # -- writing ---------------------------------------------------------------------

    def write(self, tally: Tally | None) -> None:
        by_table: dict[str, list[str]] = {}
        for t, rid in self.plans:
            by_table.setdefault(t, []).append(rid)
        current: dict[str, dict[str, dict[str, Any]]] = {
            t: _current_rows(self.con, self.tables[t], ids) for t, ids in by_table.items()
        }
        now = now_text()
        order = sorted(by_table, key=lambda t: self.tables[t].position)
        # Deletions first, children before parents.
        for t in reversed(order):
            gone = [
                rid
                for rid in by_table[t]
                if rid in current[t] and not self.plans[(t, rid)].materialized
            ]
            for part in chunks(sorted(gone)):
                marks = ",".join("?" * len(part))
                self.con.exec_driver_sql(f"DELETE FROM {t} WHERE id IN ({marks})", tuple(part))
            if tally is not None:
                for rid in gone:
                    plan = self.plans[(t, rid)]
                    d = plan.outcome.deletion
                    if d is not None and not plan.alive:
                        tally.deleted[(d.device, d.author)] += 1
                    else:
                        tally.parked += 1
        readded = self._vacate_unique_values(order, by_table, current)
        for t in order:
            info = self.tables[t]
            cols = info.fields
            inserts: list[tuple[Any, ...]] = []
            for rid in sorted(by_table[t]):
                plan = self.plans[(t, rid)]
                if not plan.materialized:
                    continue
                old = current[t].get(rid)
                if old is None:
                    inserts.append((rid, *(plan.values[c] for c in cols), now))
                    if tally is not None and (t, rid) not in readded:
                        o = plan.outcome
                        tally.added[(o.insert_device, o.insert_author)] += 1
                    continue
                diff = [c for c in cols if not same_value(old.get(c), plan.values[c])]
                if not diff:
                    continue
                sets = ", ".join(f'"{c}" = ?' for c in diff)
                self.con.exec_driver_sql(
                    f'UPDATE {t} SET {sets}, "updated_at" = ? WHERE id = ?',
                    (*(plan.values[c] for c in diff), now, rid),
                )
                if tally is not None:
                    who = {
                        (v.device, v.author)
                        for c in diff
                        if (v := plan.outcome.values.get(c)) is not None
                    }
                    for w in who:
                        tally.changed[w] += 1
            if inserts:
                names = ", ".join(f'"{c}"' for c in ("id", *cols, "updated_at"))
                marks = ", ".join("?" * (len(cols) + 2))
                self.con.exec_driver_sql(f"INSERT INTO {t} ({names}) VALUES ({marks})", inserts)
        self._write_states(by_table)
        write_conflicts(self.con, self, by_table, tally, self.local_device)

    def _vacate_unique_values(
        self,
        order: list[str],
        by_table: dict[str, list[str]],
        current: dict[str, dict[str, dict[str, Any]]],
    ) -> set[Key]:
        """Free the unique values that rows are about to change, before any is written.

        Two sessions renumbered 61 and 62 the other way round would otherwise collide
        half-way through. A nullable value is emptied first; a row of a table nothing
        refers to is taken out and put back. Returns the rows taken out.
        """
        readded: set[Key] = set()
        for t in order:
            info = self.tables[t]
            if not info.uniques:
                continue
            unique_cols = {c for cols in info.uniques for c in cols}
            for rid in sorted(by_table[t]):
                plan = self.plans[(t, rid)]
                old = current[t].get(rid)
                if old is None or not plan.materialized:
                    continue
                moving = [c for c in unique_cols if not same_value(old[c], plan.values[c])]
                if not moving:
                    continue
                if all(c in info.nullable for c in moving):
                    sets = ", ".join(f'"{c}" = NULL' for c in moving)
                    self.con.exec_driver_sql(f"UPDATE {t} SET {sets} WHERE id = ?", (rid,))
                    for c in moving:
                        old[c] = None
                elif not children_of(t):
                    self.con.exec_driver_sql(f"DELETE FROM {t} WHERE id = ?", (rid,))
                    del current[t][rid]
                    readded.add((t, rid))
        return readded

    def _write_states(self, by_table: dict[str, list[str]]) -> None:
        now = now_text()
        for t, ids in by_table.items():
            for part in chunks(sorted(ids)):
                marks = ",".join("?" * len(part))
                self.con.exec_driver_sql(
                    f"DELETE FROM sync_row_state WHERE table_name = ? AND row_id IN ({marks})",
                    (t, *part),
                )
        rows = [
            (
                uuid.uuid4().hex,
                t,
                rid,
                plan.state,
                plan.outcome.last_stamp or None,
                plan.reason,
                now,
                now,
            )
            for (t, rid), plan in self.plans.items()
            if plan.state
        ]
        if rows:
            self.con.exec_driver_sql(
                "INSERT INTO sync_row_state (id, table_name, row_id, state, stamp, reason, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def wanted_conflicts(self, key: Key) -> list[WantedConflict]:
        plan = self.plans[key]
        o = plan.outcome
        out: list[WantedConflict] = []
        if plan.alive:
            out += [WantedConflict(c.field, c.winner, c.other) for c in o.conflicts]
            if o.deletion is not None and o.kept_by is not None:
                out.append(WantedConflict(DELETE_FIELD, o.kept_by, o.deletion))
            elif o.deletion is not None and plan.resurrected_by is not None:
                out.append(WantedConflict(DELETE_FIELD, plan.resurrected_by, o.deletion))
        if plan.duplicate_of is not None and plan.alive:
            first = plan.duplicate_of[1]
            mine = Change(
                o.insert_stamp, DUPLICATE_FIELD, key[1], (), o.insert_device, o.insert_author
            )
            out.append(WantedConflict(DUPLICATE_FIELD, first, mine))
        return out


def write_conflicts(
    con: Connection,
    m: _Materializer,
    by_table: dict[str, list[str]],
    tally: Tally | None,
    local_device: str | None,
) -> None:
    """Bring ``sync_conflict`` in line with the log for the rows planned."""
    now = now_text()
    for t, ids in by_table.items():
        existing: dict[tuple[str, str, str, str], str] = {}
        for part in chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            for cid, rid, fld, ws, os_ in con.exec_driver_sql(
                "SELECT id, row_id, field, winner_stamp, other_stamp FROM sync_conflict "
                f"WHERE open = 1 AND table_name = ? AND row_id IN ({marks})",
                (t, *part),
            ):
                existing[(rid, fld, ws, os_)] = cid
        wanted: dict[tuple[str, str, str, str], WantedConflict] = {}
        for rid in ids:
            for w in m.wanted_conflicts((t, rid)):
                wanted[(rid, w.field, w.winner.stamp, w.other.stamp)] = w
        gone = [cid for k, cid in existing.items() if k not in wanted]
        for part in chunks(sorted(gone)):
            marks = ",".join("?" * len(part))
            con.exec_driver_sql(
                f"UPDATE sync_conflict SET open = 0, resolved_at = ?, updated_at = ? "
                f"WHERE id IN ({marks})",
                (now, now, *part),
            )
        new = [(k, w) for k, w in wanted.items() if k not in existing]
        if not new:
            continue
        con.exec_driver_sql(
            "INSERT INTO sync_conflict (id, table_name, row_id, field, winner_stamp, "
            "winner_value, winner_author, winner_device, other_stamp, other_value, "
            "other_author, other_device, open, resolved_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)",
            [
                (
                    uuid.uuid4().hex,
                    t,
                    k[0],
                    w.field,
                    w.winner.stamp,
                    w.winner.value,
                    w.winner.author,
                    w.winner.device or None,
                    w.other.stamp,
                    w.other.value,
                    w.other.author,
                    w.other.device or None,
                    now,
                    now,
                )
                for k, w in new
            ],
        )
        if tally is not None:
            for _k, w in new:
                side = w.other if w.other.device != local_device else w.winner
                tally.conflicts[(side.device, side.author)] += 1


def parked_keys(con: Connection) -> set[Key]:
    """Rows waiting for something: looked at again by every merge."""
    return {
        (r[0], r[1]) for r in con.exec_driver_sql("SELECT table_name, row_id FROM sync_row_state")
    }


def materialize(
    con: Connection,
    keys: Iterable[Key],
    *,
    tally: Tally | None = None,
    local_device: str | None = None,
    include_parked: bool = True,
    preloaded: dict[str, dict[str, list[Change]]] | None = None,
) -> None:
    """Make the tables hold, for ``keys`` (and rows that depend on them), what the log says.

    ``preloaded`` gives, by table and row id, the complete history of rows the caller
    knows the log held nothing about before (it saves reading back what was just written).
    """
    wanted = {k for k in keys if k[0] in travelling()}
    # An erased person's data never comes back, whatever the incoming changes hold.
    wanted |= enforce_erasures(con, wanted)
    if include_parked:
        wanted |= parked_keys(con)
    if not wanted:
        return
    m = _Materializer(con, local_device)
    m.preloaded = preloaded or {}
    while True:
        m.discover(wanted)
        m.plan_rows()
        m.park_orphans()
        rivals = m.find_unique_rivals()
        if not rivals:
            break
        wanted = rivals
    m.settle_uniques()
    m.park_orphans()
    m.write(tally)


def stamp_time(stamp: str) -> str:
    """The wall-clock time of a stamp, as SQLite stores SQLAlchemy's DateTime (UTC)."""
    return _stamp_time(stamp)
