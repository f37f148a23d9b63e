"""Minutes and one-page summary: content read back from the .docx against the database."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from test_exports_data import (
    CONSENSUS,
    DISSENT,
    HIDDEN_NAMES,
    OPEN,
    SHOWN_NAME,
    Sample,
    build_sample,
    full_text,
    iter_paragraphs,
    open_db,
    squash,
    style_name,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports.minutes import write_minutes, write_summary
from alliance_desktop.exports.queries import build_minutes, find_session
from alliance_desktop.storage.models import Point


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return build_sample(tmp_path / "sample.sqlite3")


def minutes_of(sample: Sample, out: Path, template: Path | None = None) -> Path:
    db = open_db(sample.path)
    try:
        return write_minutes(db, sample.main, out, template)
    finally:
        db.close()


def styled(document: docx.document.Document, prefix: str) -> list[str]:
    return [p.text for p in document.paragraphs if style_name(p).startswith(prefix)]


def test_minutes_header_and_facts(sample: Sample, tmp_path: Path) -> None:
    out = minutes_of(sample, tmp_path / "cr.docx")
    document = docx.Document(str(out))
    assert styled(document, "Title") == ["Atelier 2 sur la réduction des gaz à effet de serre"]
    text = squash(full_text(out))
    assert "29 mai 2024" in text
    assert "17:00–19:00" in text
    assert "Réduire les émissions de gaz à effet de serre" in text
    assert "Objectifs & indicateurs" in text
    assert "Hôtel de Métropole" in text
    assert "The Shift Project" in text  # the speaker
    assert "Mathis Croquis" in text  # the graphic facilitator, by label


def test_minutes_sections_are_real_headings(sample: Sample, tmp_path: Path) -> None:
    document = docx.Document(str(minutes_of(sample, tmp_path / "cr.docx")))
    h1 = [squash(t) for t in styled(document, "Heading 1")]
    for expected in (
        "Participation",
        "Comprenons-nous bien…",
        "Les points saillants de nos échanges…",
        "Les éléments à éclaircir, approfondir ou aborder…",
        "Objectifs & indicateurs choisis",
        "Leviers d'action",
        "Grilles d'écoute active",
        "Facilitation graphique",
        "À reprendre lors de la prochaine séance",
        "Annexe : liste des participant·es",
    ):
        assert expected in h1
    # The content comes first; the list of names closes the minutes.
    assert h1.index("Participation") < h1.index("Comprenons-nous bien…")
    assert h1[-1] == "Annexe : liste des participant·es"
    h2 = [squash(t) for t in styled(document, "Heading 2")]
    assert "Ce qui fait consensus" in h2
    assert "Ce qui fait débat (dissensus)" in h2
    # Headings carry an outline level, so Word's navigation pane lists them.
    heading = document.styles["Heading 1"].element
    assert heading.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is not None


def test_points_appear_with_consensus_and_dissent_told_apart(
    sample: Sample, tmp_path: Path
) -> None:
    document = docx.Document(str(minutes_of(sample, tmp_path / "cr.docx")))
    consensus = [squash(t) for t in styled(document, tpl.CONSENSUS_STYLE)]
    dissent = [squash(t) for t in styled(document, tpl.DISSENT_STYLE)]
    assert consensus == [f"1 – {CONSENSUS[0]}", f"2 – {CONSENSUS[1]}"]
    assert dissent == [f"1 – {DISSENT[0]}"]
    text = squash(full_text(tmp_path / "cr.docx"))
    for question in OPEN:
        assert squash(question.replace(" ?", "\u00a0?")) in text


def test_every_point_of_the_database_is_in_the_minutes(sample: Sample, tmp_path: Path) -> None:
    out = minutes_of(sample, tmp_path / "cr.docx")
    text = squash(full_text(out))
    db = open_db(sample.path)
    try:
        with db.read() as s:
            points = [p.text for p in s.query(Point).filter(Point.meeting_id == sample.main)]
    finally:
        db.close()
    assert len(points) == 5
    for p in points:
        assert squash(p) in text


def test_consent_is_respected(sample: Sample, tmp_path: Path) -> None:
    out = minutes_of(sample, tmp_path / "cr.docx")
    text = full_text(out)
    for name in HIDDEN_NAMES:
        assert name not in text
        assert name.split()[1] not in text  # not even the last name
    # Nor anywhere in the package (comments, properties, custom XML).
    with zipfile.ZipFile(out) as z:
        for item in z.namelist():
            raw = z.read(item)
            for name in HIDDEN_NAMES:
                assert name.encode() not in raw
    assert SHOWN_NAME in text
    # The organisations of people who are not named are still counted and shown.
    assert "Valtom" in text
    assert "À titre individuel" in text
    assert "Ligue pour la protection des oiseaux" in text  # excused organisation


def test_attendance_counts(sample: Sample, tmp_path: Path) -> None:
    document = docx.Document(str(minutes_of(sample, tmp_path / "cr.docx")))
    text = squash(full_text(tmp_path / "cr.docx"))
    assert "3 personnes présentes, représentant 3 organisations." in text
    assert "bénévole (1)" in text and "temps professionnel (2)" in text
    assert (
        "Organisations représentées : Clermont Auvergne Métropole (1), Valtom (1), "
        "À titre individuel (1)"
    ) in text
    table = next(t for t in document.tables if squash(t.rows[0].cells[0].text) == "Organisation")
    rows = {squash(r.cells[0].text): (r.cells[1].text, r.cells[2].text) for r in table.rows[1:]}
    assert rows["Valtom"] == ("1", "—")
    assert rows["Clermont Auvergne Métropole"] == ("1", SHOWN_NAME)


def test_objectives_table_and_levers(sample: Sample, tmp_path: Path) -> None:
    document = docx.Document(str(minutes_of(sample, tmp_path / "cr.docx")))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Indicateur")
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["Indicateur", "Objectif"]
    body = [[squash(c.text) for c in r.cells] for r in table.rows[1:]]
    assert body[0][0] == "Émissions de gaz à effet de serre par secteur (kt CO2e)"
    assert body[0][1] == "787 kt CO2e"
    assert body[0][2] == "horizon 2030"
    assert body[1][1] == "pas encore d'objectif"  # adopted here without an objective
    text = squash(full_text(tmp_path / "cr.docx"))
    assert "(Source : SNBC, Fit For 50)" in text or "SNBC, Fit For 50" in text
    assert "Ouvrir le spectre des déchets." in text
    assert "Déchets" in text and "Mobilités" in text


def test_notes_are_anonymous_and_carried_items_listed(sample: Sample, tmp_path: Path) -> None:
    out = minutes_of(sample, tmp_path / "cr.docx")
    text = squash(full_text(out))
    assert "Quelle place pour les publics précaires ?" in text
    assert "Lou" not in text
    assert "Réponse : Les émissions du territoire, par secteur." in text
    assert "Reportée à une prochaine séance (séance n° 6 du 19 juin 2024)." in text
    carried = text.split("À reprendre lors de la prochaine séance", 1)[1]
    assert "(grille d'écoute) Quelle place pour les publics précaires ?" in carried
    for question in OPEN:
        assert squash(question) in carried
    assert "Prochaine séance : n° 6, 19 juin 2024, 17:00–19:00" in carried


def test_photos_inserted_and_broken_one_noted(sample: Sample, tmp_path: Path) -> None:
    out = minutes_of(sample, tmp_path / "cr.docx")
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 2
    text = squash(full_text(out))
    assert "La fresque du jour" in text
    assert "Facilitation graphique, planche 2" in text
    assert "Image « abime.jpg » non reproduite : image illisible." in text
    assert "notes.txt" not in text
    # The EXIF-rotated photo was turned upright before going in.
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        sizes = []
        for name in media:
            from PIL import Image

            with Image.open(io.BytesIO(z.read(name))) as img:
                sizes.append(img.size)
                assert img.mode == "RGB"
    assert (300, 400) in sizes


def test_french_typography(sample: Sample, tmp_path: Path) -> None:
    text = full_text(minutes_of(sample, tmp_path / "cr.docx"))
    assert "Note\u00a0: la distinction «\u00a0émissions\u00a0» et" in text
    assert "émissions évitées\u00a0?" in text


def test_summary_has_counts_points_objectives_and_next_session(
    sample: Sample, tmp_path: Path
) -> None:
    db = open_db(sample.path)
    try:
        out = write_summary(db, sample.main, tmp_path / "synthese.docx")
    finally:
        db.close()
    document = docx.Document(str(out))
    text = squash(full_text(out))
    assert "Synthèse de la séance n° 5 du 29 mai 2024" in text
    assert "3 personnes, 3 organisations" in text
    for point in CONSENSUS + DISSENT:
        assert squash(point) in text
    assert "787 kt CO2e à l'horizon 2030" in text
    assert "Quelle place pour les publics précaires ?" in text
    assert "19 juin 2024, 17:00–19:00 – Atelier 1 sur la qualité de l'air" in text
    assert len(document.inline_shapes) == 0
    for name in HIDDEN_NAMES:
        assert name not in text
    assert {"Points de consensus", "Points de dissensus", "Prochaine séance"} <= set(
        styled(document, "Heading 1")
    )


def test_rencontres_minutes_have_three_column_harvest_tables(
    sample: Sample, tmp_path: Path
) -> None:
    db = open_db(sample.path)
    try:
        out = write_minutes(db, sample.rencontres, tmp_path / "rencontres.docx")
    finally:
        db.close()
    document = docx.Document(str(out))
    harvest = [t for t in document.tables if squash(t.rows[0].cells[0].text) == "Ce qui manque ?"]
    assert len(harvest) == 2
    assert [squash(c.text) for c in harvest[0].rows[0].cells] == [
        "Ce qui manque ?",
        "Ceux qui manquent ?",
        "Actions des partenaires",
    ]
    first = [squash(c.text) for c in harvest[0].rows[1].cells]
    assert first == ["– Imposer le réemploi", "Non traité", "– Valtom : Gestion des biodéchets"]
    text = squash(full_text(out))
    assert "Co-animation : The Shifters Auvergne" in text


def test_demo_session_five(tmp_path: Path) -> None:
    from alliance_desktop.services.demo import write_demo

    path = tmp_path / "demo.sqlite3"
    write_demo(path)
    db = open_db(path)
    try:
        meeting = find_session(db, "29/05/2024")
        assert find_session(db, "2024-05-29") == find_session(db, "5") == meeting
        minutes = build_minutes(db, meeting)
        out = write_minutes(db, meeting, tmp_path / "cr5.docx")
        with db.read() as s:
            from alliance_desktop.storage.models import Attendance, Person

            texts = [p.text for p in s.query(Point).filter(Point.meeting_id == meeting)]
            hidden = [
                p.full_name
                for p in s.query(Person)
                .join(Attendance, Attendance.person_id == Person.id)
                .filter(Attendance.meeting_id == meeting, Person.consent_named.is_(False))
            ]
    finally:
        db.close()
    text = squash(full_text(out))
    assert texts
    for point in texts:
        assert squash(point) in text
    for name in hidden:
        assert name not in text
    assert minutes.session.number == 5
    assert "29 mai 2024" in text


def test_unknown_session_is_a_known_error(sample: Sample) -> None:
    db = open_db(sample.path)
    try:
        for ref in ("42", "01/01/2024", "2024-02-30", "hier"):
            with pytest.raises(KnownError):
                find_session(db, ref)
    finally:
        db.close()


def test_paragraph_iterator_sees_tables(sample: Sample, tmp_path: Path) -> None:
    document = docx.Document(str(minutes_of(sample, tmp_path / "cr.docx")))
    texts = [p.text for p in iter_paragraphs(document)]
    assert "Organisation" in texts


def test_two_sessions_on_one_date_ask_for_the_number(sample: Sample) -> None:
    import datetime as dt

    from alliance_desktop.storage.models import Meeting

    db = open_db(sample.path)
    try:
        with db.session() as s:
            s.add(Meeting(number=55, date=dt.date(2024, 5, 29), title="Séance du soir"))
        with pytest.raises(KnownError, match=r"5, 55"):
            find_session(db, "29/05/2024")
        assert find_session(db, "5") == sample.main
    finally:
        db.close()


def test_excused_lists_only_organisations_nobody_represented(
    sample: Sample, tmp_path: Path
) -> None:
    from alliance_desktop.core import enums as e
    from alliance_desktop.storage.models import Attendance, Meeting, Organisation, Person

    db = open_db(sample.path)
    try:
        with db.session() as s:
            meeting = s.get(Meeting, sample.main)
            assert meeting is not None
            valtom = s.query(Organisation).filter_by(name="Valtom").one()
            excused = [
                # Valtom was there (Zoé came): it is not excused for her colleague.
                Person(first_name="Paul", last_name="Collègue", organisation=valtom),
                Person(first_name="Inès", last_name="Voisine", consent_named=True),
                Person(first_name="Hugo", last_name="Réservé"),
                Person(first_name="Léa", last_name="Discrète"),
            ]
            s.add_all(excused)
            meeting.attendances.extend(
                Attendance(person=p, status=e.AttendanceStatus.EXCUSED) for p in excused
            )
    finally:
        db.close()
    out = minutes_of(sample, tmp_path / "cr.docx")
    lines = [squash(p.text) for p in docx.Document(str(out)).paragraphs]
    assert [x for x in lines if x.startswith("Excusé·es")] == [
        "Excusé·es : Ligue pour la protection des oiseaux, Inès Voisine, "
        "2 personnes à titre individuel"
    ]
    text = full_text(out)
    for hidden in ("Collègue", "Réservé", "Discrète"):
        assert hidden not in text
