"""The members' questionnaire: import, views by organisation and theme, the report's synthesis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from alliance_desktop.cli import main
from alliance_desktop.core import enums as e
from alliance_desktop.imports.common import ImportFileError
from alliance_desktop.imports.survey import parse_theme, parse_themes
from alliance_desktop.services import members, survey
from alliance_desktop.services.members import OrganisationFields
from alliance_desktop.storage.database import Database, open_database

HEADER = ["Horodateur", "Organisation", "Thématique", "Objectifs", "Stratégies", "Actions",
          "Commentaire"]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "alliance.sqlite3")
    for name, member in (("Valtom", True), ("LPO", True), ("GRDF", True), ("CISCA", False)):
        members.add_organisation(
            database, OrganisationFields(name, is_member=member, kind=e.OrganisationKind.OTHER)
        )
    yield database
    database.close()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    def cell(c: str) -> str:
        return f'"{c}"' if ";" in c else c

    text = "\r\n".join(";".join(cell(c) for c in r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


ROWS = [
    ["28/11/2024 10:45:12", "Valtom", "GES ; Réduire les consommations d'eau", "-30 %", "", "tri"],
    ["29/11/2024", "lpo", "5", "Haies", "Inventaires", "Refuges", "x"],
    ["01/12/2024", "CISCA", "", "Accompagner", "", "", ""],
    ["02/12/2024", "Inconnue SA", "Air", "a", "", "", ""],
    ["02/12/2024", "GRDF", "Océans", "a", "", "", ""],
    ["02/12/2024", "GRDF", "Air", "", "", "", ""],
    ["30/02/2024", "GRDF", "Air", "a", "", "", ""],
]


def test_themes_are_read_from_numbers_names_and_wordings() -> None:
    assert parse_theme("1") is e.Theme.GES
    assert parse_theme("Préserver la biodiversité") is e.Theme.BIODIVERSITE
    assert parse_theme("qualité de l'air") is e.Theme.AIR
    assert parse_theme("ZAN") is e.Theme.ARTIFICIALISATION
    assert parse_themes("GES, Eau / Solidaire") == (
        [e.Theme.GES, e.Theme.EAU, e.Theme.SOLIDAIRE],
        [],
    )
    assert parse_themes("GES ; Océans") == ([e.Theme.GES], ["Océans"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_import_answers_with_reasons_for_bad_rows(
    db: Database, tmp_path: Path, encoding: str
) -> None:
    plan = survey.plan_import(db, write_csv(tmp_path / "q.csv", [HEADER, *ROWS], encoding))
    accepted = [(a.organisation, a.row.theme) for a in plan.accepted]
    assert accepted == [
        ("Valtom", e.Theme.GES),
        ("Valtom", e.Theme.EAU),
        ("LPO", e.Theme.BIODIVERSITE),
        ("CISCA", None),
    ]
    reasons = {r.line: r.reason for r in plan.rejected}
    assert "absente de l'annuaire" in reasons[5]
    assert "thématique « Océans » inconnue" in reasons[6]
    assert "réponse vide" in reasons[7]
    assert "date « 30/02/2024 » illisible" in reasons[8]
    assert plan.read.table.ignored == ("Commentaire",)
    assert plan.accepted[0].row.answered_on == "2024-11-28"
    done = survey.apply(db, plan)
    assert (done.added, done.replaced) == (4, 0)
    # The same file again replaces rather than duplicates.
    plan = survey.plan_import(db, write_csv(tmp_path / "q.csv", [HEADER, *ROWS], encoding))
    assert all(a.replaces is not None for a in plan.accepted)
    assert survey.apply(db, plan).replaced == 4
    assert len(survey.answers(db)) == 4


def test_duplicate_answers_in_the_file_are_refused(db: Database, tmp_path: Path) -> None:
    rows = [HEADER, ROWS[1], ["30/11/2024", "LPO", "Biodiversité", "Autre", "", "", ""]]
    plan = survey.plan_import(db, write_csv(tmp_path / "q.csv", rows))
    assert [a.row.line for a in plan.accepted] == [2]
    assert "doublon de la ligne 2" in plan.rejected[0].reason


def test_views_by_organisation_and_by_theme(db: Database, tmp_path: Path) -> None:
    survey.apply(db, survey.plan_import(db, write_csv(tmp_path / "q.csv", [HEADER, *ROWS])))
    items = survey.answers(db)
    by_org = survey.by_organisation(items)
    assert [name for name, _a in by_org] == ["CISCA", "LPO", "Valtom"]
    assert [a.theme for a in by_org[2][1]] == [e.Theme.GES, e.Theme.EAU]
    by_theme = survey.by_theme(items)
    assert [th for th, _a in by_theme] == [
        e.Theme.GES,
        e.Theme.EAU,
        e.Theme.BIODIVERSITE,
        None,
    ]
    assert survey.answers(db, year=2023) == []


def test_synthesis_for_the_yearly_report(db: Database, tmp_path: Path) -> None:
    survey.apply(db, survey.plan_import(db, write_csv(tmp_path / "q.csv", [HEADER, *ROWS])))
    syn = survey.report_synthesis(db, 2024)
    assert (syn.answered, syn.members, syn.members_answered) == (3, 3, 2)
    ges = syn.themes[0]
    assert ges.theme is e.Theme.GES and ges.organisations == ("Valtom",) and ges.count == 1
    assert dict(syn.by_organisation) == {
        "LPO": (e.Theme.BIODIVERSITE,),
        "Valtom": (e.Theme.GES, e.Theme.EAU),
    }
    assert syn.general_only == ("CISCA",)
    assert survey.report_synthesis(db, 2019).answered == 0


def test_excel_survey_and_cli(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Organisation", "Thématique", "Date de réponse", "Objectifs", "Actions"])
    ws.append(["Valtom", "GES", dt.datetime(2024, 11, 28), "Moins 30 %", "Tri à la source"])
    ws.append([None, "Eau", dt.datetime(2024, 11, 28), "Économiser", None])
    ws.merge_cells("A2:A3")
    path = tmp_path / "q.xlsx"
    book.save(path)
    db.close()
    dbfile = str(tmp_path / "alliance.sqlite3")
    assert main(["import", "survey", str(path), "--db", dbfile, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ligne 2 acceptée : Valtom, GES" in out and "Ligne 3 acceptée : Valtom, Eau" in out
    assert main(["import", "survey", str(path), "--db", dbfile]) == 0
    assert "2 réponse(s) ajoutée(s)" in capsys.readouterr().out
    assert main(["import", "survey", "--template", str(tmp_path / "modele.xlsx")]) == 0
    assert main(["import", "survey", "--template", str(tmp_path / "modele.csv")]) == 0
    with pytest.raises(ImportFileError, match="aucune ligne"):
        survey.plan_import(open_database(Path(dbfile)), tmp_path / "modele.csv")
