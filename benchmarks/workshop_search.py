"""Searching the whole five-year database from the main window's search field.

Two timings per query, alternating: the search service alone (full-text match, sessions
and kinds of point looked up), and the window's whole path, from the query sent to the
worker thread to the results shown in the list.

    python -m benchmarks.workshop_search [--runs N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.workshop_common import private_copy, summary

QUERIES = (
    "mobilité",
    "haies corridors",
    "ruissellement",
    "sobriété énergie",
    "particules",
    "précarité habitants",
    "biodechets",
    "trajectoire indicateurs",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="alliance-bench-search-"))
    path = private_copy(folder)

    from alliance_desktop.app import build_main_window, make_application
    from alliance_desktop.services.search import search_all
    from alliance_desktop.storage.database import open_database

    db = open_database(path)
    app = make_application()
    window = build_main_window(db)
    window.resize(1366, 728)
    window.show()
    app.processEvents()
    panel = window.search
    service: list[float] = []
    shown: list[float] = []
    counts: dict[str, int] = {}
    search_all(db, "échauffement")  # statements compiled, pages in the cache
    for _ in range(args.runs):
        for query in QUERIES:
            start = time.perf_counter()
            results = search_all(db, query)
            service.append(time.perf_counter() - start)
            counts[query] = len(results)
            panel.line.setText(query)
            start = time.perf_counter()
            panel.search_now()
            while panel.status.text() in ("", "Recherche…", "Searching…"):
                app.processEvents()
                time.sleep(0.0005)
            app.processEvents()
            shown.append(time.perf_counter() - start)
            panel.line.clear()
            app.processEvents()
    window.close()
    db.close()
    print("queries (results, at most 200):")
    for query, n in counts.items():
        print(f"  {query!r:28s} {n:4d}")
    print(summary("search service", service))
    print(summary("query sent -> results shown (worker thread)", shown))


if __name__ == "__main__":
    main()
