"""The yearly report's « Le questionnaire des membres »: who answered, who acts on which theme."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from test_exports_data import Sample, build_sample, open_db, squash, style_name

from alliance_desktop import cli
from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import set_language
from alliance_desktop.core.labels import label
from alliance_desktop.exports import api
from alliance_desktop.exports.model import SurveyOverview, ThemeActors
from alliance_desktop.exports.report import write_report
from alliance_desktop.services import members, survey
from alliance_desktop.services.members import OrganisationFields
from alliance_desktop.storage import reference
from alliance_desktop.storage.models import Organisation, SurveyResponse

HEADING = "Le questionnaire des membres"
HEADER = ["Thématique", "Nombre", "Organisations qui y agissent"]
LPO = "Ligue pour la protection des oiseaux"


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return build_sample(tmp_path / "sample.sqlite3")


def answer_with_the_orm(sample: Sample) -> None:
    """Valtom on two themes, the LPO on one, the Métropole in general, one old answer."""
    db = open_db(sample.path)
    try:
        with db.session() as s:
            orgs = {o.name: o for o in s.query(Organisation)}
            old = Organisation(name="Ancienne association", is_member=True)
            s.add(old)
            s.flush()

            def answer(org: Organisation, theme: e.Theme | None, day: dt.date | None) -> None:
                s.add(
                    SurveyResponse(
                        organisation_id=org.id,
                        theme_id=reference.theme_id(theme) if theme else None,
                        answered_on=day,
                        objectives="…",
                    )
                )

            answer(orgs["Valtom"], e.Theme.GES, dt.date(2024, 3, 1))
            answer(orgs["Valtom"], e.Theme.EAU, dt.date(2024, 3, 1))
            answer(orgs[LPO], e.Theme.BIODIVERSITE, dt.date(2024, 4, 2))
            answer(orgs[LPO], e.Theme.GES, None)  # undated: counts for every year
            answer(orgs["Clermont Auvergne Métropole"], None, dt.date(2024, 5, 3))
            answer(old, e.Theme.AIR, dt.date(2023, 6, 1))  # another year's answer
    finally:
        db.close()


def report(sample: Sample, out: Path, overview: SurveyOverview | None) -> docx.document.Document:
    db = open_db(sample.path)
    try:
        write_report(db, 2024, out, chart=None, survey=overview)
    finally:
        db.close()
    return docx.Document(str(out))


def overview_of(sample: Sample, year: int = 2024) -> SurveyOverview:
    db = open_db(sample.path)
    try:
        return SurveyOverview.of(survey.report_synthesis(db, year))
    finally:
        db.close()


def h1(document: docx.document.Document) -> list[str]:
    return [squash(p.text) for p in document.paragraphs if style_name(p) == "Heading 1"]


def section(document: docx.document.Document, heading: str = HEADING) -> list[str]:
    """The paragraphs of the questionnaire's section, up to the next heading."""
    out: list[str] = []
    inside = False
    for p in document.paragraphs:
        if style_name(p).startswith("Heading"):
            if inside:
                break
            inside = squash(p.text) == heading
            continue
        if inside and p.text.strip():
            out.append(squash(p.text))
    return out


def survey_table(document: docx.document.Document, english: bool = False) -> list[list[str]]:
    header = ["Theme", "Number", "Organisations acting on it"] if english else HEADER
    for table in document.tables:
        rows = [[squash(c.text) for c in row.cells] for row in table.rows]
        if rows and rows[0] == header:
            return rows[1:]
    raise AssertionError("no questionnaire table")


def test_overview_is_a_frozen_copy_of_the_services_synthesis(sample: Sample) -> None:
    answer_with_the_orm(sample)
    overview = overview_of(sample)
    assert (overview.answered, overview.members, overview.members_answered) == (3, 3, 2)
    assert overview.year == 2024
    assert overview.general_only == ("Clermont Auvergne Métropole",)
    by_theme = {a.theme: a.organisations for a in overview.themes}
    assert by_theme[e.Theme.GES] == (LPO, "Valtom")
    assert by_theme[e.Theme.EAU] == ("Valtom",)
    assert by_theme[e.Theme.BIODIVERSITE] == (LPO,)
    assert by_theme[e.Theme.AIR] == ()  # the 2023 answer is not this year's
    assert [a.theme for a in overview.themes] == list(e.Theme)


def test_section_counts_and_lists_organisations(sample: Sample, tmp_path: Path) -> None:
    answer_with_the_orm(sample)
    document = report(sample, tmp_path / "rapport.docx", overview_of(sample))
    headings = h1(document)
    # After the theme sections (and the year's other sessions), before the recap.
    at = headings.index(HEADING)
    assert headings[at + 1] == "Récapitulatif des objectifs et indicateurs"
    assert at > max(i for i, h in enumerate(headings) if "Réunion" in h or "Focus" in h)
    text = section(document)
    assert text[0].startswith("Lors du lancement de la démarche, un questionnaire a été transmis")
    assert (
        "À ce jour, 3 organisations ont répondu, dont 2 organisations membres sur 3 "
        "(il est encore temps de le compléter)." in text[0]
    )
    rows = {r[0]: r[1:] for r in survey_table(document)}
    assert list(rows) == [label(th) for th in e.Theme]
    assert rows[label(e.Theme.GES)] == ["2", f"{LPO}, Valtom"]
    assert rows[label(e.Theme.EAU)] == ["1", "Valtom"]
    assert rows[label(e.Theme.BIODIVERSITE)] == ["1", LPO]
    assert rows[label(e.Theme.AIR)] == ["0", "Aucune pour l'instant"]
    assert "Ont répondu sans préciser de thématique : Clermont Auvergne Métropole" in text
    assert any("Réponses de 2024 et réponses non datées" in t for t in text)


def test_with_no_answer_the_section_says_so(sample: Sample, tmp_path: Path) -> None:
    document = report(sample, tmp_path / "rapport.docx", overview_of(sample))
    assert HEADING in h1(document)
    assert section(document) == [
        "Aucune organisation n'a encore répondu au questionnaire transmis aux membres sur "
        "leurs objectifs, stratégies et actions."
    ]
    with pytest.raises(AssertionError):
        survey_table(document)


def test_without_a_synthesis_the_report_is_as_before(sample: Sample, tmp_path: Path) -> None:
    answer_with_the_orm(sample)
    document = report(sample, tmp_path / "rapport.docx", None)
    assert HEADING not in h1(document)
    # The introduction still counts the organisations that answered.
    intro = [squash(p.text) for p in document.paragraphs]
    assert any("organisations ont répondu au questionnaire" in p for p in intro)


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ((1, 3, 1), "À ce jour, 1 organisation membre sur 3 a répondu"),
        ((4, 4, 4), "À ce jour, 4 organisations membres sur 4 ont répondu"),
        ((2, 0, 0), "À ce jour, 2 organisations ont répondu (il"),
        ((2, 5, 0), "À ce jour, 2 organisations ont répondu, mais aucune des 5 organisations"),
        ((14, 40, 12), "À ce jour, 14 organisations ont répondu, dont 12 organisations membres"),
    ],
)
def test_wording_of_the_counts(
    sample: Sample, tmp_path: Path, figures: tuple[int, int, int], expected: str
) -> None:
    answered, members_, of_members = figures
    overview = SurveyOverview(
        answered=answered,
        members=members_,
        members_answered=of_members,
        themes=(ThemeActors(e.Theme.GES, ("Valtom",)),),
    )
    document = report(sample, tmp_path / "rapport.docx", overview)
    assert expected in section(document)[0]


def test_answers_imported_through_the_services(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_db(sample.path)
    try:
        members.add_organisation(
            db, OrganisationFields("GRDF", is_member=True, kind=e.OrganisationKind.COMPANY)
        )
        lines = [
            "Horodateur;Organisation;Thématique;Objectifs;Stratégies;Actions",
            "28/11/2024;Valtom;GES, Eau;-30 %;;tri",
            "29/11/2024;GRDF;Air;Réduire;;",
            "01/12/2024;LPO;Biodiversité;Haies;;Refuges",
        ]
        path = tmp_path / "questionnaire.csv"
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
        plan = survey.plan_import(db, path)
        assert not plan.rejected
        survey.apply(db, plan)
    finally:
        db.close()
    # The command line reads the questionnaire itself and passes it to the report.
    out = tmp_path / "rapport.docx"
    assert cli.main(["export", "report", "--year", "2024", "-o", str(out),
                     "--db", str(sample.path)]) == 0  # fmt: skip
    assert str(out) in capsys.readouterr().out
    document = docx.Document(str(out))
    text = section(document)
    assert "3 organisations ont répondu, dont 2 organisations membres sur 3" in text[0]
    rows = {r[0]: r[1:] for r in survey_table(document)}
    assert rows[label(e.Theme.GES)] == ["1", "Valtom"]
    assert rows[label(e.Theme.EAU)] == ["1", "Valtom"]
    assert rows[label(e.Theme.AIR)] == ["1", "GRDF"]
    assert rows[label(e.Theme.BIODIVERSITE)] == ["1", LPO]


def test_export_document_reads_the_survey_on_its_own_connection(
    sample: Sample, tmp_path: Path
) -> None:
    answer_with_the_orm(sample)
    seen: list[int] = []

    def source(db: object, year: int) -> SurveyOverview:
        seen.append(year)
        return SurveyOverview.of(survey.report_synthesis(db, year))  # type: ignore[arg-type]

    out = api.export_document(
        "report", sample.path, tmp_path / "r.docx", year=2024, chart=None, survey=source
    )
    assert seen == [2024]
    assert HEADING in h1(docx.Document(str(out)))


def test_section_in_english(sample: Sample, tmp_path: Path) -> None:
    answer_with_the_orm(sample)
    set_language("en")
    try:
        document = report(sample, tmp_path / "report.docx", overview_of(sample))
    finally:
        set_language("fr")
    assert "The members' questionnaire" in h1(document)
    text = section(document, "The members' questionnaire")
    assert "So far, 3 organisations answered, 2 of the 3 member organisations among them" in text[0]
    assert survey_table(document, english=True)[0][0] == label(e.Theme.GES, "en")
