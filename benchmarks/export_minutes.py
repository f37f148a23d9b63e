"""Minutes of a 200-point session with 5 photos, against python-docx alone writing the same.

Both are timed in the same run, alternating, and the median of each is compared (target:
the application takes at most 1.5× python-docx alone). The application's time includes
reading the session from the database, cleaning every string, French typography and the
image checks; the baseline writes the same paragraphs, tables and pictures from memory.
Then, if the five-year database of ``benchmarks.generate`` exists, the time of the yearly
report for its busiest year.

    python -m benchmarks.export_minutes [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
from docx.shared import Cm
from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.exports.minutes import write_minutes
from alliance_desktop.exports.queries import build_minutes
from alliance_desktop.exports.report import write_report
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import (
    Attachment,
    Attendance,
    Indicator,
    ListeningNote,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
)

BIG_DB = Path(__file__).resolve().parent / "data" / "five-years.sqlite3"
WORDS = [
    "transition",
    "mobilité",
    "sobriété",
    "énergie",
    "rénovation",
    "biodiversité",
    "haies",
    "corridors",
    "eau",
    "ruissellement",
    "chaleur",
    "déchets",
    "réemploi",
    "covoiturage",
    "particules",
    "artificialisation",
    "indicateur",
    "objectif",
    "territoire",
    "acteurs",
    "Alliance",
    "consensus",
    "trajectoire",
]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + " ?" if rng.random() < 0.2 else " ".join(words) + "."


def _photo(rng: random.Random) -> bytes:
    # A board photo: a light background, marker strokes, a little blur; about 300 kB.
    img = Image.new("RGB", (1600, 1200), (238, 236, 228))
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x, y = rng.randrange(1600), rng.randrange(1200)
        colour = rng.choice([(46, 107, 63), (181, 84, 28), (30, 30, 30), (48, 96, 150)])
        draw.line(
            [(x, y), (x + rng.randrange(-120, 120), y + rng.randrange(-40, 40))],
            fill=colour,
            width=rng.randrange(3, 9),
        )
    img = img.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def build(path: Path) -> tuple[Database, uuid.UUID]:
    """A database holding one session of 200 points, 40 attendees and 5 photos."""
    rng = random.Random(2024)
    db = open_database(path)
    with db.session() as s:
        orgs = [Organisation(name=f"Organisation {i}", is_member=True) for i in range(20)]
        people = [
            Person(
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                organisation=orgs[i % 20],
                consent_named=i % 3 != 0,
            )
            for i in range(40)
        ]
        m = Meeting(
            number=1,
            date=dt.date(2024, 5, 29),
            start_time=dt.time(17),
            planned_end=dt.time(19),
            title="Atelier sur la réduction des gaz à effet de serre",
            theme_id=reference.theme_id(e.Theme.GES),
            stage_id=reference.stage_id(e.Stage.OBJECTIVES),
            location="Hôtel de Métropole",
            background=" ".join(_sentence(rng, 25) for _ in range(6)),
            status=e.SessionStatus.CLOSED,
        )
        kinds = [e.PointKind.CONSENSUS, e.PointKind.DISSENT, e.PointKind.OPEN_QUESTION]
        m.points = [
            Point(kind=kinds[i % 3], text=_sentence(rng, rng.randrange(15, 45)), position=i)
            for i in range(200)
        ]
        m.attendances = [
            Attendance(person=p, organisation=p.organisation, status=e.AttendanceStatus.PRESENT)
            for p in people
        ]
        m.notes = [ListeningNote(text=_sentence(rng, 20), position=i) for i in range(20)]
        m.attachments = [
            Attachment(
                filename=f"tableau-{i}.jpg", caption=f"Planche {i}", data=_photo(rng), position=i
            )
            for i in range(5)
        ]
        s.add_all([*orgs, *people, m])
        s.flush()
        ind = Indicator(
            theme_id=reference.theme_id(e.Theme.GES),
            name="Émissions de GES",
            unit="kt CO2e",
            adopted_in_id=m.id,
        )
        ind.objectives = [
            Objective(
                kind=e.ObjectiveKind.TARGET,
                target_value=787,
                horizon_year=2030,
                source="SNBC",
                agreed_in_id=m.id,
                validated=True,
            )
        ]
        s.add(ind)
        meeting_id = m.id
    return db, meeting_id


def baseline(db: Database, meeting_id: uuid.UUID, out: Path) -> Callable[[], None]:
    """python-docx alone: the same paragraphs, tables and pictures, from memory."""
    minutes = build_minutes(db, meeting_id)
    facts = [
        ["Date", "29 mai 2024, 17:00–19:00"],
        ["Thématique", "GES"],
        ["Étape", "Objectifs"],
        ["Lieu", "Hôtel de Métropole"],
    ]
    orgs = [
        [o.organisation, str(o.count), ", ".join(o.named)] for o in minutes.attendance.organisations
    ]

    def table(document: Any, rows: list[list[str]], header: list[str] | None) -> None:
        all_rows = ([header] if header else []) + rows
        t = document.add_table(rows=len(all_rows), cols=len(all_rows[0]))
        t.style = "Table Grid"
        for row, values in zip(t.rows, all_rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value

    def run() -> None:
        document = docx.Document()
        document.add_heading(minutes.session.title, 0)
        document.add_paragraph("Compte-rendu de la séance n° 1 du 29 mai 2024", "Subtitle")
        table(document, facts, None)
        document.add_heading("Participation", 1)
        document.add_paragraph(f"{minutes.attendance.present} personnes présentes.")
        table(document, orgs, ["Organisation", "Présents", "Nommés"])
        document.add_heading("Comprenons-nous bien…", 1)
        document.add_paragraph(minutes.background)
        document.add_heading("Les points saillants de nos échanges…", 1)
        for n, point in enumerate(minutes.points, start=1):
            p = document.add_paragraph()
            p.add_run(f"{n} – ").bold = True
            p.add_run(point.text)
        document.add_heading("Les éléments à éclaircir, approfondir ou aborder…", 1)
        for n, question in enumerate(minutes.open_questions, start=1):
            p = document.add_paragraph()
            p.add_run(f"{n} – ").bold = True
            p.add_run(question)
        document.add_heading("Objectifs & indicateurs choisis", 1)
        table(
            document,
            [["Émissions de GES", "787 kt CO2e", "2030"]],
            ["Indicateur", "Objectif", "Horizon"],
        )
        document.add_heading("Grilles d'écoute active", 1)
        for note in minutes.notes:
            document.add_paragraph(note.text, "Quote")
        document.add_heading("Facilitation graphique", 1)
        for photo in minutes.photos:
            document.add_picture(io.BytesIO(photo.data), width=Cm(16))
            document.add_paragraph(photo.caption or "", "Caption")
        document.add_heading("À reprendre lors de la prochaine séance", 1)
        for question in minutes.open_questions:
            document.add_paragraph(question, "List Bullet")
        document.save(str(out))

    return run


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, meeting_id = build(folder / "bench.sqlite3")
        try:
            ours_out, base_out = folder / "ours.docx", folder / "baseline.docx"
            base = baseline(db, meeting_id, base_out)

            def ours() -> None:
                write_minutes(db, meeting_id, ours_out)

            ours()
            base()  # warm-up: imports, template parsing, SQLite cache
            ours_times, base_times = [], []
            for _ in range(args.runs):
                ours_times.append(timed(ours))
                base_times.append(timed(base))
            ours_med, base_med = statistics.median(ours_times), statistics.median(base_times)
            print("minutes, 200 points, 5 photos of 1600×1200, 40 attendees")
            print(
                f"  application (database read + render + save): {ours_med * 1000:7.1f} ms "
                f"median of {args.runs}"
            )
            print(f"  python-docx alone (same content, from memory): {base_med * 1000:7.1f} ms")
            print(f"  ratio: {ours_med / base_med:.2f}×  (target ≤ 1.5×)")
            print(
                f"  sizes: {ours_out.stat().st_size // 1024} kB vs "
                f"{base_out.stat().st_size // 1024} kB"
            )
        finally:
            db.close()
        if not BIG_DB.exists():
            print(f"yearly report: skipped ({BIG_DB} absent; python -m benchmarks.generate)")
            return
        big = open_database(BIG_DB, create=False)
        try:
            with big.read() as s:
                dates = list(s.scalars(select(Meeting.date)))
            years = statistics.multimode([d.year for d in dates])
            year = max(years)
            sessions = sum(1 for d in dates if d.year == year)
            out = folder / "rapport.docx"
            elapsed = timed(lambda: write_report(big, year, out))
            print(
                f"yearly report {year} of {BIG_DB.name} ({sessions} sessions): "
                f"{elapsed:.2f} s, {out.stat().st_size // 1024} kB"
            )
        finally:
            big.close()


if __name__ == "__main__":
    main()
