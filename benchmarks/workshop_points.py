"""Adding a point on the board: from the Enter key to the committed row and the updated view.

On a private copy of the five-year database, the window's board of a session is fed
points as a facilitator types them; each timing starts when Enter is pressed and ends
when the row is committed (synchronous=FULL), the column's model holds the point and
the pending paint events are processed. In the same run, alternating, a raw baseline:
one INSERT and COMMIT of a point row through sqlite3 with the same pragmas.

    python -m benchmarks.workshop_points [--points N]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.workshop_common import add_big_session, private_copy, summary


def raw_insert(path: Path, meeting_id: uuid.UUID, n: int) -> float:
    """Seconds for one INSERT and COMMIT of a point row, application pragmas on."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        start = time.perf_counter()
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO point (id, meeting_id, kind, text, position, created_at, updated_at) "
            "VALUES (?, ?, 'consensus', ?, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            (uuid.uuid4().hex, meeting_id.hex, f"Ligne brute n° {n}", 10_000.0 + n),
        )
        con.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="alliance-bench-points-"))
    path = private_copy(folder)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from alliance_desktop.app import build_main_window, make_application
    from alliance_desktop.core import enums as e
    from alliance_desktop.storage.database import open_database

    db = open_database(path)
    meeting_id = add_big_session(db)
    app = make_application()
    window = build_main_window(db)
    window.resize(1366, 728)
    window.show()
    app.processEvents()
    window.select_row(window.model.row_of(meeting_id))
    assert window.open_workshop("board")
    board = window.workshop().board
    kinds = list(e.PointKind)
    app_times: list[float] = []
    raw_times: list[float] = []
    # Warm-up: the first insert pays for statement compilation and the ORM's mappers.
    for i in range(5):
        draft = board.columns[kinds[i % 3]].draft
        draft.setText(f"Échauffement {i}")
        QTest.keyClick(draft, Qt.Key.Key_Return)
    for i in range(args.points):
        kind = kinds[i % 3]
        column = board.columns[kind]
        draft = column.draft
        draft.setFocus()
        draft.setText(f"Point n° {i} : « réduire », l'œuvre commune à ça.")
        before = column.model.rowCount()
        # The typing has been shown already: the timing starts at the Enter key alone.
        app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(draft, Qt.Key.Key_Return)
        app.processEvents()
        app_times.append(time.perf_counter() - start)
        assert column.model.rowCount() == before + 1 and not draft.text()
        raw_times.append(raw_insert(path, meeting_id, i))
    window.close()
    db.close()
    print(f"database: copy of the five-year database, session of {len(board.points())} points")
    print(summary("raw sqlite3 INSERT + COMMIT (baseline)", raw_times))
    print(summary("Enter -> committed point and updated board", app_times))


if __name__ == "__main__":
    main()
