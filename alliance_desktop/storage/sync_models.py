"""Tables of the sharing engine: identity, change log (history), conflicts, files seen.

The change log is the source of truth: every value any record ever held, with who set it
and when, is one row of :class:`ChangeRecord`, and the ordinary tables hold what the log
says is current. Everything else here is bookkeeping about the shared folder.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, Text, Uuid, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from alliance_desktop.storage.models import Base


class RawValue(TypeDecorator[Any]):
    """A column that keeps whatever SQLite storage value it is given (text, number, bytes).

    Values travel as SQLite stored them, so that applying a change is writing it back,
    with no conversion that could differ between two versions of the application.
    """

    impl = LargeBinary
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        """No conversion on the way in."""
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        """No conversion on the way out."""
        return None


class SyncIdentity(Base):
    """The identity of a database as a replica: one row."""

    __tablename__ = "sync_identity"

    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_name: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The greatest clock stamp issued or observed (see core.hlc).
    clock: Mapped[str | None] = mapped_column(String(40))
    # Where the database was when the device id was given: a copy elsewhere gets a new id.
    binding: Mapped[str] = mapped_column(Text, default="")
    next_seq: Mapped[int] = mapped_column(Integer, default=1)
    shared_dir: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Rows changed after this (by their ``updated_at``) are compared with the log before
    # publishing, in case a write bypassed the capture (see sync_capture.reconcile).
    reconciled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ChangeRecord(Base):
    """One change of one field of one row (or the creation or deletion of a row).

    The id is derived from (table, row, field, stamp), so the same change received twice
    is stored once.
    """

    __tablename__ = "sync_change"
    __table_args__ = (
        Index("ix_sync_change_row", "table_name", "row_id"),
        # Only local changes not yet published: kept tiny, read by every publish.
        Index("ix_sync_change_unpublished", "stamp", sqlite_where=text("bundle IS NULL")),
    )

    stamp: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(RawValue, nullable=True)
    # Stamps of the values this change replaced, space-separated (the first is the base).
    parents: Mapped[str] = mapped_column(Text, default="")
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    author: Mapped[str] = mapped_column(Text, default="")
    # The bundle that brought it, or that published it; NULL: local, not yet published.
    bundle: Mapped[str | None] = mapped_column(String(128))


class Conflict(Base):
    """Two concurrent different values of one field, or a deletion concurrent with edits.

    ``field`` is a column name, or ``-`` for a row deleted on one laptop and edited (or
    given new content) on another. The winner is provisional until someone decides.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_row", "table_name", "row_id"),)

    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(64))
    winner_stamp: Mapped[str] = mapped_column(String(40))
    winner_value: Mapped[Any] = mapped_column(RawValue, nullable=True)
    winner_author: Mapped[str] = mapped_column(Text, default="")
    winner_device: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    other_stamp: Mapped[str] = mapped_column(String(40))
    other_value: Mapped[Any] = mapped_column(RawValue, nullable=True)
    other_author: Mapped[str] = mapped_column(Text, default="")
    other_device: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RowState(Base):
    """A row the log knows but the table does not show: deleted, or waiting for a parent.

    A tombstone keeps the deletion's memory, so that an old bundle cannot bring the row
    back unnoticed; a parked row waits for the record it refers to (a session, a person)
    to arrive from another laptop.
    """

    __tablename__ = "sync_row_state"
    __table_args__ = (Index("ix_sync_row_state_row", "table_name", "row_id", unique=True),)

    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    state: Mapped[str] = mapped_column(String(16))  # "deleted" or "parked"
    stamp: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")


class SeenFile(Base):
    """A file of the shared folder this laptop has dealt with: merged, published, set aside."""

    __tablename__ = "sync_file"
    __table_args__ = (Index("ix_sync_file_name", "name"),)

    name: Mapped[str] = mapped_column(Text)  # the path relative to the shared folder
    kind: Mapped[str] = mapped_column(String(16))  # bundle, snapshot, foreign
    status: Mapped[str] = mapped_column(String(16))  # merged, published, set_aside, reported
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    author: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")


# Importing the models is what every database opening does: the change capture must be
# listening from then on, whoever opens the file.
# (The capture module installs its listeners at the end of its own import, which may
# still be under way when this line runs inside a chain of imports.)
import alliance_desktop.storage.sync_capture  # noqa: E402, F401
