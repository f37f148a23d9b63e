"""Which tables travel between laptops, and what the merge needs to know about them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, LargeBinary, Table, UniqueConstraint

from alliance_desktop.storage.models import Base

# Reference data is the same on every laptop (ids derived from codes): it never travels.
LOCAL_TABLES = frozenset({"theme", "stage"})
# Columns that are not data: the key is the row id, and ``updated_at`` is the time this
# laptop's copy last changed (each laptop sets its own, so it never conflicts).
NOT_FIELDS = frozenset({"id", "updated_at"})


@dataclass(frozen=True)
class ForeignKeyInfo:
    """A reference from a column to another table's row."""

    column: str
    parent: str
    ondelete: str  # "CASCADE", "SET NULL", or "" (no action)
    nullable: bool
    travels: bool  # whether the parent table travels (else it is reference data)


@dataclass(frozen=True)
class TableInfo:
    """What the merge must know about one travelling table."""

    name: str
    fields: tuple[str, ...]
    blobs: frozenset[str]
    nullable: frozenset[str]
    foreign_keys: tuple[ForeignKeyInfo, ...]
    uniques: tuple[tuple[str, ...], ...]
    position: int  # in an order where parents come before the rows that refer to them
    # Stored values for fields a row created by an older version does not carry.
    defaults: dict[str, Any]

    def fk(self, column: str) -> ForeignKeyInfo | None:
        """The foreign key on ``column``, if there is one."""
        for fk in self.foreign_keys:
            if fk.column == column:
                return fk
        return None


def _defaults(columns: list[Column[object]]) -> dict[str, Any]:
    # Only constant defaults: every laptop must fill a missing field with the same value.
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    out: dict[str, Any] = {}
    for c in columns:
        default = c.default
        if default is None or not getattr(default, "is_scalar", False):
            continue
        value = getattr(default, "arg", None)
        proc = c.type.dialect_impl(dialect).bind_processor(dialect)
        out[c.name] = proc(value) if proc else value
    return out


def _info(table: Table, position: int) -> TableInfo:
    columns: list[Column[object]] = [c for c in table.columns if c.name not in NOT_FIELDS]
    fks = []
    for c in columns:
        for fk in c.foreign_keys:
            parent = fk.column.table.name
            fks.append(
                ForeignKeyInfo(
                    column=c.name,
                    parent=parent,
                    ondelete=(fk.ondelete or "").upper(),
                    nullable=bool(c.nullable),
                    travels=parent not in LOCAL_TABLES,
                )
            )
    uniques = tuple(
        tuple(col.name for col in cons.columns)
        for cons in table.constraints
        if isinstance(cons, UniqueConstraint)
    )
    uniques += tuple((c.name,) for c in columns if c.unique)
    return TableInfo(
        name=table.name,
        fields=tuple(c.name for c in columns),
        blobs=frozenset(c.name for c in columns if isinstance(c.type, LargeBinary)),
        nullable=frozenset(c.name for c in columns if c.nullable),
        foreign_keys=tuple(fks),
        uniques=tuple(dict.fromkeys(uniques)),
        position=position,
        defaults=_defaults(columns),
    )


@functools.cache
def travelling() -> dict[str, TableInfo]:
    """Every travelling table by name, parents before children."""
    # The sharing tables must be registered before the order of tables is computed.
    import alliance_desktop.storage.sync_models  # noqa: F401

    out: dict[str, TableInfo] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in LOCAL_TABLES or table.name.startswith("sync_"):
            continue
        out[table.name] = _info(table, len(out))
    return out


@functools.cache
def children_of(parent: str) -> tuple[tuple[str, ForeignKeyInfo], ...]:
    """The (table, foreign key) pairs that refer to ``parent``."""
    return tuple(
        (info.name, fk)
        for info in travelling().values()
        for fk in info.foreign_keys
        if fk.parent == parent
    )
