"""Importing 5,000 people from a directory file: read + check + plan + apply, one transaction.

The file (generated here, seeded) is a French-Excel CSV (UTF-8 with BOM, ";") or a .xlsx
workbook of 5,000 people in 400 organisations, with phone numbers and postal codes, a
tenth of the e-mail addresses in capitals, and 250 people already in the database (the
five-year database's own, same addresses), who are proposed for merging and merged.
Each run imports into a fresh copy of the database; the change log records every row
(the sharing engine's capture is on, as in the application). Target: at most 2 s.

    python -m benchmarks.members_import [--runs N] [--people N] [--format csv|xlsx]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from alliance_desktop.services import people_import
from alliance_desktop.services.people_import import Decision
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Person
from benchmarks.generate import ensure

HEADERS = [
    "Organisation",
    "Type d'organisation",
    "Membre",
    "Prénom",
    "Nom",
    "Fonction",
    "E-mail",
    "Téléphone",
    "Code postal",
    "Ville",
]
KINDS = ["collectivité", "service public", "entreprise", "association", "enseignement", "recherche"]


def rows(people: int) -> list[list[str]]:
    """The file's rows: the five-year database's first 250 people again, then new ones."""
    rng = random.Random(5000)
    out = []
    for i in range(people):
        known = i < 250
        n = i % 150 if known else i % 400
        org = f"Organisation fictive {n:03d}" if known else f"Structure test {n:03d}"
        email = f"p{i:03d}@exemple.org" if known else f"personne.{i:05d}@exemple.org"
        if i % 10 == 0:
            email = email.upper()
        out.append(
            [
                org,
                "" if known else KINDS[n % len(KINDS)],
                "" if known else ("oui" if n % 3 else "non"),
                f"Prénom{i:03d}" if known else f"Prénom{i:05d}",
                "Fictif" if known else f"Nom{rng.randrange(10_000):04d}",
                "Chargé·e de mission",
                email,
                f"04 73 {rng.randrange(100):02d} {rng.randrange(100):02d} {i % 100:02d}",
                f"0{3 + n % 7}000",
                "Clermont-Ferrand",
            ]
        )
    return out


def write_file(path: Path, data: list[list[str]]) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(HEADERS)
            w.writerows(data)
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("Annuaire")
    ws.append(HEADERS)
    for r in data:
        ws.append(r)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()

    source = ensure()
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"annuaire.{args.format}"
        write_file(path, rows(args.people))
        # Opened once so that the copies below are already at the current schema.
        open_database(source).close()
        for run in range(args.runs):
            copy = folder / f"run{run}.sqlite3"
            shutil.copy(source, copy)
            db = open_database(copy)
            t0 = time.perf_counter()
            plan = people_import.plan_import(db, path)
            done = people_import.apply(db, plan, plan.decisions(Decision.MERGE))
            times.append(time.perf_counter() - t0)
            with db.read() as s:
                total = s.scalar(select(func.count()).select_from(Person))
            db.close()
        print(
            f"{args.people} people ({args.format}): created {done.people_created}, merged "
            f"{done.people_merged}, rejected {len(plan.rejected)}; {total} people after"
        )
    print(
        f"read + check + plan + apply: median {statistics.median(times):.3f} s, "
        f"min {min(times):.3f} s over {args.runs} runs (target <= 2 s)"
    )


if __name__ == "__main__":
    main()
