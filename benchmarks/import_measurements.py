"""Importing a 20,000-row measurement workbook: read + validate + apply, next to read_excel.

The workbook (generated here, seeded) holds 100 years of values for the 200 indicators of
the five-year database, a notice sheet first, a tenth of the values typed as French text
(« 1 234,56 »); 2,000 of its rows update measurements already recorded. Each run imports
into a fresh copy of the database. ``pandas.read_excel`` alone on the same sheet is timed
in the same run, alternating. Target: read + validate + apply at most 2 s.

    python -m benchmarks.import_measurements [--runs N] [--rows N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from alliance_desktop.imports.measurements import (
    apply,
    load_catalogue,
    read_measurements,
    validate,
)
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Indicator
from benchmarks.generate import ensure

SHEET = "Mesures"


def write_workbook(path: Path, indicators: list[tuple[str, str | None]], rows: int) -> int:
    """A workbook of ``rows`` measurements (at most 111 years per indicator)."""
    rng = random.Random(20_000)
    book = Workbook(write_only=True)
    notice = book.create_sheet("Lisez-moi")
    notice.append(["Inventaire fictif, une ligne par indicateur et par année."])
    ws = book.create_sheet(SHEET)
    ws.append(["Indicateur", "Année", "Valeur", "Unité", "Ventilation", "Source"])
    written = 0
    for year in range(1991, 2101):
        for name, unit in indicators:
            if written == rows:
                break
            value = round(rng.uniform(10, 5000), 2)
            cell: object = value
            if written % 10 == 0:
                cell = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
            ws.append([name, year, cell, unit, None, "Inventaire fictif 2025"])
            written += 1
    book.save(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    import pandas as pd

    source_db = ensure()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = open_database(source_db)
        with db.session() as s:
            indicators = [
                (name, unit)
                for name, unit in s.execute(
                    select(Indicator.name, Indicator.unit).order_by(Indicator.position)
                )
            ]
        db.close()
        book = folder / "mesures.xlsx"
        rows = write_workbook(book, indicators, args.rows)
        size = book.stat().st_size

        bare: list[float] = []
        phases: dict[str, list[float]] = {"read": [], "validate": [], "apply": [], "total": []}
        outcome = ""
        for run in range(args.runs):
            t0 = time.perf_counter()
            frame = pd.read_excel(book, sheet_name=SHEET, header=None, dtype=str, na_filter=False)
            bare.append(time.perf_counter() - t0)
            assert len(frame) == rows + 1

            target = folder / f"run{run}.sqlite3"
            shutil.copyfile(source_db, target)
            db = open_database(target)
            t0 = time.perf_counter()
            table = read_measurements(book)
            t1 = time.perf_counter()
            plan = validate(table, load_catalogue(db))
            t2 = time.perf_counter()
            done = apply(db, plan)
            t3 = time.perf_counter()
            db.close()
            phases["read"].append(t1 - t0)
            phases["validate"].append(t2 - t1)
            phases["apply"].append(t3 - t2)
            phases["total"].append(t3 - t0)
            outcome = (
                f"accepted {len(plan.accepted)}, rejected {len(plan.rejected)}, "
                f"inserted {done.inserted}, updated {done.updated}"
            )

    print(f"workbook: {rows} rows, {size / 1e6:.1f} MB; runs: {args.runs}")
    print(f"outcome per run: {outcome}")
    print(f"{'':28s} {'median':>8s} {'min':>8s}")
    print(f"{'pandas.read_excel alone':28s} {statistics.median(bare):7.2f}s {min(bare):7.2f}s")
    for name, label in (
        ("read", "import: read"),
        ("validate", "import: validate"),
        ("apply", "import: apply (1 transaction)"),
        ("total", "import: read+validate+apply"),
    ):
        times = phases[name]
        print(f"{label:28s} {statistics.median(times):7.2f}s {min(times):7.2f}s")
    ratio = statistics.median(phases["total"]) / statistics.median(bare)
    print(f"total / read_excel: {ratio:.2f}x; target total <= 2.00s")


if __name__ == "__main__":
    main()
