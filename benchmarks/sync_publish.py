"""Publishing 100 changes from a laptop holding the five-year database.

The laptop created the workspace; a facilitator then edits 100 points (each edit its
own transaction, as the window does). The publish is timed: the safety net that looks
for writes made around the change log, the bundle written locally, copied into the
shared folder under a temporary name, flushed, renamed, read back and checked. Target:
at most 200 ms.

    python -m benchmarks.sync_publish [--runs N] [--changes N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Point
from benchmarks.generate import ensure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["ALLIANCE_DESKTOP_HOME"] = str(root / "home")
        shared = root / "shared"
        shared.mkdir()
        db = open_database(ensure(root / "anne.sqlite3"))
        sharing.sync(db, shared, backup_dir=root / "backups")
        with db.read() as s:
            ids = list(s.scalars(select(Point.id).limit(args.changes * args.runs)))
        timings, edits = [], []
        for run in range(args.runs):
            t0 = time.perf_counter()
            for pid in ids[run * args.changes : (run + 1) * args.changes]:
                with db.session() as s:
                    p = s.get(Point, pid)
                    assert p is not None
                    p.text = f"{p.text} (relu {run})"
            edits.append((time.perf_counter() - t0) / args.changes)
            t0 = time.perf_counter()
            out = sync_engine.publish(db, shared)
            timings.append(time.perf_counter() - t0)
            assert out.changes == args.changes, out
        db.close()
    print(f"publish {args.changes} changes, five-year database, {args.runs} runs:")
    print(f"  median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms")
    print(f"  one edit (commit + change log): {statistics.median(edits) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
