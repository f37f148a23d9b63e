"""A new laptop joining the shared workspace of the five-year database.

Anne's laptop holds the five-year database (``benchmarks.generate``); syncing it with an
empty shared folder creates the workspace: every row is entered in the change log,
published as a bundle, and a snapshot is left for newcomers. Then a new, empty laptop
joins: newest snapshot, bundles published since, its own first publish, its daily
backup. A laptop that already holds data of its own cannot take the snapshot and
replays every bundle instead; that is timed too. Target: join at most 10 s.

    python -m benchmarks.sync_join [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_engine
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Meeting
from benchmarks.generate import ensure


def run_once() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["ALLIANCE_DESKTOP_HOME"] = str(root / "home")
        shared = root / "shared"
        shared.mkdir()
        # Built afresh by this version (the shared copy may predate a migration).
        anne_path = ensure(root / "anne.sqlite3")
        t0 = time.perf_counter()
        anne = open_database(anne_path, backup_dir=root / "backups")
        opened = time.perf_counter() - t0
        t0 = time.perf_counter()
        sharing.sync(anne, shared, backup_dir=root / "backups")
        create = time.perf_counter() - t0
        bruno = open_database(root / "bruno.sqlite3")
        t0 = time.perf_counter()
        report = sharing.sync(bruno, shared, backup_dir=root / "backups")
        join = time.perf_counter() - t0
        assert report.action == "joined"
        assert sync_engine.content_digest(anne) == sync_engine.content_digest(bruno)
        claire = open_database(root / "claire.sqlite3")
        with claire.session() as s:
            s.add(Meeting(date=dt.date(2026, 1, 5), title="Chez Claire"))
        t0 = time.perf_counter()
        sharing.sync(claire, shared, backup_dir=root / "backups")
        replay = time.perf_counter() - t0
        for db in (anne, bruno, claire):
            db.close()
        return {
            "open": opened,
            "create workspace": create,
            "join (empty laptop)": join,
            "join (laptop with data)": replay,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run_once() for _ in range(args.runs)]
    print(f"five-year database, median of {args.runs} runs:")
    for k in results[0]:
        print(f"  {k:24s} {statistics.median(r[k] for r in results):6.2f} s")


if __name__ == "__main__":
    main()
