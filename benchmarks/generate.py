"""Build the synthetic "five years" database that the other benchmarks reuse.

60 sessions, 150 organisations, 400 people, 3,000 attendance rows, 12,000 points and
listening notes, 200 indicators with 10 years of measurements. Deterministic (seeded),
so that figures from two runs compare.

    python -m benchmarks.generate [PATH]     (default: benchmarks/data/five-years.sqlite3)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from alliance_desktop.core import enums as e
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import (
    Attendance,
    Indicator,
    ListeningNote,
    Measurement,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
)

DEFAULT = Path(__file__).resolve().parent / "data" / "five-years.sqlite3"
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
    "îlots",
    "chaleur",
    "déchets",
    "réemploi",
    "biodéchets",
    "covoiturage",
    "vélo",
    "tramway",
    "particules",
    "ammoniac",
    "bois-énergie",
    "artificialisation",
    "friches",
    "densification",
    "jardins",
    "solidarité",
    "précarité",
    "habitants",
    "associations",
    "entreprises",
    "collectivités",
    "indicateurs",
    "objectifs",
    "trajectoire",
    "données",
    "mesure",
    "partage",
    "coopération",
    "feuille",
    "de",
    "route",
]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize() + "."


def _stamp() -> dict[str, Any]:
    now = dt.datetime(2026, 1, 1)
    return {"created_at": now, "updated_at": now}


def generate(path: Path, seed: int = 2024) -> dict[str, int]:
    """Write the synthetic database to ``path`` (replacing it) and return row counts."""
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path)
    themes = list(e.Theme)
    stages = list(e.Stage)
    orgs = [
        {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "name": f"Organisation fictive {i:03d}",
            "short_name": None,
            "kind": rng.choice(list(e.OrganisationKind)),
            "is_member": i < 110,
            "active": True,
            **_stamp(),
        }
        for i in range(150)
    ]
    people = [
        {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "first_name": f"Prénom{i:03d}",
            "last_name": "Fictif",
            "organisation_id": rng.choice(orgs)["id"],
            "email": f"p{i:03d}@exemple.org",
            "consent_named": rng.random() < 0.6,
            "consent_photo": rng.random() < 0.5,
            "active": True,
            **_stamp(),
        }
        for i in range(400)
    ]
    person_org = {p["id"]: p["organisation_id"] for p in people}
    meetings = []
    start = dt.date(2022, 1, 12)
    for i in range(60):
        meetings.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128)),
                "number": i + 1,
                "date": start + dt.timedelta(days=30 * i),
                "start_time": dt.time(17, 0),
                "planned_end": dt.time(19, 0),
                "title": f"Atelier {i + 1}",
                "kind": e.SessionKind.WORKSHOP,
                "theme_id": reference.theme_id(themes[i % len(themes)]),
                "stage_id": reference.stage_id(stages[(i // len(themes)) % len(stages)]),
                "location": "Salle fictive",
                "background": sentence(rng, 60),
                "status": e.SessionStatus.CLOSED,
                **_stamp(),
            }
        )
    attendance = []
    for m in meetings:
        for p in rng.sample(people, 50):
            attendance.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)),
                    "meeting_id": m["id"],
                    "person_id": p["id"],
                    "organisation_id": person_org[p["id"]],
                    "role": rng.choice(list(e.Role)),
                    "status": rng.choice(
                        [e.AttendanceStatus.PRESENT] * 4 + [e.AttendanceStatus.EXCUSED]
                    ),
                    **_stamp(),
                }
            )
    points, notes = [], []
    for m in meetings:
        for j in range(100):
            points.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)),
                    "meeting_id": m["id"],
                    "kind": rng.choice(list(e.PointKind)),
                    "text": sentence(rng),
                    "position": float(j),
                    **_stamp(),
                }
            )
            notes.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)),
                    "meeting_id": m["id"],
                    "text": sentence(rng, 20),
                    "follow_up": e.FollowUp.OPEN,
                    "position": float(j),
                    **_stamp(),
                }
            )
    indicators, objectives, measurements = [], [], []
    for i in range(200):
        theme = themes[i % len(themes)]
        ind = {
            "id": uuid.UUID(int=rng.getrandbits(128)),
            "theme_id": reference.theme_id(theme),
            "name": f"Indicateur fictif {i:03d}",
            "unit": rng.choice(["t", "kt CO2e", "ha/an", "%", "km"]),
            "breakdown": [],
            "source": "Données synthétiques",
            "position": i,
            **_stamp(),
        }
        indicators.append(ind)
        base = rng.uniform(50, 2000)
        for k, year in enumerate(range(2015, 2025)):
            measurements.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)),
                    "indicator_id": ind["id"],
                    "year": year,
                    "value": base * (1 - 0.02 * k) * rng.uniform(0.95, 1.05),
                    "breakdown_key": "",
                    "source": "Données synthétiques",
                    "illustrative": True,
                    **_stamp(),
                }
            )
        objectives.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128)),
                "indicator_id": ind["id"],
                "kind": e.ObjectiveKind.TARGET,
                "target_value": base * 0.6,
                "horizon_year": 2030,
                "validated": True,
                "position": 0,
                **_stamp(),
            }
        )
    with db.session() as s:
        for model, rows in (
            (Organisation, orgs),
            (Person, people),
            (Meeting, meetings),
            (Attendance, attendance),
            (Point, points),
            (ListeningNote, notes),
            (Indicator, indicators),
            (Objective, objectives),
            (Measurement, measurements),
        ):
            s.execute(insert(model), rows)
    db.close()
    return {
        "organisations": len(orgs),
        "people": len(people),
        "meetings": len(meetings),
        "attendance": len(attendance),
        "points+notes": len(points) + len(notes),
        "indicators": len(indicators),
        "measurements": len(measurements),
    }


def ensure(path: Path = DEFAULT) -> Path:
    """The five-year database, generated once and reused by the other benchmarks."""
    if not path.exists():
        generate(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    t0 = time.perf_counter()
    counts = generate(args.path)
    elapsed = time.perf_counter() - t0
    print(f"wrote {args.path} in {elapsed:.2f} s")
    for k, v in counts.items():
        print(f"  {k:14s} {v:7d}")


if __name__ == "__main__":
    main()
