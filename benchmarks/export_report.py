"""The yearly report of one year of the five-year database, and the share its charts take.

Target: at most 3 s for a year (2024: 13 sessions, 200 indicator charts). Each run reads
the year from the database, lays the report out, draws every chart and writes the .docx,
as « Rapport d'étape… » and ``alliance-desktop export report`` do. Wall-clock and
processor times are both printed: on a machine shared with other work, the processor
time is the steadier of the two. The charts' share is the time spent inside the chart
renderer (drawing and PNG encoding); putting the pictures into the document is counted
with the rest.

    python -m benchmarks.generate          # once: benchmarks/data/five-years.sqlite3
    python -m benchmarks.export_report [--year 2024] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from alliance_desktop.exports.charts import line_chart
from alliance_desktop.exports.model import Series
from alliance_desktop.exports.report import write_report
from alliance_desktop.storage.database import open_database
from benchmarks.generate import DEFAULT, ensure


class TimedChart:
    """The Pillow chart renderer, adding up the time spent in it."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.count = 0
        self.bytes = 0

    def __call__(self, series: Series, lang: str) -> bytes:
        w0, c0 = time.perf_counter(), time.process_time()
        png = line_chart(series, lang)
        self.wall += time.perf_counter() - w0
        self.cpu += time.process_time() - c0
        self.count += 1
        self.bytes += len(png)
        return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=DEFAULT)
    args = parser.parse_args()
    db = open_database(ensure(args.db), create=False)
    walls: list[float] = []
    cpus: list[float] = []
    chart_walls: list[float] = []
    chart_cpus: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "rapport.docx"
            write_report(db, args.year, out)  # warm-up: imports, fonts, SQLite cache
            chart = TimedChart()
            for _ in range(args.runs):
                chart = TimedChart()
                w0, c0 = time.perf_counter(), time.process_time()
                write_report(db, args.year, out, chart=chart)
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
                chart_walls.append(chart.wall)
                chart_cpus.append(chart.cpu)
            size = out.stat().st_size
    finally:
        db.close()
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    chart_wall, chart_cpu = statistics.median(chart_walls), statistics.median(chart_cpus)
    print(f"yearly report {args.year} of {args.db.name}: {chart.count} charts, {size // 1024} kB")
    print(
        f"  total:  {wall:5.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f}), "
        f"{cpu:5.2f} s processor; median of {args.runs}  (target ≤ 3 s)"
    )
    print(
        f"  charts: {chart_wall:5.2f} s wall ({chart_wall / wall:.0%}), "
        f"{chart_cpu:5.2f} s processor ({chart_cpu / cpu:.0%}); "
        f"{chart.bytes / max(1, chart.count) / 1024:.0f} kB a chart"
    )
    rest = wall - chart_wall
    print(f"  the rest (database, layout, pictures, saving): {rest:5.2f} s wall")


if __name__ == "__main__":
    main()
