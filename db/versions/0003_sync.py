"""Sharing between laptops: identity, change log, conflicts, row states, files seen.

Written by hand and reviewed: it only creates new tables and indexes, so an older file
loses nothing. The rows an older file already holds are entered in the change log when
the laptop first creates or joins a shared workspace, not here.

Revision ID: 0003_sync
Revises: 0002_search
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sync"
down_revision: str | None = "0002_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sync_identity",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("device_name", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=True),
        sa.Column("clock", sa.String(length=40), nullable=True),
        sa.Column("binding", sa.Text(), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("shared_dir", sa.Text(), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(), nullable=True),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_identity")),
    )
    op.create_table(
        "sync_change",
        sa.Column("stamp", sa.String(length=40), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("parents", sa.Text(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("bundle", sa.String(length=128), nullable=True),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_change")),
    )
    op.create_index("ix_sync_change_row", "sync_change", ["table_name", "row_id"])
    op.create_index(
        "ix_sync_change_unpublished",
        "sync_change",
        ["stamp"],
        sqlite_where=sa.text("bundle IS NULL"),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("winner_stamp", sa.String(length=40), nullable=False),
        sa.Column("winner_value", sa.LargeBinary(), nullable=True),
        sa.Column("winner_author", sa.Text(), nullable=False),
        sa.Column("winner_device", sa.Uuid(), nullable=True),
        sa.Column("other_stamp", sa.String(length=40), nullable=False),
        sa.Column("other_value", sa.LargeBinary(), nullable=True),
        sa.Column("other_author", sa.Text(), nullable=False),
        sa.Column("other_device", sa.Uuid(), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index("ix_sync_conflict_row", "sync_conflict", ["table_name", "row_id"])
    op.create_table(
        "sync_row_state",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stamp", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_row_state")),
    )
    op.create_index(
        "ix_sync_row_state_row", "sync_row_state", ["table_name", "row_id"], unique=True
    )
    op.create_table(
        "sync_file",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_file")),
    )
    op.create_index("ix_sync_file_name", "sync_file", ["name"])


def downgrade() -> None:
    for index, table in (
        ("ix_sync_file_name", "sync_file"),
        ("ix_sync_row_state_row", "sync_row_state"),
        ("ix_sync_conflict_row", "sync_conflict"),
        ("ix_sync_change_unpublished", "sync_change"),
        ("ix_sync_change_row", "sync_change"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("sync_file", "sync_row_state", "sync_conflict", "sync_change", "sync_identity"):
        op.drop_table(table)
