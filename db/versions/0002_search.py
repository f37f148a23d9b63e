"""Full-text search index (FTS5) over points, notes, levers and harvest items.

Revision ID: 0002_search
Revises: 0001_initial
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

from alliance_desktop.storage import search

revision: str = "0002_search"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for stmt in search.ddl():
        op.execute(stmt)
    # Index what older files already hold.
    for stmt in search.rebuild_statements():
        op.execute(stmt)


def downgrade() -> None:
    for table, _kind, _expr in search.INDEXED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute("DROP TABLE IF EXISTS search_index")
