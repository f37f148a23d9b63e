"""Search index keyed by rowid through a map: edits no longer scan the whole index.

Revision ID: 0005_search_map
Revises: 0004_members
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_search_map"
down_revision: str | None = "0004_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = (
    ("point", "point", "NEW.text"),
    ("listening_note", "note", "NEW.text"),
    ("lever", "lever", "coalesce(NEW.heading, '') || ' ' || NEW.text"),
    ("harvest_item", "harvest", "NEW.text || ' ' || coalesce(NEW.partner_label, '')"),
)
MAP = "search_index_map"


def _triggers(table: str, kind: str, expr: str) -> list[str]:
    insert = (
        f"INSERT INTO search_index(body, kind, item_id, meeting_id) "
        f"VALUES ({expr}, '{kind}', NEW.id, NEW.meeting_id); "
        f"INSERT OR REPLACE INTO {MAP}(item_id, kind, fts_rowid) "
        f"VALUES (NEW.id, '{kind}', last_insert_rowid())"
    )
    delete = (
        f"DELETE FROM search_index WHERE rowid IN "
        f"(SELECT fts_rowid FROM {MAP} WHERE item_id = OLD.id AND kind = '{kind}'); "
        f"DELETE FROM {MAP} WHERE item_id = OLD.id AND kind = '{kind}'"
    )
    return [
        f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert}; END",
        f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {delete}; END",
        f"CREATE TRIGGER {table}_search_au AFTER UPDATE ON {table} BEGIN {delete}; {insert}; END",
    ]


def upgrade() -> None:
    for table, _kind, _expr in INDEXED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute(
        f"CREATE TABLE {MAP} (item_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "fts_rowid INTEGER NOT NULL, PRIMARY KEY (item_id, kind)) WITHOUT ROWID"
    )
    for table, kind, expr in INDEXED:
        for stmt in _triggers(table, kind, expr):
            op.execute(stmt)
    # Rebuild the index so that every entry has its line in the map.
    op.execute("DELETE FROM search_index")
    for table, kind, expr in INDEXED:
        op.execute(
            f"INSERT INTO search_index(body, kind, item_id, meeting_id) "
            f"SELECT {expr.replace('NEW.', '')}, '{kind}', id, meeting_id FROM {table}"
        )
    op.execute(
        f"INSERT INTO {MAP}(item_id, kind, fts_rowid) SELECT item_id, kind, rowid FROM search_index"
    )


def downgrade() -> None:
    for table, _kind, _expr in INDEXED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {MAP}")
    for table, kind, expr in INDEXED:
        insert = (
            f"INSERT INTO search_index(body, kind, item_id, meeting_id) "
            f"VALUES ({expr}, '{kind}', NEW.id, NEW.meeting_id)"
        )
        delete = f"DELETE FROM search_index WHERE item_id = OLD.id AND kind = '{kind}'"
        op.execute(f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert}; END")
        op.execute(f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {delete}; END")
        op.execute(
            f"CREATE TRIGGER {table}_search_au AFTER UPDATE ON {table} "
            f"BEGIN {delete}; {insert}; END"
        )
