"""Importing measurements: the quirks of real CSV and Excel files, validation, one transaction."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from alliance_desktop import cli
from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import set_language
from alliance_desktop.imports.common import (
    ImportFileError,
    normalise,
    parse_date,
    parse_number,
    parse_year,
)
from alliance_desktop.imports.measurements import (
    Action,
    ImportPlan,
    apply,
    describe,
    plan_import,
    write_template,
)
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Indicator, Measurement
from alliance_desktop.storage.reference import theme_id

GES = "Émissions de gaz à effet de serre par secteur"
AIR = "Émissions des 6 polluants réglementaires"
LAND = "Consommation d'espaces naturels et agricoles"
RIVER = "Linéaire de renaturation des cours d'eau"
SECTORS = ["Transport", "Résidentiel", "Tertiaire", "Déchets", "Industrie", "Agriculture"]
POLLUTANTS = ["NH3", "PM2.5", "PM10", "COVNM", "NOx", "SO2"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path, home: Path) -> Path:
    """A real database with four indicators and one measurement already recorded."""
    path = tmp_path / "alliance.sqlite3"
    db = open_database(path)
    with db.session() as s:
        ges = Indicator(
            theme_id=theme_id(e.Theme.GES),
            name=GES,
            unit="kt CO2e",
            breakdown_label="secteur",
            breakdown=SECTORS,
        )
        s.add_all(
            [
                ges,
                Indicator(
                    theme_id=theme_id(e.Theme.AIR),
                    name=AIR,
                    unit="t",
                    breakdown_label="polluant",
                    breakdown=POLLUTANTS,
                ),
                Indicator(theme_id=theme_id(e.Theme.ARTIFICIALISATION), name=LAND, unit="ha/an"),
                Indicator(theme_id=theme_id(e.Theme.BIODIVERSITE), name=RIVER, unit=None),
            ]
        )
        s.flush()
        s.add(Measurement(indicator_id=ges.id, year=2015, value=560.0, breakdown_key="Transport"))
    db.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


def count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Measurement)) or 0


def values(db: Database) -> dict[tuple[str, int, str], float]:
    with db.session() as s:
        rows = s.execute(
            select(Indicator.name, Measurement.year, Measurement.breakdown_key, Measurement.value)
            .join(Indicator)
            .order_by(Measurement.year)
        )
        return {(n, y, k): v for n, y, k, v in rows}


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, sep: str = ";", encoding: str = "utf-8-sig"
) -> Path:
    def cell(text: str) -> str:
        return f'"{text}"' if sep in text else text

    body = "".join(sep.join(cell(c) for c in row) + "\r\n" for row in rows)
    path.write_bytes(body.encode(encoding))
    return path


HEADER = ["Indicateur", "Année", "Valeur", "Unité", "Ventilation", "Source"]


def plan_rows(
    db: Database, tmp_path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER
) -> ImportPlan:
    return plan_import(db, write_csv(tmp_path / "mesures.csv", [list(header), *rows]))


def reasons(plan: ImportPlan) -> dict[int, str]:
    return {r.line: r.reason for r in plan.rejected}


# --- encodings, separators, decimal comma ---------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_encodings_and_separators(db: Database, tmp_path: Path, encoding: str, sep: str) -> None:
    rows = [
        HEADER,
        [GES, "2019", "1 234,5", "kt CO2e", "Résidentiel", "Observatoire régional"],
        [AIR, "2005", "3000,25", "t", "NOx", "ATMO Auvergne-Rhône-Alpes"],
        [LAND, "2021", "48", "ha/an", "", ""],
    ]
    path = write_csv(tmp_path / "mesures.csv", rows, sep=sep, encoding=encoding)
    plan = plan_import(db, path)
    assert plan.rejected == ()
    assert [(r.indicator, r.year, r.value, r.breakdown_key) for r in plan.accepted] == [
        (GES, 2019, 1234.5, "Résidentiel"),
        (AIR, 2005, 3000.25, "NOx"),
        (LAND, 2021, 48.0, ""),
    ]
    assert plan.accepted[0].source == "Observatoire régional"
    assert plan.table.separator == sep
    assert plan.table.encoding is not None
    expected = {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8 (BOM)",
        "cp1252": "Windows-1252",
        "utf-16": "UTF-16",
    }
    assert plan.table.encoding == expected[encoding]


def test_decimal_point_and_comma_mixed_in_one_file(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [
            [LAND, "2018", "41.5", "", "", ""],
            [LAND, "2019", "42,5", "", "", ""],
            [LAND, "2020", "1.042,5", "", "", ""],
            [LAND, "2021", "1\u202f043,5", "", "", ""],
            [LAND, "2022", "−2", "", "", ""],
        ],
    )
    assert [r.value for r in plan.accepted] == [41.5, 42.5, 1042.5, 1043.5, -2.0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        ("0,001", 0.001),
        ("-3", -3.0),
        ("−3,5", -3.5),
        ("12,5 %", 12.5),
        ("1E3", 1000.0),
        ("2021.0", 2021.0),
        (",5", 0.5),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "n.d.", "NC", "-", "abc", "nan", "inf", "1,5 kt", "12-3"])
def test_parse_number_refuses(text: str) -> None:
    assert parse_number(text) is None


@given(st.text())
def test_parse_number_never_raises(text: str) -> None:
    parse_number(text)
    parse_date(text)
    parse_year(text)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(0, 99))
def test_french_formatting_reads_back(units: int, cents: int) -> None:
    x = units + (cents / 100 if units >= 0 else -cents / 100)
    french = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert parse_number(french) == pytest.approx(x)


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("31/12/2021", dt.date(2021, 12, 31)),
        ("03/04/2022", dt.date(2022, 4, 3)),
        ("3.4.22", dt.date(2022, 4, 3)),
        ("01-02-1995", dt.date(1995, 2, 1)),
        ("2022-04-03", dt.date(2022, 4, 3)),
        ("2022-04-03 00:00:00", dt.date(2022, 4, 3)),
        ("12/2021", dt.date(2021, 12, 1)),
    ],
)
def test_dates_are_day_first(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["31/02/2021", "13/13/2021", "demain", "2021"])
def test_unreadable_dates(text: str) -> None:
    assert parse_date(text) is None


# --- rows rejected, with the line and a reason ----------------------------------------


@pytest.mark.parametrize("value", ["n.d.", "NC", "-", "abc", "nan", "12 kt"])
def test_non_numeric_value(db: Database, tmp_path: Path, value: str) -> None:
    plan = plan_rows(db, tmp_path, [[LAND, "2020", "40", "", "", ""], [LAND, "2021", value]])
    assert len(plan.accepted) == 1
    assert reasons(plan) == {3: f"valeur « {value} » non numérique"}


def test_missing_cells(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(db, tmp_path, [["", "2020", "4"], [LAND, "", "4"], [LAND, "2020", ""]])
    assert reasons(plan) == {
        2: "indicateur manquant",
        3: "année manquante",
        4: "valeur manquante",
    }


@pytest.mark.parametrize(
    ("name", "unit", "ok"),
    [
        (GES, "kt CO2e", True),
        (GES, "KT CO2 eq", True),
        (GES, "kteqCO2", False),
        (GES, "t", False),
        (GES, "", True),
        (LAND, "ha / an", True),
        (LAND, "hectares par an", True),
        (LAND, "m²", False),
        (RIVER, "km", True),  # the indicator has no unit to compare with
    ],
)
def test_units(db: Database, tmp_path: Path, name: str, unit: str, ok: bool) -> None:
    key = "Transport" if name == GES else ""
    plan = plan_rows(db, tmp_path, [[name, "2020", "10", unit, key, ""]])
    assert bool(plan.accepted) is ok
    if not ok:
        assert f"unité « {unit} » différente de celle de l'indicateur" in reasons(plan)[2]


def test_unknown_indicator_with_a_suggestion(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [
            ["Emissions de gaz a effet de serre par secteurs", "2020", "1", "", "Transport"],
            ["Qualité de l'eau", "2020", "1"],
        ],
    )
    assert reasons(plan) == {
        2: "indicateur inconnu « Emissions de gaz a effet de serre par secteurs » "
        f"(vouliez-vous dire « {GES} » ?)",
        3: "indicateur inconnu « Qualité de l'eau »",
    }


@pytest.mark.parametrize(
    "name",
    [
        GES.upper(),
        "emissions de gaz a effet de serre par secteur",
        "  Émissions  de gaz à effet de serre  par secteur ",
        "Émissions de gaz à effet de serre par secteur (kt CO2e)",
        "Émissions de gaz à effet de serre – par secteur",
    ],
)
def test_indicator_names_are_matched_leniently(db: Database, tmp_path: Path, name: str) -> None:
    plan = plan_rows(db, tmp_path, [[name, "2020", "900", "", "Transport"]])
    assert plan.rejected == ()
    assert plan.accepted[0].indicator == GES


def test_two_indicators_with_the_same_name(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        s.add(Indicator(theme_id=theme_id(e.Theme.EAU), name=LAND.upper(), unit="ha/an"))
    plan = plan_rows(db, tmp_path, [[LAND, "2020", "1"]])
    assert reasons(plan) == {2: f"plusieurs indicateurs s'appellent « {LAND} »"}


@pytest.mark.parametrize(
    ("year", "reason"),
    [
        ("1989", "année 1989 hors de la période 1990–2100"),
        ("2101", "année 2101 hors de la période 1990–2100"),
        ("20", "année 20 hors de la période 1990–2100"),
        ("2020-2021", "année « 2020-2021 » illisible"),
        ("2020,5", "année « 2020,5 » illisible"),
    ],
)
def test_year_out_of_range(db: Database, tmp_path: Path, year: str, reason: str) -> None:
    plan = plan_rows(db, tmp_path, [[LAND, year, "40"]])
    assert reasons(plan) == {2: reason}


def test_years_at_the_limits_are_accepted(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(db, tmp_path, [[LAND, "1990", "40"], [LAND, "2100", "0"]])
    assert len(plan.accepted) == 2


def test_date_column_instead_of_a_year(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [[LAND, "31/12/2021", "40"], [LAND, "01/01/2022", "41"], [LAND, "31/02/2023", "1"]],
        header=["Indicateur", "Date", "Valeur"],
    )
    assert [r.year for r in plan.accepted] == [2021, 2022]
    assert reasons(plan) == {4: "date « 31/02/2023 » illisible (attendu : jj/mm/aaaa)"}


def test_duplicate_rows_in_the_file(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [
            [LAND, "2020", "40"],
            [AIR, "2020", "10", "t", "NOx"],
            [LAND, "2020", "40,0"],
            [AIR, "2020", "11", "t", "nox"],
            [AIR, "2020", "12", "t", "SO2"],
        ],
    )
    assert [r.line for r in plan.accepted] == [2, 6]
    assert reasons(plan) == {
        3: f"valeurs différentes pour {AIR}, 2020, NOx (lignes 3, 5)",
        4: "doublon de la ligne 2",
        5: f"valeurs différentes pour {AIR}, 2020, NOx (lignes 3, 5)",
    }


def test_existing_measurements_are_updated_and_said_so(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [[GES, "2015", "555", "", "Transport"], [GES, "2016", "550", "", "Transport"]],
    )
    assert [(r.action, r.previous) for r in plan.accepted] == [
        (Action.UPDATE, 560.0),
        (Action.NEW, None),
    ]
    text = "\n".join(describe(plan))
    assert "2 ligne(s) acceptée(s) (1 nouvelle(s), 1 mise(s) à jour, 0 identique(s))" in text
    assert f"Ligne 2 : {GES}, 2015, Transport : 560 remplacé par 555." in text


@pytest.mark.parametrize(
    ("name", "key", "stored", "reason"),
    [
        (AIR, "nox", "NOx", None),
        (AIR, "PM2,5", "PM2.5", None),
        (AIR, " pm 2.5 ", "PM2.5", None),
        (GES, "residentiel", "Résidentiel", None),
        (GES, "Total", "", None),
        (AIR, "CO2", None, f"ventilation « CO2 » inconnue pour « {AIR} » (attendu : "),
        (LAND, "Nord", None, f"l'indicateur « {LAND} » n'est pas ventilé"),
    ],
)
def test_breakdown_keys(
    db: Database, tmp_path: Path, name: str, key: str, stored: str | None, reason: str | None
) -> None:
    plan = plan_rows(db, tmp_path, [[name, "2020", "1", "", key]])
    if stored is not None:
        assert plan.accepted[0].breakdown_key == stored
    else:
        assert reason is not None and reasons(plan)[2].startswith(reason)


def test_unquoted_decimal_comma_in_a_comma_separated_file(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "virgules.csv"
    path.write_text(
        f'Indicateur,Année,Valeur\n{LAND},2020,40\n{LAND},2021,41,5\n{LAND},2022,"42,5"\n',
        encoding="utf-8",
    )
    plan = plan_import(db, path)
    assert [(r.year, r.value) for r in plan.accepted] == [(2020, 40.0), (2022, 42.5)]
    assert reasons(plan)[3].startswith("plus de cellules que d'en-têtes (« 5 »)")


def test_a_database_without_indicators(tmp_path: Path, home: Path) -> None:
    db = open_database(tmp_path / "vide.sqlite3")
    try:
        with pytest.raises(ImportFileError, match="aucun indicateur"):
            plan_rows(db, tmp_path, [[LAND, "2020", "40"]])
    finally:
        db.close()


def test_headers_on_a_later_line_and_blank_lines(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        [
            ["Export de l'observatoire, 12/03/2024"],
            [],
            HEADER,
            [LAND, "2020", "40"],
            [],
            ["", "", "", "", "", ""],
            [LAND, "2021", "n.d."],
        ],
    )
    plan = plan_import(db, path)
    assert plan.table.header_line == 3
    assert [r.line for r in plan.accepted] == [4]
    assert reasons(plan) == {7: "valeur « n.d. » non numérique"}


@pytest.mark.parametrize(
    "header",
    [
        ["INDICATEUR", "ANNEE", "VALEUR"],
        [" indicateur ", "année ", " Valeur"],
        ["Indicateur", "Année", "Valeur (kt CO2e)", "Unité de mesure", "Secteur", "Sources"],
        ["Nom de l'indicateur", "Millésime", "Valeur", "Unite", "Polluant"],
        ["indicator", "year", "value", "unit", "breakdown", "source"],
        ["Indicateur", "Année", "Valeur", "Commentaire"],
    ],
)
def test_headers_in_other_cases_accents_and_words(
    db: Database, tmp_path: Path, header: list[str]
) -> None:
    row = [LAND, "2020", "40", "", "", ""][: len(header)]
    plan = plan_rows(db, tmp_path, [row], header=header)
    assert len(plan.accepted) == 1, plan.rejected


def test_unknown_columns_are_listed(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db, tmp_path, [[LAND, "2020", "40", "x"]], ["Indicateur", "An", "Valeur", "Note"]
    )
    assert plan.table.ignored == ("Note",)
    assert "Colonnes ignorées : « Note »." in describe(plan)


# --- files refused as a whole ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \r\n", b"\xff\xfe"],
    ids=["zero-bytes", "bom-only", "blank-lines", "utf16-bom-only"],
)
def test_empty_file(db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "vide.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match="est vide"):
        plan_import(db, path)


def test_headers_without_rows(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "entete.csv", [HEADER, ["", "", ""]])
    with pytest.raises(ImportFileError, match="aucune ligne de données"):
        plan_import(db, path)


def test_no_header_row(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "autre.csv", [["Nom", "Prénom"], ["Dupont", "Marie"]])
    with pytest.raises(ImportFileError, match="« Indicateur », « Année » / « Date », « Valeur »"):
        plan_import(db, path)


def test_missing_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="n'existe pas"):
        plan_import(db, tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"Excel 97-2003 \(.xls\)"),
        (b"PK\x03\x04 truncated", "endommagé"),
        (b"Indicateur;Ann\x00e;Valeur\n", "pas un fichier texte"),
        (b"Indicateur;Ann\x81\x8d\x8fe;Valeur\nx;\x90;\x9d\n", "ni en UTF-8 ni en Windows-1252"),
    ],
)
def test_unreadable_files(db: Database, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        plan_import(db, path)


def test_ods_is_refused_with_advice(db: Database, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "f.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    with pytest.raises(ImportFileError, match=r"\.ods"):
        plan_import(db, path)


# --- Excel ----------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_xlsx_with_the_data_on_the_second_sheet(db: Database, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "atmo.xlsx",
        {
            "Lisez-moi": [["Inventaire des émissions"], ["Indicateur : voir l'onglet suivant"]],
            "Données": [
                ["Inventaire 2024"],
                [],
                ["Indicateur", "Année", "Valeur", "Unité", "Polluant", "Source"],
                [AIR, 2005, 3000.5, "t", "NOx", "ATMO"],
                [AIR, 2021.0, "1 200,5", "t", "PM2.5", None],
                [None, None, None],
                [AIR, "2022", "n.d.", "t", "SO2", None],
            ],
        },
    )
    plan = plan_import(db, path)
    assert plan.table.sheet == "Données"
    assert plan.table.header_line == 3
    assert [(r.line, r.year, r.value, r.breakdown_key) for r in plan.accepted] == [
        (4, 2005, 3000.5, "NOx"),
        (5, 2021, 1200.5, "PM2.5"),
    ]
    assert reasons(plan) == {7: "valeur « n.d. » non numérique"}
    assert "feuille « Données », en-têtes ligne 3" in describe(plan)[0]


def test_xlsx_dates_as_cells(db: Database, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "dates.xlsx",
        {
            "Mesures": [
                ["Indicateur", "Date", "Valeur"],
                [LAND, dt.datetime(2021, 12, 31), 40],
                [LAND, "01/01/2022", 41],
            ]
        },
    )
    plan = plan_import(db, path)
    assert [r.year for r in plan.accepted] == [2021, 2022]


def test_xlsx_without_a_matching_sheet(db: Database, tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", {"Feuil1": [["a", "b"]], "Feuil2": [["Nom"]]})
    with pytest.raises(ImportFileError, match="« Feuil1 », « Feuil2 »"):
        plan_import(db, path)


def test_damaged_xlsx(db: Database, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("xl/workbook.xml", "<workbook><sheets")
    with pytest.raises(ImportFileError, match="ne peut pas être lu"):
        plan_import(db, path)


def test_folder_and_text_named_xlsx_are_explained_in_french(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "mesures"
    folder.mkdir()
    with pytest.raises(ImportFileError) as exc:
        plan_import(db, folder)
    assert str(exc.value) == f"« {folder} » ne peut pas être lu : c'est un dossier, pas un fichier."
    fake = tmp_path / "faux.xlsx"
    fake.write_text("Ceci n'est pas un classeur.\n", encoding="utf-8")
    with pytest.raises(
        ImportFileError, match=r"« faux\.xlsx » n'est pas un classeur Excel lisible"
    ):
        plan_import(db, fake)
    set_language("en")
    try:
        with pytest.raises(ImportFileError, match="it is a folder, not a file"):
            plan_import(db, folder)
    finally:
        set_language("fr")


def test_csv_named_xlsx_with_headers_still_imports(db: Database, tmp_path: Path) -> None:
    # The content decides: only when it makes no table is the name blamed.
    path = tmp_path / "mesures.xlsx"
    path.write_text(f"Indicateur;Année;Valeur\n{LAND};2020;1\n", encoding="utf-8")
    assert plan_import(db, path).table.format == "csv"


def test_xlsx_named_csv_is_read_as_a_workbook(db: Database, tmp_path: Path) -> None:
    xlsx = workbook(
        tmp_path / "x.xlsx", {"Mesures": [["Indicateur", "Année", "Valeur"], [LAND, 2020, 1]]}
    )
    renamed = xlsx.rename(tmp_path / "mesures.csv")
    assert plan_import(db, renamed).table.format == "xlsx"


# --- applying: all or nothing ---------------------------------------------------------


def test_apply_writes_new_and_updated_rows(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [
            [GES, "2015", "555", "", "Transport", "ORCAE 2024"],
            [GES, "2016", "550", "", "Transport"],
            [LAND, "2020", "40"],
            [LAND, "2021", "oops"],
        ],
    )
    before = count(db)
    done = apply(db, plan)
    assert (done.inserted, done.updated, done.unchanged) == (2, 1, 0)
    assert count(db) == before + 2
    got = values(db)
    assert got[(GES, 2015, "Transport")] == 555
    assert got[(LAND, 2020, "")] == 40
    with db.session() as s:
        updated = s.scalars(select(Measurement).where(Measurement.year == 2015)).one()
        assert updated.source == "ORCAE 2024"
    # The same file again changes nothing.
    again = plan_rows(db, tmp_path, [[GES, "2015", "555", "", "Transport"], [LAND, "2020", "40"]])
    assert {r.action for r in again.accepted} == {Action.UNCHANGED}
    assert apply(db, again).unchanged == 2
    assert count(db) == before + 2


def test_nothing_is_half_imported(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(
        db,
        tmp_path,
        [
            [GES, "2015", "1", "", "Transport"],
            [GES, "2017", "2", "", "Transport"],
            [LAND, "2020", "40"],
        ],
    )
    # The land indicator is deleted between the check and the import: its row cannot
    # be written, so neither can the others.
    with db.session() as s:
        s.delete(s.scalars(select(Indicator).where(Indicator.name == LAND)).one())
    before_count, before_values = count(db), values(db)
    with pytest.raises(ImportFileError, match="rien n'a été importé"):
        apply(db, plan)
    assert count(db) == before_count
    assert values(db) == before_values


def test_apply_reads_the_database_again(db: Database, tmp_path: Path) -> None:
    plan = plan_rows(db, tmp_path, [[LAND, "2020", "40"]])
    assert plan.accepted[0].action is Action.NEW
    with db.session() as s:
        land = s.scalars(select(Indicator).where(Indicator.name == LAND)).one()
        s.add(Measurement(indicator_id=land.id, year=2020, value=39.0))
    done = apply(db, plan)
    assert (done.inserted, done.updated) == (0, 1)
    assert values(db)[(LAND, 2020, "")] == 40


def test_measurements_get_ids_and_stamps(db: Database, tmp_path: Path) -> None:
    apply(db, plan_rows(db, tmp_path, [[LAND, "2020", "40"], [LAND, "2021", "41"]]))
    with db.session() as s:
        rows = s.scalars(select(Measurement).where(Measurement.breakdown_key == "")).all()
        assert len({r.id for r in rows}) == 2
        assert all(isinstance(r.id, uuid.UUID) and r.created_at is not None for r in rows)
        assert not any(r.illustrative for r in rows)


# --- templates ------------------------------------------------------------------------


def test_csv_template(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "modele.csv"
    write_template(path)
    assert path.read_bytes() == (
        "\ufeffIndicateur;Année;Valeur;Unité;Ventilation;Source\r\n".encode()
    )
    with pytest.raises(ImportFileError, match="aucune ligne de données"):
        plan_import(db, path)


def test_xlsx_template_filled_in_reads_back(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    write_template(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Mesures", "Notice"]
    ws = book["Mesures"]
    assert [c.value for c in ws[1]] == HEADER
    ws.append([GES, 2022, 880.5, "kt CO2e", "Industrie", "ORCAE"])
    book.save(path)
    plan = plan_import(db, path)
    assert [(r.year, r.value, r.breakdown_key) for r in plan.accepted] == [
        (2022, 880.5, "Industrie")
    ]


def test_template_needs_csv_or_xlsx(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"\.csv ou en \.xlsx"):
        write_template(tmp_path / "modele.ods")


# --- command line ---------------------------------------------------------------------


def test_cli_dry_run_writes_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, [LAND, "2020", "40"], [LAND, "1900", "1"]])
    db = open_database(db_path)
    before = count(db)
    db.close()
    assert cli.main(["import", "measurements", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 ligne(s) acceptée(s)" in out
    assert "Ligne 3 refusée : année 1900 hors de la période 1990–2100." in out
    assert "Simulation : rien n'a été écrit." in out
    db = open_database(db_path)
    assert count(db) == before
    db.close()


def test_cli_import(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, [LAND, "2020", "40"], [LAND, "2021", "x"]])
    # --db before the command counts as well.
    assert cli.main(["--db", str(db_path), "import", "measurements", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Ligne 3 refusée : valeur « x » non numérique." in out
    assert "Import terminé : 1 mesure(s) ajoutée(s), 0 mise(s) à jour" in out
    db = open_database(db_path)
    assert values(db)[(LAND, 2020, "")] == 40
    db.close()


def test_cli_nothing_accepted_exits_1(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, ["Inconnu", "2020", "40"]])
    assert cli.main(["import", "measurements", str(path), "--db", str(db_path)]) == 1
    captured = capsys.readouterr()
    assert "Ligne 2 refusée : indicateur inconnu « Inconnu »." in captured.out
    assert captured.err.strip() == "Aucune ligne n'a pu être acceptée : rien n'a été importé."


def test_cli_in_english(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, [LAND, "2020", "oops"], [LAND, "2021", "4"]])
    try:
        args = ["--lang", "en", "import", "measurements", str(path), "--db", str(db_path)]
        assert cli.main(args) == 0
    finally:
        set_language("fr")
    out = capsys.readouterr().out
    assert "Line 2 rejected: value “oops” is not a number." in out
    assert "Import done: 1 measurement(s) added" in out


def test_cli_template(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("modele.csv", "modele.xlsx"):
        assert cli.main(["import", "measurements", "--template", str(tmp_path / name)]) == 0
        assert (tmp_path / name).exists()
    assert "Modèle écrit dans" in capsys.readouterr().out
    assert cli.main(["import", "measurements", "--template", str(tmp_path / "m.txt")]) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["import"],
        ["import", "people"],
        ["import", "measurements"],
        ["import", "measurements", "a.csv", "--template", "b.csv"],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], home: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(args)
    assert exc.value.code == 2


def test_cli_missing_database_is_not_created(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, [LAND, "2020", "40"]])
    missing = tmp_path / "absente.sqlite3"
    assert cli.main(["import", "measurements", str(path), "--db", str(missing)]) == 1
    assert "n'existe pas" in capsys.readouterr().err
    assert not missing.exists()


def test_cli_exit_codes_in_a_real_process(db_path: Path, tmp_path: Path, home: Path) -> None:
    good = write_csv(tmp_path / "ok.csv", [HEADER, [LAND, "2020", "40"]], encoding="cp1252")
    bad = write_csv(tmp_path / "ko.csv", [HEADER, [LAND, "1800", "40"]])
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(home))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "alliance_desktop", "import", "measurements", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env | {"PYTHONIOENCODING": "utf-8"},
            timeout=120,
            check=False,
        )

    for path, code in ((good, 0), (bad, 1), (empty, 1)):
        proc = run(str(path), "--db", str(db_path))
        assert proc.returncode == code, proc.stderr
        assert "Traceback" not in proc.stderr
    assert run("--db", str(db_path)).returncode == 2


# --- round trip: a table the application exports can be edited and imported back -------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_exported_measurements_table_imports_back(
    tmp_path: Path, home: Path, fmt: str, lang: str
) -> None:
    from alliance_desktop.exports.tables import write_table
    from alliance_desktop.services.demo import write_demo

    path = tmp_path / "demo.sqlite3"
    write_demo(path)
    database = open_database(path)
    try:
        before = count(database)
        set_language(lang)
        try:
            exported = write_table(database, "measurements", fmt, tmp_path / f"mesures.{fmt}")
        finally:
            set_language("fr")
        plan = plan_import(database, exported)
        assert not plan.rejected, describe(plan)
        assert len(plan.accepted) == before > 0
        assert {r.action for r in plan.accepted} == {Action.UNCHANGED}
        # Per sector and per pollutant, not only the totals.
        assert len({r.breakdown_key for r in plan.accepted}) > 10
    finally:
        database.close()
