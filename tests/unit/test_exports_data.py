"""A small database built through the ORM for the export tests, and docx read-back helpers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from PIL import Image, ImageDraw

from alliance_desktop.core import enums as e
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import (
    Attachment,
    Attendance,
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

# People who refused to be named: their names must never reach a document or a table.
HIDDEN_NAMES = ("Zoé Secret", "Yves Discret", "Lou Signataire")
SHOWN_NAME = "Camille Exemple"
CONSENSUS = ("Réduire les émissions fait consensus.", "Les bilans carbone sont une base.")
DISSENT = ("Le rythme de la trajectoire divise le groupe.",)
OPEN = ("Comment évaluer les émissions évitées ?", "Quel lien avec la qualité de l'air ?")
AIR_PLANS = {  # pollutant: (PREPA 2030, PPA 2027) against 2005
    "NOx": (-69, -69),
    "PM2.5": (-57, -50),
    "NH3": (-13, -11),
    "COVNM": (-52, -46),
    "SO2": (-77, -77),
}


def jpeg(size: tuple[int, int] = (400, 300), orientation: int | None = None) -> bytes:
    img = Image.new("RGB", size, (46, 107, 63))
    ImageDraw.Draw(img).rectangle([(10, 10), (size[0] // 2, size[1] // 3)], fill="white")
    out = io.BytesIO()
    if orientation is None:
        img.save(out, "JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_rgba(size: tuple[int, int] = (300, 200)) -> bytes:
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse([(20, 20), (200, 150)], fill=(181, 84, 28, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@dataclass
class Sample:
    """Where the sample database is and the ids the tests look up."""

    path: Path
    main: Any
    air: Any
    rencontres: Any
    planned: Any


def build_sample(path: Path) -> Sample:
    """A year with a rich session (n° 5, 29 May 2024), an air session and the Rencontres."""
    db = open_database(path)
    try:
        with db.session() as s:
            ges, air_theme = reference.theme_id(e.Theme.GES), reference.theme_id(e.Theme.AIR)
            bio = reference.theme_id(e.Theme.BIODIVERSITE)
            acc = reference.stage_id(e.Stage.ACCULTURATION)
            obj = reference.stage_id(e.Stage.OBJECTIVES)
            metro = Organisation(name="Clermont Auvergne Métropole", is_member=True)
            valtom = Organisation(name="Valtom", is_member=True)
            lpo = Organisation(name="Ligue pour la protection des oiseaux", short_name="LPO")
            shift = Organisation(name="The Shift Project")
            camille = Person(
                first_name="Camille", last_name="Exemple", organisation=metro, consent_named=True
            )
            zoe = Person(first_name="Zoé", last_name="Secret", organisation=valtom)
            yves = Person(first_name="Yves", last_name="Discret")
            lou = Person(first_name="Lou", last_name="Signataire", organisation=lpo)
            s.add_all([metro, valtom, lpo, shift, camille, zoe, yves, lou])

            before = Meeting(
                number=4,
                date=dt.date(2024, 5, 14),
                title="Atelier 1 sur la préservation de la biodiversité",
                theme_id=bio,
                stage_id=acc,
                status=e.SessionStatus.CLOSED,
            )
            main = Meeting(
                number=5,
                date=dt.date(2024, 5, 29),
                start_time=dt.time(17, 0),
                planned_end=dt.time(19, 0),
                title="Atelier 2 sur la réduction des gaz à effet de serre",
                theme_id=ges,
                stage_id=obj,
                location="Hôtel de Métropole",
                background=(
                    "Les gaz à effet de serre proviennent surtout de l'énergie.\n\n"
                    "Note: la distinction « émissions » et concentration est clé."
                ),
                status=e.SessionStatus.CLOSED,
            )
            planned = Meeting(
                number=6,
                date=dt.date(2024, 6, 19),
                start_time=dt.time(17, 0),
                planned_end=dt.time(19, 0),
                title="Atelier 1 sur la qualité de l'air",
                theme_id=air_theme,
                stage_id=acc,
                status=e.SessionStatus.PLANNED,
            )
            air = Meeting(
                number=7,
                date=dt.date(2024, 9, 5),
                title="Atelier 2 sur la qualité de l'air",
                theme_id=air_theme,
                stage_id=obj,
                status=e.SessionStatus.CLOSED,
            )
            rencontres = Meeting(
                date=dt.date(2024, 10, 10),
                title="Rencontres de la transition",
                kind=e.SessionKind.RENCONTRES,
                location="Salons de l'Hôtel de Ville",
                status=e.SessionStatus.CLOSED,
            )
            s.add_all([before, main, planned, air, rencontres])
            s.flush()

            main.contributors = [
                Contributor(role=e.ContributorRole.SPEAKER, organisation=shift, position=0),
                Contributor(role=e.ContributorRole.CO_FACILITATOR, person=zoe, position=1),
                Contributor(role=e.ContributorRole.CO_FACILITATOR, person=camille, position=2),
                Contributor(
                    role=e.ContributorRole.GRAPHIC_FACILITATOR, label="Mathis Croquis", position=3
                ),
            ]
            main.attendances = [
                Attendance(
                    person=camille,
                    organisation=metro,
                    role=e.Role.FACILITATOR,
                    status=e.AttendanceStatus.PRESENT,
                    mode=e.ParticipationMode.PROFESSIONAL,
                ),
                Attendance(
                    person=zoe,
                    organisation=valtom,
                    status=e.AttendanceStatus.PRESENT,
                    mode=e.ParticipationMode.PROFESSIONAL,
                ),
                Attendance(
                    person=yves,
                    role=e.Role.RESIDENT,
                    status=e.AttendanceStatus.PRESENT,
                    mode=e.ParticipationMode.VOLUNTEER,
                ),
                Attendance(person=lou, organisation=lpo, status=e.AttendanceStatus.EXCUSED),
            ]
            main.points = [
                Point(kind=e.PointKind.CONSENSUS, text=CONSENSUS[0], position=1),
                Point(kind=e.PointKind.DISSENT, text=DISSENT[0], position=2),
                Point(kind=e.PointKind.CONSENSUS, text=CONSENSUS[1], position=3),
                Point(kind=e.PointKind.OPEN_QUESTION, text=OPEN[0], position=4),
                Point(kind=e.PointKind.OPEN_QUESTION, text=OPEN[1], position=5),
            ]
            main.notes = [
                ListeningNote(
                    text="Quelle place pour les publics précaires ?",
                    signed_by_id=lou.id,
                    follow_up=e.FollowUp.CARRIED_OVER,
                    carried_to_id=planned.id,
                    position=1,
                ),
                ListeningNote(
                    text="Que mesure-t-on vraiment ?",
                    follow_up=e.FollowUp.ANSWERED,
                    answer="Les émissions du territoire, par secteur.",
                    position=2,
                ),
            ]
            main.levers = [
                Lever(heading="Déchets", text="Ouvrir le spectre des déchets.", position=1),
                Lever(heading="Mobilités", text="Compter les parcs de véhicules.", position=2),
            ]
            main.attachments = [
                Attachment(
                    filename="tableau-1.jpg",
                    caption="La fresque du jour",
                    data=jpeg(orientation=6),
                    position=1,
                ),
                Attachment(
                    filename="tableau-2.png", media_type="image/png", data=png_rgba(), position=2
                ),
                Attachment(filename="abime.jpg", data=jpeg()[:200], position=3),
                Attachment(
                    filename="notes.txt",
                    media_type="text/plain",
                    kind=e.AttachmentKind.OTHER,
                    data=b"texte",
                    position=4,
                ),
            ]
            rencontres.harvest_items = [
                HarvestItem(
                    theme_id=ges,
                    column=e.HarvestColumn.WHAT_IS_MISSING,
                    text="Imposer le réemploi",
                    facilitated_by="The Shifters Auvergne",
                ),
                HarvestItem(
                    theme_id=ges,
                    column=e.HarvestColumn.PARTNER_ACTIONS,
                    text="Gestion des biodéchets",
                    partner_organisation=valtom,
                ),
                HarvestItem(
                    theme_id=bio,
                    column=e.HarvestColumn.WHO_IS_MISSING,
                    text="Réseaux de jardiniers",
                ),
            ]
            rencontres.attendances = [
                Attendance(
                    person=zoe,
                    organisation=valtom,
                    role=e.Role.MEMBER,
                    status=e.AttendanceStatus.PRESENT,
                ),
            ]

            ges_ind = Indicator(
                theme_id=ges,
                name="Émissions de gaz à effet de serre par secteur",
                unit="kt CO2e",
                breakdown_label="secteur",
                breakdown=["Transport", "Résidentiel"],
                adopted_in_id=main.id,
                position=1,
            )
            ges_ind.objectives = [
                Objective(
                    kind=e.ObjectiveKind.TARGET,
                    target_value=787,
                    horizon_year=2030,
                    source="SNBC, Fit For 50",
                    agreed_in_id=main.id,
                    validated=True,
                )
            ]
            ges_ind.measurements = [
                Measurement(year=2015, value=410.5, breakdown_key="Transport", illustrative=True),
                Measurement(year=2018, value=395.0, breakdown_key="Transport", illustrative=True),
                Measurement(year=2015, value=300.0, breakdown_key="Résidentiel", illustrative=True),
                Measurement(year=2018, value=280.0, breakdown_key="Résidentiel", illustrative=True),
            ]
            bare = Indicator(
                theme_id=ges,
                name="Émissions évitées",
                unit="kt CO2e",
                adopted_in_id=main.id,
                position=2,
            )
            air_ind = Indicator(
                theme_id=air_theme,
                name="Émissions des 6 polluants réglementaires",
                unit="t",
                breakdown_label="polluant",
                breakdown=["NH3", "PM2.5", "PM10", "COVNM", "NOx", "SO2"],
                source="PREPA et PPA",
                adopted_in_id=air.id,
                position=1,
            )
            for n, (key, (prepa, ppa)) in enumerate(AIR_PLANS.items()):
                for plan, pct, horizon in (("PREPA", prepa, 2030), ("PPA", ppa, 2027)):
                    air_ind.objectives.append(
                        Objective(
                            kind=e.ObjectiveKind.CHANGE,
                            breakdown_key=key,
                            change_percent=pct,
                            horizon_year=horizon,
                            baseline_year=2005,
                            source=plan,
                            agreed_in_id=air.id,
                            validated=True,
                            position=n,
                        )
                    )
            air_ind.measurements = [
                Measurement(year=2005, value=5200.0, breakdown_key="NOx"),
                Measurement(year=2018, value=3400.0, breakdown_key="NOx"),
            ]
            s.add_all([ges_ind, bare, air_ind])
            ids = Sample(path, main.id, air.id, rencontres.id, planned.id)
    finally:
        db.close()
    return ids


def open_db(path: Path) -> Database:
    return open_database(path, create=False)


def iter_paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph of the body, tables included, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(block, document)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def _paragraph_text(p: Any) -> str:
    from docx.oxml.ns import qn

    out = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == qn("w:tab") else "\n")
    return "".join(out)


def full_text(path: Path) -> str:
    """All the text of a .docx: body, tables, headers, footers and file properties.

    Read with lxml directly: python-docx's ``paragraph.text`` runs an XPath query per
    paragraph, minutes on the hostile-text documents.
    """
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    parts = [_paragraph_text(p) for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    props = document.core_properties
    parts += [props.title or "", props.subject or "", props.author or "", props.comments or ""]
    return "\n".join(parts)


def style_name(paragraph: Any) -> str:
    """The name of a paragraph's style ("" when it has none)."""
    style = paragraph.style
    return str(style.name) if style is not None and style.name is not None else ""


def squash(text: str) -> str:
    """Text with every kind of space made ordinary, to compare with the database's text."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_sample_builds_and_reads_back(tmp_path: Path) -> None:
    sample = build_sample(tmp_path / "sample.sqlite3")
    db = open_db(sample.path)
    try:
        with db.read() as s:
            meeting = s.get(Meeting, sample.main)
            assert meeting is not None
            assert len(meeting.points) == 5
            assert len(meeting.attachments) == 4
    finally:
        db.close()
