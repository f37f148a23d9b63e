"""Full-text search over points, listening notes, levers and harvest items (SQLite FTS5).

The index is an ordinary FTS5 table kept up to date by triggers, keyed by the rows'
UUIDs: an external-content table would key on ``rowid``, which ``VACUUM`` may renumber
on tables without an integer primary key.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, text

# (table, kind stored in the index, expression giving the indexed text)
INDEXED = (
    ("point", "point", "NEW.text"),
    ("listening_note", "note", "NEW.text"),
    ("lever", "lever", "coalesce(NEW.heading, '') || ' ' || NEW.text"),
    ("harvest_item", "harvest", "NEW.text || ' ' || coalesce(NEW.partner_label, '')"),
)


MAP = "search_index_map"


def _triggers(table: str, kind: str, expr: str) -> list[str]:
    # The index's own item_id column is UNINDEXED: finding a row by it scans the whole
    # index (a 10,000-edit pull took half a minute). The map finds the index row by its
    # rowid instead, with a primary-key lookup.
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


def ddl() -> list[str]:
    """The statements that create the index, its map and its triggers."""
    stmts = [
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, kind UNINDEXED, item_id UNINDEXED, meeting_id UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TABLE {MAP} (item_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "fts_rowid INTEGER NOT NULL, PRIMARY KEY (item_id, kind)) WITHOUT ROWID",
    ]
    for table, kind, expr in INDEXED:
        stmts += _triggers(table, kind, expr)
    return stmts


def drop_triggers_statements() -> list[str]:
    """Statements dropping the triggers (a migration replaces them)."""
    return [
        f"DROP TRIGGER IF EXISTS {table}_search_{suffix}"
        for table, _kind, _expr in INDEXED
        for suffix in ("ai", "ad", "au")
    ]


def rebuild_statements() -> list[str]:
    """Statements that fill the index and its map from the existing rows."""
    stmts = ["DELETE FROM search_index", f"DELETE FROM {MAP}"]
    for table, kind, expr in INDEXED:
        body = expr.replace("NEW.", "")
        stmts.append(
            f"INSERT INTO search_index(body, kind, item_id, meeting_id) "
            f"SELECT {body}, '{kind}', id, meeting_id FROM {table}"
        )
    # One full read of the index, once, to learn the rowids it gave.
    stmts.append(
        f"INSERT INTO {MAP}(item_id, kind, fts_rowid) SELECT item_id, kind, rowid FROM search_index"
    )
    return stmts


def create_index(con: Connection) -> None:
    """Create the index and triggers on a new database."""
    for stmt in ddl():
        con.exec_driver_sql(stmt)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    item_id: uuid.UUID
    meeting_id: uuid.UUID | None
    snippet: str


def to_match_query(query: str) -> str:
    """A safe FTS5 query from what the user typed: every word must appear, as a prefix.

    User text is never passed to MATCH as is: quotes, ``-`` or ``NEAR`` would be read as
    FTS5 syntax and raise errors.
    """
    words = re.findall(r"\w+", query, flags=re.UNICODE)
    return " AND ".join(_word_query(w) for w in words)


# The index folds accents (é → e) but not the ligatures œ and æ, and French is typed
# both ways: « cœur » on a Mac, « coeur » on most PC keyboards. A word is looked up in
# both spellings.
_LIGATURES = (("oe", "œ"), ("ae", "æ"))


def _word_query(word: str) -> str:
    low = word.lower()
    variants = {low}
    for plain, ligature in _LIGATURES:
        variants |= {v.replace(plain, ligature) for v in variants}
        variants |= {v.replace(ligature, plain) for v in variants}
    if len(variants) == 1:
        return f'"{low}"*'
    return "(" + " OR ".join(f'"{v}"*' for v in sorted(variants)) + ")"


def search(con: Connection, query: str, limit: int = 200) -> list[Hit]:
    """The best matches for ``query``, most relevant first."""
    match = to_match_query(query)
    if not match:
        return []
    rows = con.execute(
        text(
            "SELECT kind, item_id, meeting_id, "
            "snippet(search_index, 0, '[', ']', '…', 12) "
            "FROM search_index WHERE search_index MATCH :q ORDER BY rank LIMIT :n"
        ),
        {"q": match, "n": limit},
    )
    hits = []
    for kind, item_id, meeting_id, snip in rows:
        hits.append(
            Hit(
                kind,
                uuid.UUID(hex=item_id),
                uuid.UUID(hex=meeting_id) if meeting_id else None,
                snip,
            )
        )
    return hits
