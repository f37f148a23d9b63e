"""Exporting an indicator chart to PNG (1600 × 900), offscreen, as the report and « Exporter » do.

Three charts of the demo year: GHG stacked by sector with its trajectory, the six
pollutants against PREPA and PPA, land take against two targets; and a ten-year series of
the five-year database. Each export builds the chart widget, lays it out, draws it and
encodes the PNG; pyqtgraph is imported (and a first chart drawn) before timing. As a
baseline in the same run, the report's own Pillow chart of the GHG series. Target:
≤ 150 ms an export.

    python -m benchmarks.indicators_chart_png [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from alliance_desktop.core import enums as e
from alliance_desktop.exports.model import Series
from alliance_desktop.services import indicators as si
from alliance_desktop.services.demo import write_demo
from alliance_desktop.storage.database import open_database
from benchmarks.generate import ensure
from benchmarks.indicators_support import keep_singletons_alive


def _demo_series() -> Series:
    from alliance_desktop.exports.queries import build_year_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite3"
        write_demo(path)
        db = open_database(path)
        try:
            return build_year_report(db, 2024).series[0]
        finally:
            db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    keep_singletons_alive()

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from alliance_desktop.ui.indicators.charts import chart_png

    charts: list[tuple[str, si.Chart]] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo_path = Path(tmp) / "demo.sqlite3"
        write_demo(demo_path)
        demo = open_database(demo_path)
        try:
            for label, theme in (
                ("GHG by sector, trajectory", e.Theme.GES),
                ("six pollutants vs PREPA/PPA", e.Theme.AIR),
                ("land take, two targets", e.Theme.ARTIFICIALISATION),
            ):
                state = si.theme_dashboard(demo, theme).indicators[0]
                charts.append((label, si.chart_for(state)))
        finally:
            demo.close()
    big = open_database(ensure())
    try:
        state = si.theme_dashboard(big, e.Theme.EAU).indicators[0]
        charts.append(("ten-year series (five-year db)", si.chart_for(state)))
    finally:
        big.close()

    chart_png(charts[0][1])  # pyqtgraph's first drawing sets up its caches
    from alliance_desktop.exports.charts import line_chart
    from alliance_desktop.ui.indicators.charts import series_png

    series = _demo_series()
    line_chart(series)
    print(f"PNG 1600 × 900, {args.runs} runs each")
    everything = []
    for label, chart in charts:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            data = chart_png(chart)
            times.append(time.perf_counter() - t0)
        everything += times
        print(
            f"  {label:32s} median {statistics.median(times) * 1000:5.0f} ms, "
            f"max {max(times) * 1000:5.0f} ms, {len(data) // 1024} KiB"
        )
    print(
        f"  {'all charts':32s} median {statistics.median(everything) * 1000:5.0f} ms, "
        f"max {max(everything) * 1000:5.0f} ms"
    )
    # Baseline in the same run: the report's Pillow chart of the GHG series, no objective,
    # next to the same series drawn by pyqtgraph.
    baselines: list[tuple[str, Callable[[], bytes]]] = [
        ("baseline: Pillow line_chart", lambda: line_chart(series)),
        ("same series, pyqtgraph", lambda: series_png(series)),
    ]
    for label, draw in baselines:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            draw()
            times.append(time.perf_counter() - t0)
        print(
            f"  {label:32s} median {statistics.median(times) * 1000:5.0f} ms, "
            f"max {max(times) * 1000:5.0f} ms"
        )
    app.processEvents()


if __name__ == "__main__":
    main()
