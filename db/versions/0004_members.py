"""Members and personal data: the register of erased people and the audit log.

Written by hand and reviewed: it only creates two new tables, so an older file loses
nothing. Consent flags, the information notice and the retention period need no
schema change (``person`` already has the flags; the others are rows of ``setting``).

Revision ID: 0004_members
Revises: 0003_sync
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_members"
down_revision: str | None = "0003_sync"
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
        "person_erasure",
        sa.Column("erased_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_erasure")),
    )
    op.create_table(
        "privacy_audit",
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
    )


def downgrade() -> None:
    op.drop_table("privacy_audit")
    op.drop_table("person_erasure")
