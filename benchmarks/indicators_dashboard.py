"""Opening the indicators dashboard on a theme of 50 indicators, in the five-year database.

The five-year database spreads its 200 indicators over the seven themes (29 for GES);
a copy gets 21 more GES indicators (ten years of values, a target each, a third broken
down by sector) so that the theme holds 50. Timed, from the constructor to the window
painted with its catalogue, chips, « Ce qui manque » and the first indicator's chart:

- warm: pyqtgraph already imported (every opening after the first in a session);
- cold: a fresh process, the dashboard's modules and pyqtgraph imported on the way
  (the first Ctrl+I of a session), the chart drawn once the window has painted.

The service's read alone is timed too, and, as a baseline in the same run, a bare window
holding a 50-row QTableWidget and a pyqtgraph plot of ten points. Target: ≤ 300 ms.

    python -m benchmarks.indicators_dashboard [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select

from alliance_desktop.core import enums as e
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Indicator, Measurement, Objective
from benchmarks.generate import ensure
from benchmarks.indicators_support import keep_singletons_alive

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

THEME = e.Theme.GES
WANTED = 50
SECTORS = ["Transport", "Résidentiel", "Tertiaire", "Déchets", "Industrie", "Agriculture"]
TODAY = dt.date(2026, 1, 1)


def _stamp() -> dict[str, dt.datetime]:
    now = dt.datetime(2026, 1, 1)
    return {"created_at": now, "updated_at": now}


def prepare(path: Path) -> int:
    """Bring the theme of ``path`` to :data:`WANTED` indicators; returns how many it holds."""
    rng = random.Random(50)
    db = open_database(path)
    try:
        theme_id = reference.theme_id(THEME)
        with db.session() as s:
            have = int(s.scalar(select(func.count()).where(Indicator.theme_id == theme_id)) or 0)
            indicators, objectives, values = [], [], []
            for n in range(have, WANTED):
                split = n % 3 == 0
                ind = {
                    "id": uuid.UUID(int=rng.getrandbits(128)),
                    "theme_id": theme_id,
                    "name": f"Indicateur GES supplémentaire {n:03d}",
                    "unit": "kt CO2e",
                    "breakdown": SECTORS if split else [],
                    "breakdown_label": "secteur" if split else None,
                    "source": "Données synthétiques",
                    "position": 1000 + n,
                    **_stamp(),
                }
                indicators.append(ind)
                objectives.append(
                    {
                        "id": uuid.UUID(int=rng.getrandbits(128)),
                        "indicator_id": ind["id"],
                        "kind": e.ObjectiveKind.TARGET,
                        "target_value": rng.uniform(200, 800),
                        "horizon_year": 2030,
                        "validated": True,
                        "position": 0,
                        **_stamp(),
                    }
                )
                for year in range(2015, 2025):
                    for key in SECTORS if split else [""]:
                        values.append(
                            {
                                "id": uuid.UUID(int=rng.getrandbits(128)),
                                "indicator_id": ind["id"],
                                "year": year,
                                "value": rng.uniform(50, 1500),
                                "breakdown_key": key,
                                "illustrative": True,
                                **_stamp(),
                            }
                        )
            for model, rows in ((Indicator, indicators), (Objective, objectives)):
                if rows:
                    s.execute(insert(model), rows)
            if values:
                s.execute(insert(Measurement), values)
            return have + len(indicators)
    finally:
        db.close()


def _open_once(db: Database, app: QApplication) -> float:
    from alliance_desktop.ui.indicators.dashboard import IndicatorDashboard

    t0 = time.perf_counter()
    window = IndicatorDashboard(db, theme=THEME, today=TODAY)
    window.resize(1366, 740)
    window.show()
    window.ensure_chart()
    window.repaint()
    elapsed = time.perf_counter() - t0
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


def _bare_once(app: QApplication, rows: int) -> float:
    """The same work reduced to Qt and pyqtgraph: a table of names and a line plot."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QTableWidget, QTableWidgetItem, QWidget

    t0 = time.perf_counter()
    window = QMainWindow()
    central = QWidget(window)
    layout = QHBoxLayout(central)
    table = QTableWidget(rows, 3, central)
    for r in range(rows):
        for c in range(3):
            table.setItem(r, c, QTableWidgetItem(f"Indicateur {r} · {c}"))
    plot = pg.PlotWidget(central)
    plot.plot(list(range(2015, 2025)), [float(v) for v in range(10)], symbol="o")
    layout.addWidget(table)
    layout.addWidget(plot, 1)
    window.setCentralWidget(central)
    window.resize(1366, 740)
    window.show()
    window.repaint()
    elapsed = time.perf_counter() - t0
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


COLD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from PySide6.QtWidgets import QApplication
from alliance_desktop.storage.database import open_database
app = QApplication(sys.argv[:1])
db = open_database(Path(sys.argv[1]))
ready = time.perf_counter()
from alliance_desktop.core import enums as e
import datetime as dt
from alliance_desktop.ui.indicators.dashboard import IndicatorDashboard
window = IndicatorDashboard(db, theme=e.Theme.GES, today=dt.date(2026, 1, 1))
window.resize(1366, 740)
window.show()
window.repaint()
painted = time.perf_counter()
window.ensure_chart()
window.repaint()
charted = time.perf_counter()
print(f"{painted - ready:.4f} {charted - ready:.4f}")
db.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    keep_singletons_alive()

    source = ensure()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "five-years.sqlite3"
        shutil.copy(source, path)
        count = prepare(path)

        from PySide6.QtWidgets import QApplication

        from alliance_desktop.services.indicators import theme_dashboard

        app = QApplication(sys.argv[:1])
        db = open_database(path)
        try:
            reads = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                board = theme_dashboard(db, THEME, today=TODAY)
                reads.append(time.perf_counter() - t0)
            assert len(board.indicators) == count
            _open_once(db, app)  # imports the dashboard and pyqtgraph
            _bare_once(app, count)
            warm, bare = [], []
            # Alternating, so that both see the same load on the machine.
            for _ in range(args.runs):
                warm.append(_open_once(db, app))
                bare.append(_bare_once(app, count))
        finally:
            db.close()

        cold_painted, cold_charted = [], []
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        for _ in range(max(3, args.runs // 3)):
            out = subprocess.run(
                [sys.executable, "-c", COLD, str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            ).stdout.split()
            cold_painted.append(float(out[0]))
            cold_charted.append(float(out[1]))

    def ms(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms"

    print(f"theme {THEME.value}: {count} indicators, {args.runs} runs")
    print(f"  service read (theme_dashboard)          {ms(reads)}")
    print(f"  dashboard open, warm (painted + chart)  {ms(warm)}")
    print(f"  baseline: bare table + pyqtgraph plot   {ms(bare)}")
    print(f"  first open, cold: window painted        {ms(cold_painted)}")
    print(f"  first open, cold: chart drawn           {ms(cold_charted)}")


if __name__ == "__main__":
    main()
