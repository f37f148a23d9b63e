"""Full-text search index (FTS5) over points, notes, levers and harvest items.

Revision ID: 0002_search
Revises: 0001_initial
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

# The index as version 0002 made it, frozen here: later versions change it in their
# own migrations (0005 keys it by rowid through a map).
DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(body, kind UNINDEXED, item_id UNINDEXED, meeting_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS point_search_ai AFTER INSERT ON point BEGIN INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text, 'point', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS point_search_ad AFTER DELETE ON point BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'point'; END",
    "CREATE TRIGGER IF NOT EXISTS point_search_au AFTER UPDATE ON point BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'point'; INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text, 'point', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS listening_note_search_ai AFTER INSERT ON listening_note BEGIN INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text, 'note', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS listening_note_search_ad AFTER DELETE ON listening_note BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'note'; END",
    "CREATE TRIGGER IF NOT EXISTS listening_note_search_au AFTER UPDATE ON listening_note BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'note'; INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text, 'note', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS lever_search_ai AFTER INSERT ON lever BEGIN INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (coalesce(NEW.heading, '') || ' ' || NEW.text, 'lever', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS lever_search_ad AFTER DELETE ON lever BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'lever'; END",
    "CREATE TRIGGER IF NOT EXISTS lever_search_au AFTER UPDATE ON lever BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'lever'; INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (coalesce(NEW.heading, '') || ' ' || NEW.text, 'lever', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS harvest_item_search_ai AFTER INSERT ON harvest_item BEGIN INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text || ' ' || coalesce(NEW.partner_label, ''), 'harvest', NEW.id, NEW.meeting_id); END",
    "CREATE TRIGGER IF NOT EXISTS harvest_item_search_ad AFTER DELETE ON harvest_item BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'harvest'; END",
    "CREATE TRIGGER IF NOT EXISTS harvest_item_search_au AFTER UPDATE ON harvest_item BEGIN DELETE FROM search_index WHERE item_id = OLD.id AND kind = 'harvest'; INSERT INTO search_index(body, kind, item_id, meeting_id) VALUES (NEW.text || ' ' || coalesce(NEW.partner_label, ''), 'harvest', NEW.id, NEW.meeting_id); END",
]

REBUILD = [
    "DELETE FROM search_index",
    "INSERT INTO search_index(body, kind, item_id, meeting_id) SELECT text, 'point', id, meeting_id FROM point",
    "INSERT INTO search_index(body, kind, item_id, meeting_id) SELECT text, 'note', id, meeting_id FROM listening_note",
    "INSERT INTO search_index(body, kind, item_id, meeting_id) SELECT coalesce(heading, '') || ' ' || text, 'lever', id, meeting_id FROM lever",
    "INSERT INTO search_index(body, kind, item_id, meeting_id) SELECT text || ' ' || coalesce(partner_label, ''), 'harvest', id, meeting_id FROM harvest_item",
]

TABLES = ["point", "listening_note", "lever", "harvest_item"]

revision: str = "0002_search"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for stmt in DDL:
        op.execute(stmt)
    # Index what older files already hold.
    for stmt in REBUILD:
        op.execute(stmt)


def downgrade() -> None:
    for table in TABLES:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute("DROP TABLE IF EXISTS search_index")
