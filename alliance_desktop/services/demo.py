"""The demo database: the Alliance's 2024 year, as its first progress report tells it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.core.paths import project_root
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import (
    Attendance,
    Base,
    Contributor,
    HarvestItem,
    Indicator,
    Lever,
    ListeningNote,
    Measurement,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
)
from alliance_desktop.storage.reference import stage_id, theme_id

# What the returned counts are made of, in the order they are reported.
COUNTED: tuple[tuple[str, type[Base]], ...] = (
    ("organisations", Organisation),
    ("people", Person),
    ("meetings", Meeting),
    ("attendances", Attendance),
    ("contributors", Contributor),
    ("points", Point),
    ("notes", ListeningNote),
    ("levers", Lever),
    ("harvest_items", HarvestItem),
    ("indicators", Indicator),
    ("objectives", Objective),
    ("measurements", Measurement),
)


def demo_json_path() -> Path:
    """The JSON file holding the demo year's content."""
    return project_root() / "db" / "demo" / "alliance-2024.json"


def load_demo_content(source: Path | None = None) -> dict[str, Any]:
    """The demo content as plain data.

    Raises:
        KnownError: the file is missing or not valid JSON (a damaged installation).
    """
    path = source or demo_json_path()
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise KnownError(
            t(
                f"Le contenu de démonstration « {path} » est introuvable ({os_reason(exc)}) : "
                "réinstallez l'application.",
                f"The demo content “{path}” cannot be found ({os_reason(exc)}): "
                "reinstall the application.",
            )
        ) from exc
    except ValueError as exc:
        raise KnownError(
            t(
                f"Le contenu de démonstration « {path} » est endommagé ({exc}).",
                f"The demo content “{path}” is damaged ({exc}).",
            )
        ) from exc
    if not isinstance(data, dict):
        raise KnownError(
            t(
                f"Le contenu de démonstration « {path} » n'a pas la forme attendue.",
                f"The demo content “{path}” does not have the expected shape.",
            )
        )
    return data


def _remove_existing(path: Path) -> None:
    # SQLite in WAL mode keeps recent pages in -wal/-shm: a stale -wal beside a new file
    # would be replayed into it, so the three files go together.
    if path.is_dir():
        raise KnownError(
            t(
                f"« {path} » est un dossier : choisissez un nom de fichier.",
                f"“{path}” is a folder: choose a file name.",
            )
        )
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:
            raise KnownError(
                t(
                    f"Impossible de remplacer « {p} » ({os_reason(exc)}).",
                    f"Cannot replace “{p}” ({os_reason(exc)}).",
                )
            ) from exc


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _theme(code: str | None) -> uuid.UUID | None:
    return theme_id(e.Theme(code)) if code else None


def _fill(s: Session, data: dict[str, Any]) -> None:
    orgs: dict[str, Organisation] = {}
    for o in data["organisations"]:
        org = Organisation(
            name=o["name"],
            short_name=o.get("short_name"),
            kind=e.OrganisationKind(o["kind"]),
            is_member=bool(o["is_member"]),
            member_since=_date(o.get("member_since")),
        )
        orgs[o["key"]] = org
        s.add(org)

    people: dict[str, Person] = {}
    for p in data["people"]:
        org_key = p.get("organisation")
        person = Person(
            first_name=p["first_name"],
            last_name=p["last_name"],
            organisation=orgs[org_key] if org_key else None,
            function=p.get("function"),
            email=p.get("email"),
            consent_named=bool(p.get("consent_named", False)),
            consent_photo=bool(p.get("consent_photo", False)),
        )
        people[p["key"]] = person
        s.add(person)

    meetings: dict[str, Meeting] = {}
    for m in data["meetings"]:
        meeting = Meeting(
            number=m.get("number"),
            date=_date(m["date"]),
            start_time=_time(m.get("start_time")),
            planned_end=_time(m.get("planned_end")),
            title=m["title"],
            kind=e.SessionKind(m["kind"]),
            theme_id=_theme(m.get("theme")),
            stage_id=stage_id(e.Stage(m["stage"])) if m.get("stage") else None,
            location=m.get("location"),
            background=m.get("background"),
            status=e.SessionStatus(m["status"]),
            started_at=_datetime(m.get("started_at")),
            closed_at=_datetime(m.get("closed_at")),
        )
        meetings[m["key"]] = meeting
        s.add(meeting)
        for pos, c in enumerate(m.get("contributors", [])):
            meeting.contributors.append(
                Contributor(
                    role=e.ContributorRole(c["role"]),
                    organisation=orgs[c["organisation"]] if c.get("organisation") else None,
                    person=people[c["person"]] if c.get("person") else None,
                    label=c.get("label"),
                    position=pos,
                )
            )
        for a in m.get("attendance", []):
            person = people[a["person"]]
            meeting.attendances.append(
                Attendance(
                    person=person,
                    # The organisation as it was that day, so a later change of employer
                    # does not rewrite past attendance lists.
                    organisation=person.organisation,
                    role=e.Role(a["role"]),
                    status=e.AttendanceStatus(a["status"]),
                    mode=e.ParticipationMode(a["mode"]) if a.get("mode") else None,
                )
            )
        for pos, pt in enumerate(m.get("points", []), start=1):
            meeting.points.append(
                Point(kind=e.PointKind(pt["kind"]), text=pt["text"], position=float(pos))
            )
        for pos, n in enumerate(m.get("notes", []), start=1):
            meeting.notes.append(ListeningNote(text=n["text"], position=float(pos)))
        for pos, lv in enumerate(m.get("levers", []), start=1):
            meeting.levers.append(
                Lever(
                    theme_id=meeting.theme_id,
                    heading=lv.get("heading"),
                    text=lv["text"],
                    position=float(pos),
                )
            )
        for pos, h in enumerate(m.get("harvest", []), start=1):
            meeting.harvest_items.append(
                HarvestItem(
                    theme_id=_theme(h.get("theme")),
                    column=e.HarvestColumn(h["column"]),
                    text=h["text"],
                    partner_organisation=orgs[h["partner"]] if h.get("partner") else None,
                    partner_label=h.get("partner_label"),
                    facilitated_by=h.get("facilitated_by"),
                    position=float(pos),
                )
            )

    positions: dict[str, int] = {}
    for i in data["indicators"]:
        # Positions count within a theme: that is the order the report lists them in.
        pos = positions.get(i["theme"], 0)
        positions[i["theme"]] = pos + 1
        indicator = Indicator(
            theme_id=_theme(i["theme"]),
            name=i["name"],
            unit=i.get("unit"),
            definition=i.get("definition"),
            breakdown_label=i.get("breakdown_label"),
            breakdown=list(i.get("breakdown", [])),
            source=i.get("source"),
            adopted_in=meetings[i["adopted_in"]] if i.get("adopted_in") else None,
            position=pos,
        )
        s.add(indicator)
        for opos, o in enumerate(i.get("objectives", [])):
            indicator.objectives.append(
                Objective(
                    kind=e.ObjectiveKind(o["kind"]),
                    breakdown_key=o.get("breakdown_key"),
                    target_value=o.get("target_value"),
                    horizon_year=o.get("horizon_year"),
                    change_percent=o.get("change_percent"),
                    baseline_year=o.get("baseline_year"),
                    direction=e.Direction(o["direction"]) if o.get("direction") else None,
                    wording=o.get("wording"),
                    source=o.get("source"),
                    agreed_in=meetings[o["agreed_in"]] if o.get("agreed_in") else None,
                    validated=bool(o.get("validated", False)),
                    position=opos,
                )
            )
        block = i.get("measurements")
        if block:
            for v in block["values"]:
                indicator.measurements.append(
                    Measurement(
                        year=int(v["year"]),
                        value=float(v["value"]),
                        breakdown_key=v.get("breakdown_key") or "",
                        source=block.get("source"),
                        illustrative=bool(block.get("illustrative", False)),
                    )
                )


def write_demo(path: Path, overwrite: bool = False) -> dict[str, int]:
    """Write the Alliance's 2024 year into a new database file at ``path``.

    Returns:
        How many rows of each kind were written (keys: ``meetings``, ``points``,
        ``indicators``, …).

    Raises:
        KnownError: the file exists and ``overwrite`` is false, or it cannot be written.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise KnownError(
            t(
                f"« {path} » existe déjà : choisissez un autre nom ou demandez à le remplacer.",
                f"“{path}” already exists: choose another name or ask to replace it.",
            )
        )
    # Read the content before touching any file, so a damaged installation destroys nothing.
    data = load_demo_content()
    if overwrite:
        _remove_existing(path)
    db = open_database(path)
    try:
        with db.session() as s:
            _fill(s, data)
        with db.read() as s:
            counts = {
                name: int(s.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in COUNTED
            }
    except BaseException:
        # A half-written demo would pass for a real one: leave no file behind.
        db.close()
        with contextlib.suppress(KnownError):
            _remove_existing(path)
        raise
    db.close()
    return counts
