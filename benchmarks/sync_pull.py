"""Pulling 10,000 changes from the shared folder, next to a raw bulk insert of the same rows.

Two laptops share a workspace. Anne records 10,000 new points (the explicit logging
function for bulk writes is timed too) and publishes them as one bundle; Bruno pulls it:
copy and check of the bundle, backup, then the merge transaction. The baseline, timed in
the same run on a copy of Bruno's database taken just before the pull, is one
``executemany`` of the same 10,000 rows into the same table (same pragmas, same search
triggers), in one transaction. With ``--edits``, a second scenario pulls 10,000 edits
of existing points against a raw ``UPDATE`` of the same rows. Targets: pull at most 1 s
and at most 5 times the raw insert.

    python -m benchmarks.sync_pull [--changes N] [--runs N] [--edits]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import insert, update

from alliance_desktop.core import enums as e
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_capture, sync_engine
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Meeting, Point


def _rows(meeting: uuid.UUID, n: int) -> list[dict[str, object]]:
    now = dt.datetime(2026, 1, 1)
    return [
        {
            "id": uuid.uuid4(),
            "meeting_id": meeting,
            "kind": e.PointKind.CONSENSUS,
            "text": f"Point numéro {i} : la sobriété « énergétique » et l'œuvre commune.",
            "position": float(i),
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]


def _raw_insert(
    db_path: Path, table: str, rows: Sequence[tuple[object, ...]], cols: list[str]
) -> float:
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    marks = ", ".join("?" * len(cols))
    names = ", ".join(cols)
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def _setup(root: Path) -> tuple[Database, Database, Path, uuid.UUID]:
    shared = root / "shared"
    shared.mkdir()
    a = open_database(root / "anne.sqlite3")
    with a.session() as s:
        m = Meeting(date=dt.date(2026, 3, 11), title="Rencontres")
        s.add(m)
        s.flush()
        meeting = m.id
    sharing.sync(a, shared, backup_dir=root / "backups")
    b = open_database(root / "bruno.sqlite3")
    sharing.sync(b, shared, backup_dir=root / "backups")
    return a, b, shared, meeting


def run_inserts(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["ALLIANCE_DESKTOP_HOME"] = str(root / "home")
        a, b, shared, meeting = _setup(root)
        rows = _rows(meeting, n)
        t0 = time.perf_counter()
        with a.session() as s:
            s.execute(insert(Point), rows)
            sync_capture.record_rows(s.connection(), "point", [r["id"] for r in rows])
        record = time.perf_counter() - t0
        t0 = time.perf_counter()
        sync_engine.publish(a, shared)
        publish = time.perf_counter() - t0
        # Baseline: the same rows, as SQLite stores them, into a copy of Bruno's file.
        b.close()
        base_copy = root / "baseline.sqlite3"
        shutil.copy(root / "bruno.sqlite3", base_copy)
        cols = ["id", "meeting_id", "kind", "text", "position", "created_at", "updated_at"]
        raw = [
            (
                r["id"].hex,  # type: ignore[attr-defined]
                meeting.hex,
                "consensus",
                r["text"],
                r["position"],
                "2026-01-01 00:00:00.000000",
                "2026-01-01 00:00:00.000000",
            )
            for r in rows
        ]
        baseline = _raw_insert(base_copy, "point", raw, cols)
        b = open_database(root / "bruno.sqlite3")
        t0 = time.perf_counter()
        out = sync_engine.pull(b, shared, backup_dir=root / "backups")
        pull = time.perf_counter() - t0
        assert out.new_changes == n, out
        a.close()
        b.close()
        return {"record": record, "publish": publish, "pull": pull, "baseline": baseline}


def run_edits(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["ALLIANCE_DESKTOP_HOME"] = str(root / "home")
        a, b, shared, meeting = _setup(root)
        rows = _rows(meeting, n)
        with a.session() as s:
            s.execute(insert(Point), rows)
            sync_capture.record_rows(s.connection(), "point", [r["id"] for r in rows])
        sharing.sync(a, shared, backup_dir=root / "backups")
        sharing.sync(b, shared, backup_dir=root / "backups")
        ids = [r["id"] for r in rows]
        with a.session() as s:
            s.execute(
                update(Point).where(Point.meeting_id == meeting).values(text=Point.text + " (revu)")
            )
            sync_capture.record_rows(s.connection(), "point", ids)
        sync_engine.publish(a, shared)
        b.close()
        base_copy = root / "baseline.sqlite3"
        shutil.copy(root / "bruno.sqlite3", base_copy)
        con = sqlite3.connect(base_copy, isolation_level=None)
        con.execute("PRAGMA synchronous=FULL")
        t0 = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(
            "UPDATE point SET text = text || ' (revu)', updated_at = ? WHERE id = ?",
            [("2026-01-02 00:00:00.000000", i.hex) for i in ids],  # type: ignore[attr-defined]
        )
        con.execute("COMMIT")
        baseline = time.perf_counter() - t0
        con.close()
        b = open_database(root / "bruno.sqlite3")
        t0 = time.perf_counter()
        out = sync_engine.pull(b, shared, backup_dir=root / "backups")
        pull = time.perf_counter() - t0
        assert out.new_changes == n, out
        a.close()
        b.close()
        return {"pull": pull, "baseline": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--edits", action="store_true", help="also pull 10,000 edits of existing points (slow)"
    )
    args = parser.parse_args()
    scenarios = [("new points", run_inserts)]
    if args.edits:
        scenarios.append(("edited points", run_edits))
    for name, fn in scenarios:
        results = [fn(args.changes) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in results) for k in results[0]}
        print(f"{args.changes} changes ({name}), median of {args.runs} runs:")
        for k, v in med.items():
            print(f"  {k:9s} {v * 1000:8.0f} ms")
        print(f"  pull / raw bulk write: {med['pull'] / med['baseline']:.1f}x")


if __name__ == "__main__":
    main()
