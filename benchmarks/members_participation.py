"""The participation view over the five-year database: the service, then the window and chart.

Times, in one process (Qt offscreen), medians of several runs after a first one that
warms the imports: the service alone (four queries, then Python), and the window built
and shown with its six tables filled and the chart drawn (pyqtgraph loaded in the first
run). Target: the view at most 300 ms.

    python -m benchmarks.members_participation [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from alliance_desktop.services import participation
    from alliance_desktop.storage.database import open_database
    from alliance_desktop.ui.members.participation import ParticipationWindow
    from benchmarks.generate import ensure

    app = QApplication.instance() or QApplication([])
    db = open_database(ensure())
    try:
        service: list[float] = []
        window: list[float] = []
        for run in range(args.runs + 1):
            t0 = time.perf_counter()
            view = participation.participation(db)
            t1 = time.perf_counter()
            w = ParticipationWindow(db)
            w.show()
            w.tabs.setCurrentIndex(1)  # the chart's tab: drawn now
            app.processEvents()
            t2 = time.perf_counter()
            w.close()
            w.deleteLater()
            app.processEvents()
            if run:  # the first run pays for the imports (pyqtgraph, the ORM)
                service.append(t1 - t0)
                window.append(t2 - t1)
        print(
            f"{len(view.sessions)} sessions, {len(view.organisations)} organisations, "
            f"{sum(s.people for s in view.sessions)} presences"
        )
        print(f"service: median {statistics.median(service) * 1000:.0f} ms")
        print(
            f"window (view computed, six tables filled, chart drawn): median "
            f"{statistics.median(window) * 1000:.0f} ms "
            f"(target <= 300 ms)"
        )
    finally:
        db.close()


if __name__ == "__main__":
    main()
