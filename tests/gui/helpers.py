"""Data and tools shared by the GUI tests: a small database filled through the ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QMessageLogContext, QtMsgType

from alliance_desktop.core import enums as e
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import (
    Attendance,
    Contributor,
    HarvestItem,
    Indicator,
    Lever,
    ListeningNote,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
)


@dataclass
class QtMessages:
    """Qt warnings and critical messages emitted during one test."""

    records: list[str] = field(default_factory=list)

    def handle(self, mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        serious = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        if mode in serious:
            self.records.append(f"{mode.name}: {message}")


HOSTILE = "<b>gras</b> & <script>alert('x')</script> « ok »"


def fill(db: Database) -> dict[str, Meeting]:
    """Three sessions: a closed GES workshop, a running air workshop, the Rencontres."""
    with db.session() as s:
        reference.ensure(s)
        metro = Organisation(name="Clermont Auvergne Métropole", short_name="Métropole")
        shift = Organisation(name="The Shift Project")
        valtom = Organisation(name="Valtom", is_member=True)
        s.add_all([metro, shift, valtom])
        people = [
            Person(first_name="Camille", last_name="Exemple", organisation=metro),
            Person(first_name="Dominique", last_name="Fictif", organisation=shift),
            Person(first_name="Alex", last_name="Imaginaire", organisation=valtom),
        ]
        s.add_all(people)
        ges = Meeting(
            number=5,
            date=dt.date(2024, 5, 29),
            start_time=dt.time(17, 0),
            planned_end=dt.time(19, 0),
            title="Atelier 2 — Réduire les émissions de GES",
            theme_id=reference.theme_id(e.Theme.GES),
            stage_id=reference.stage_id(e.Stage.OBJECTIVES),
            location="Salle des conférences",
            background="Le territoire émet environ 1 500 kt CO2e par an.\n\nSecond paragraphe.",
            status=e.SessionStatus.CLOSED,
        )
        ges.contributors = [
            Contributor(role=e.ContributorRole.SPEAKER, organisation=shift),
            Contributor(role=e.ContributorRole.CO_FACILITATOR, label="CISCA", position=1),
        ]
        ges.attendances = [
            Attendance(person=people[0], organisation=metro, status=e.AttendanceStatus.PRESENT),
            Attendance(
                person=people[1],
                organisation=shift,
                role=e.Role.EXPERT,
                status=e.AttendanceStatus.PRESENT,
            ),
            Attendance(person=people[2], organisation=valtom, status=e.AttendanceStatus.EXCUSED),
        ]
        ges.points = [
            Point(kind=e.PointKind.CONSENSUS, text="Large consensus sur la réduction", position=1),
            Point(kind=e.PointKind.DISSENT, text="Intensité économique ou tonnes ?", position=2),
            Point(kind=e.PointKind.OPEN_QUESTION, text="Mieux évaluer les GES évités", position=3),
            Point(kind=e.PointKind.CONSENSUS, text=HOSTILE, position=4),
        ]
        ges.notes = [ListeningNote(text="Quelles données pour le fret ?")]
        ges.levers = [
            Lever(heading="Mobilités", text="Développer le covoiturage"),
            Lever(heading="Mobilités", text="Plus de vélos", position=1),
        ]
        air = Meeting(
            number=7,
            date=dt.date(2024, 9, 5),
            title="Atelier 2 — Qualité de l'air",
            theme_id=reference.theme_id(e.Theme.AIR),
            stage_id=reference.stage_id(e.Stage.OBJECTIVES),
            status=e.SessionStatus.RUNNING,
        )
        air.attendances = [
            Attendance(person=people[0], organisation=metro, status=e.AttendanceStatus.PRESENT)
        ]
        air.points = [Point(kind=e.PointKind.DISSENT, text="Le chauffage au bois divise")]
        rencontres = Meeting(
            date=dt.date(2024, 10, 10),
            title="Rencontres de la transition",
            kind=e.SessionKind.RENCONTRES,
            status=e.SessionStatus.CLOSED,
        )
        rencontres.harvest_items = [
            HarvestItem(
                theme_id=reference.theme_id(e.Theme.EAU),
                column=e.HarvestColumn.WHAT_IS_MISSING,
                text="Des données sur les nappes",
            ),
            HarvestItem(
                theme_id=reference.theme_id(e.Theme.EAU),
                column=e.HarvestColumn.WHO_IS_MISSING,
                text="Les agriculteurs",
            ),
        ]
        s.add_all([ges, air, rencontres])
        s.flush()
        indicator = Indicator(
            theme_id=reference.theme_id(e.Theme.GES),
            name="Émissions de GES par secteur",
            unit="kt CO2e",
            adopted_in_id=ges.id,
        )
        indicator.objectives = [
            Objective(
                kind=e.ObjectiveKind.TARGET,
                target_value=787,
                horizon_year=2030,
                wording="787 kt CO2e en 2030",
                agreed_in_id=ges.id,
            )
        ]
        s.add(indicator)
        return {"ges": ges, "air": air, "rencontres": rencontres}
