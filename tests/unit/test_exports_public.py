"""The public minutes: every person under a stable pseudonym, no name or address left in texts."""

from __future__ import annotations

import re
import shutil
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from test_exports_data import (
    HIDDEN_NAMES,
    SHOWN_NAME,
    Sample,
    build_sample,
    iter_paragraphs,
    jpeg,
    open_db,
    squash,
    style_name,
)

from alliance_desktop import cli
from alliance_desktop.core import enums as e
from alliance_desktop.exports.minutes import write_minutes, write_summary
from alliance_desktop.exports.queries import build_minutes
from alliance_desktop.services.privacy import set_notice
from alliance_desktop.storage.models import (
    Attachment,
    Attendance,
    Contributor,
    HarvestItem,
    Lever,
    ListeningNote,
    Meeting,
    Organisation,
    Person,
    Point,
)

FIRST, LAST, EMAIL = "Bérénice", "Delacroix", "b.delacroix@asso-exemple.fr"
POINT = f"{FIRST} {LAST} ({EMAIL}) rappelle que le fret pèse lourd."
NOTE = f"Demander à Mme {LAST} les chiffres du fret ; écrire à {EMAIL.upper()}."
CAPTION = f"La fresque, commentée par {FIRST.upper()} {LAST.upper()}"
# Someone of the directory who did not come, quoted in a lever and the background.
ABSENT = ("Hugo", "Lointain")
LEVER = "Reprendre la proposition d'Hugo Lointain sur les parkings relais."
NOTICE = "Vos données sont gérées par l'équipe d'animation (alliance@exemple.fr)."
PSEUDONYM = re.compile(r"Participant·e \d+")


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    """The export tests' sample, plus a consenting participant quoted in many texts."""
    built = build_sample(tmp_path / "sample.sqlite3")
    db = open_db(built.path)
    try:
        with db.session() as s:
            main = s.get(Meeting, built.main)
            assert main is not None
            asso = Organisation(name="Association Vélo-Cité", is_member=True)
            berenice = Person(
                first_name=FIRST,
                last_name=LAST,
                email=EMAIL,
                organisation=asso,
                consent_named=True,
            )
            absent = Person(first_name=ABSENT[0], last_name=ABSENT[1], email="hugo@exemple.org")
            s.add_all([asso, berenice, absent])
            s.flush()
            s.add_all(
                [
                    Attendance(
                        meeting_id=main.id,
                        person_id=berenice.id,
                        organisation_id=asso.id,
                        status=e.AttendanceStatus.PRESENT,
                    ),
                    Point(meeting_id=main.id, kind=e.PointKind.CONSENSUS, text=POINT, position=6),
                    ListeningNote(
                        meeting_id=main.id, text=NOTE, signed_by_id=berenice.id, position=3
                    ),
                    Attachment(
                        meeting_id=main.id,
                        filename=f"fresque-{FIRST.lower()}-{LAST.lower()}.jpg",
                        caption=CAPTION,
                        data=jpeg(),
                        position=5,
                    ),
                    Lever(meeting_id=main.id, heading="Mobilités", text=LEVER, position=3),
                    Contributor(
                        meeting_id=main.id,
                        role=e.ContributorRole.SPEAKER,
                        person_id=berenice.id,
                        position=4,
                    ),
                ]
            )
            main.background = (main.background or "") + f"\n\nMerci à {ABSENT[0]} {ABSENT[1]}."
            rencontres = s.get(Meeting, built.rencontres)
            assert rencontres is not None
            s.add(
                HarvestItem(
                    meeting_id=rencontres.id,
                    column=e.HarvestColumn.PARTNER_ACTIONS,
                    text=f"Ateliers vélo avec {FIRST} {LAST}",
                    partner_label=f"{LAST} et associés",
                    facilitated_by=f"{FIRST} {LAST}",
                )
            )
    finally:
        db.close()
    return built


def write(sample: Sample, out: Path, *, public: bool, meeting: uuid.UUID | None = None) -> Path:
    db = open_db(sample.path)
    try:
        return write_minutes(db, meeting or sample.main, out, public=public)
    finally:
        db.close()


def texts(path: Path) -> list[str]:
    """Every paragraph of the body and every table cell, header and footer included."""
    document = docx.Document(str(path))
    out = [p.text for p in iter_paragraphs(document)]
    for table in document.tables:
        for row in table.rows:
            out += [cell.text for cell in row.cells]
    for section in document.sections:
        out += [p.text for p in section.header.paragraphs]
        out += [p.text for p in section.footer.paragraphs]
    return [squash(t) for t in out]


def package_xml(path: Path) -> dict[str, str]:
    """Every XML part of the .docx, as text: document.xml, properties, headers…"""
    with zipfile.ZipFile(path) as package:
        return {
            n: package.read(n).decode("utf-8")
            for n in package.namelist()
            if n.endswith((".xml", ".rels"))
        }


def leaks(path: Path, words: tuple[str, ...]) -> list[str]:
    """The ``words`` found anywhere in the document, whatever their case."""
    found = []
    paragraphs = texts(path)
    xml = package_xml(path)
    for word in words:
        # As a word: « Lou » must not be found in « lourd ».
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        if any(pattern.search(t) for t in paragraphs):
            found.append(f"{word} in the text")
        for name, content in xml.items():
            if pattern.search(content):
                found.append(f"{word} in {name}")
    return found


IDENTIFYING = (
    FIRST,
    LAST,
    EMAIL,
    *ABSENT,
    "hugo@exemple.org",
    *SHOWN_NAME.split(),
    *(part for name in HIDDEN_NAMES for part in name.split()),
)


def test_public_minutes_name_nobody_anywhere(sample: Sample, tmp_path: Path) -> None:
    out = write(sample, tmp_path / "public.docx", public=True)
    assert leaks(out, IDENTIFYING) == []
    # Checked on the raw XML of the body too, where a run split could hide a name from
    # the paragraph texts: no such split either.
    body = package_xml(out)["word/document.xml"]
    for word in (FIRST, LAST, EMAIL, "Delacroix", "delacroix"):
        assert word not in body


def test_ordinary_minutes_keep_names_of_consenting_people(sample: Sample, tmp_path: Path) -> None:
    out = write(sample, tmp_path / "cr.docx", public=False)
    text = "\n".join(texts(out))
    assert squash(POINT) in text
    assert squash(CAPTION) in text
    assert f"{FIRST} {LAST}" in text  # the annex and the speakers, with consent
    assert SHOWN_NAME in text
    assert EMAIL in text
    # The consent rules of the ordinary minutes hold as before.
    for hidden in HIDDEN_NAMES:
        assert hidden not in text
    assert not PSEUDONYM.search(text)
    assert "version publique" not in text


def _annex(path: Path) -> dict[str, list[str]]:
    document = docx.Document(str(path))
    table = document.tables[-1]
    rows = [[squash(c.text) for c in row.cells] for row in table.rows]
    assert rows[0] == ["Organisation", "Présents", "Participant·es (pseudonymes)"]
    return {org: PSEUDONYM.findall(names) for org, _n, names in rows[1:]}


def test_pseudonyms_are_stable_within_the_document(sample: Sample, tmp_path: Path) -> None:
    out = write(sample, tmp_path / "public.docx", public=True)
    annex = _annex(out)
    # Everyone present has a pseudonym, numbered down the annex from 1.
    listed = [p for names in annex.values() for p in names]
    assert sorted(listed, key=lambda p: int(p.split()[-1])) == [
        f"Participant·e {n}" for n in range(1, len(listed) + 1)
    ]
    assert len(listed) == 4
    (berenice,) = annex["Association Vélo-Cité"]
    text = "\n".join(texts(out))
    # The same pseudonym wherever she appears: speaker, point, note, caption.
    assert f"{berenice} (Association Vélo-Cité)" in text
    # Her name and her address side by side give her pseudonym once.
    assert f"{berenice} rappelle que le fret pèse lourd." in text
    assert f"Demander à Mme {berenice} les chiffres du fret ; écrire à {berenice}." in text
    assert f"La fresque, commentée par {berenice}" in text
    # Camille's pseudonym is hers in the facts table and in the annex alike.
    (camille,) = annex["Clermont Auvergne Métropole"]
    assert camille != berenice
    assert f"{camille} (Clermont Auvergne Métropole)" in _facts(out)["Co-animation"]
    # A person of the directory who did not come, quoted in the texts, is numbered after
    # the session's people, and the same in both places.
    quoted = PSEUDONYM.findall(next(t for t in texts(out) if "parkings relais" in t))
    assert len(quoted) == 1
    assert int(quoted[0].split()[-1]) > len(listed)
    assert f"Merci à {quoted[0]}." in text
    # The same export twice gives the same pseudonyms.
    again = write(sample, tmp_path / "again.docx", public=True)
    assert _annex(again) == annex


def _facts(path: Path) -> dict[str, list[str]]:
    table = docx.Document(str(path)).tables[0]
    return {row.cells[0].text: row.cells[1].text.split("\n") for row in table.rows}


def test_organisations_and_content_stay(sample: Sample, tmp_path: Path) -> None:
    out = write(sample, tmp_path / "public.docx", public=True)
    text = "\n".join(texts(out))
    for kept in (
        "The Shift Project",
        "Clermont Auvergne Métropole",
        "Valtom",
        "Association Vélo-Cité",
        "Réduire les émissions fait consensus.",
        "Ouvrir le spectre des déchets.",
        "Les gaz à effet de serre proviennent surtout de l'énergie.",
        "Mathis Croquis",  # a label, not a person of the directory
        "Excusé·es : Ligue pour la protection des oiseaux",
    ):
        assert kept in text, kept
    document = docx.Document(str(out))
    subtitle = [squash(p.text) for p in document.paragraphs if style_name(p) == "Subtitle"]
    assert subtitle == ["Compte-rendu de la séance n° 5 du 29 mai 2024 – version publique"]
    assert "version publique" in document.core_properties.subject
    # The pictures are still there, under their rewritten captions.
    assert len(document.inline_shapes) == 3


def test_harvest_items_are_rewritten(sample: Sample, tmp_path: Path) -> None:
    out = write(sample, tmp_path / "rencontres.docx", public=True, meeting=sample.rencontres)
    assert leaks(out, (FIRST, LAST, "Zoé", "Secret")) == []
    text = "\n".join(texts(out))
    assert "Valtom : Gestion des biodéchets" in text  # organisations keep their names
    assert re.search(r"Participant·e \d+ et associés : Ateliers vélo avec Participant·e \d+", text)
    ordinary = write(
        sample, tmp_path / "rencontres-cr.docx", public=False, meeting=sample.rencontres
    )
    assert f"Ateliers vélo avec {FIRST} {LAST}" in "\n".join(texts(ordinary))


def test_an_earlier_spelling_of_a_name_is_caught(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        with db.session() as s:
            person = s.scalars(select(Person).where(Person.last_name == LAST)).one()
            person.last_name = "Delacroix-Martin"
    finally:
        db.close()
    out = write(sample, tmp_path / "public.docx", public=True)
    assert leaks(out, (LAST, EMAIL)) == []


def test_the_notice_appears_only_when_enabled(sample: Sample, tmp_path: Path) -> None:
    heading = "Information sur vos données personnelles"
    for public in (False, True):
        out = write(sample, tmp_path / f"sans-{public}.docx", public=public)
        assert not any(heading in t for t in texts(out))

    db = open_db(sample.path)
    try:
        set_notice(db, "", in_minutes=True)  # the default wording
    finally:
        db.close()
    out = write(sample, tmp_path / "defaut.docx", public=False)
    document = docx.Document(str(out))
    last = [p for p in document.paragraphs if p.text.strip()]
    headings = [p.text for p in document.paragraphs if style_name(p) == "Heading 1"]
    # The last section of the minutes, after the annex.
    assert headings[-1] == heading
    body = squash(last[-1].text)
    assert body.startswith("L'Alliance pour la transition écologique et solidaire")
    assert heading not in body  # the default wording's own title is not repeated
    # The summary does not carry it.
    db = open_db(sample.path)
    try:
        summary = write_summary(db, sample.main, tmp_path / "synthese.docx")
    finally:
        db.close()
    assert not any(heading in t for t in texts(summary))

    db = open_db(sample.path)
    try:
        set_notice(db, f"{NOTICE}\x0bContact\x00 : {FIRST} {LAST}.", in_minutes=True)
    finally:
        db.close()
    out = write(sample, tmp_path / "notice.docx", public=False)
    text = "\n".join(texts(out))
    assert squash(NOTICE) in text
    assert f"Contact : {FIRST} {LAST}." in text  # sanitised: \x00 gone, \x0b a line break
    shared = write(sample, tmp_path / "notice-public.docx", public=True)
    assert squash(NOTICE) in "\n".join(texts(shared))
    assert leaks(shared, (FIRST, LAST)) == []

    db = open_db(sample.path)
    try:
        set_notice(db, NOTICE, in_minutes=False)
    finally:
        db.close()
    out = write(sample, tmp_path / "off.docx", public=False)
    assert not any(heading in t for t in texts(out))


def test_the_model_says_public(sample: Sample) -> None:
    db = open_db(sample.path)
    try:
        ordinary = build_minutes(db, sample.main)
        public = build_minutes(db, sample.main, public=True)
    finally:
        db.close()
    assert not ordinary.public and public.public
    assert ordinary.session == public.session  # nothing to rewrite in this title
    assert len(public.points) == len(ordinary.points)
    assert all(
        o.count == p.count
        for o, p in zip(
            ordinary.attendance.organisations, public.attendance.organisations, strict=True
        )
    )
    assert all(o.unnamed == 0 for o in public.attendance.organisations)


def test_cli_public_minutes(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "public.docx"
    code = cli.main(
        ["export", "minutes", "--session", "5", "-o", str(out), "--db", str(sample.path),
         "--public"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert str(out) in captured.out
    assert leaks(out, IDENTIFYING) == []
    assert PSEUDONYM.search("\n".join(texts(out)))
    # Only the minutes have a public version.
    with pytest.raises(SystemExit) as stop:
        cli.main(
            ["export", "summary", "--session", "5", "-o", str(tmp_path / "s.docx"),
             "--db", str(sample.path), "--public"]
        )  # fmt: skip
    assert stop.value.code == 2


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed",
)
def test_public_minutes_convert_with_libreoffice(sample: Sample, tmp_path: Path) -> None:
    from test_exports_libreoffice import pages, to_pdf

    db = open_db(sample.path)
    try:
        set_notice(db, "", in_minutes=True)
    finally:
        db.close()
    docs = tmp_path / "docs"
    docs.mkdir()
    out = write(sample, docs / "compte-rendu-public.docx", public=True)
    (pdf,) = to_pdf([out], docs)
    assert pages(pdf) >= 2


def test_a_name_and_its_address_side_by_side_give_one_pseudonym(
    sample: Sample, tmp_path: Path
) -> None:
    db = open_db(sample.path)
    try:
        with db.session() as s:
            s.add(
                Point(
                    meeting_id=sample.main,
                    kind=e.PointKind.DISSENT,
                    text=f"Écrire à {FIRST} {LAST} <{EMAIL}> ou à Hugo Lointain [{EMAIL}].",
                    position=7,
                )
            )
    finally:
        db.close()
    out = write(sample, tmp_path / "public.docx", public=True)
    (berenice,) = _annex(out)["Association Vélo-Cité"]
    line = next(t for t in texts(out) if t.startswith("2 – Écrire à"))
    hugo = PSEUDONYM.findall(line)[1]
    assert hugo != berenice
    # The pseudonym said once for the same person; kept twice for two different people.
    assert line == f"2 – Écrire à {berenice} ou à {hugo} [{berenice}]."


def test_only_people_in_the_document_take_a_number(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        with db.session() as s:
            # Invited but absent, and the author of a note that does not name her: neither
            # appears in the minutes, so neither may leave a gap in the numbering.
            absent = Person(first_name="Inès", last_name="Invitée")
            signer = Person(first_name="Sacha", last_name="Signe")
            s.add_all([absent, signer])
            s.flush()
            s.add_all(
                [
                    Attendance(
                        meeting_id=sample.main,
                        person_id=absent.id,
                        status=e.AttendanceStatus.INVITED,
                    ),
                    ListeningNote(
                        meeting_id=sample.main,
                        text="Et le fret ferroviaire ?",
                        signed_by_id=signer.id,
                        position=4,
                    ),
                ]
            )
    finally:
        db.close()
    out = write(sample, tmp_path / "public.docx", public=True)
    numbers = {int(p.split()[-1]) for t in texts(out) for p in PSEUDONYM.findall(t)}
    assert numbers == set(range(1, max(numbers) + 1))
    assert max(numbers) == 5  # four present, then Hugo Lointain, quoted in the texts
    assert leaks(out, ("Inès", "Invitée", "Sacha", "Signe")) == []
