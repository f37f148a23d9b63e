"""Tables for spreadsheets: French CSV conventions, formula escaping, XLSX, consent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_exports_data import (
    CONSENSUS,
    DISSENT,
    HIDDEN_NAMES,
    OPEN,
    SHOWN_NAME,
    Sample,
    build_sample,
    open_db,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.exports import queries as q
from alliance_desktop.exports.tables import (
    TABLES,
    Table,
    build_table,
    csv_bytes,
    write_table,
    xlsx_bytes,
)
from alliance_desktop.exports.text import spreadsheet_cell
from alliance_desktop.storage.models import Point


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return build_sample(tmp_path / "sample.sqlite3")


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"N°": "Int64"})


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_defused(value: str) -> None:
    assert spreadsheet_cell(value).startswith("'")


def test_ordinary_cells_are_left_alone() -> None:
    assert spreadsheet_cell("Valtom") == "Valtom"
    assert spreadsheet_cell("a=b") == "a=b"
    assert spreadsheet_cell("x\x00y\x1b") == "xy"


def test_csv_french_conventions() -> None:
    table = Table(
        "t",
        [("Date", "date"), ("N°", "int"), ("Valeur", "float"), ("Texte", "text")],
        [
            [dt.date(2024, 5, 29), 5, 1234.5, '=HYPERLINK("x")'],
            [dt.date(2024, 10, 10), None, -69.0, "Ligne 1\nLigne 2 ; « guillemets »"],
        ],
    )
    raw = csv_bytes(table)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Date;N°;Valeur;Texte"
    assert lines[1].startswith("29/05/2024;5;1234,5;")
    assert "'=HYPERLINK" in lines[1]
    assert lines[2].startswith("10/10/2024;;-69,0;")  # no number: empty, not « 5,0 »
    assert "« guillemets »" in text


def test_every_table_round_trips_through_csv_and_xlsx(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        for name in TABLES:
            table = build_table(db, name)
            csv_path = write_table(db, name, "csv", tmp_path / f"{name}.csv")
            xlsx_path = write_table(db, name, "xlsx", tmp_path / f"{name}.xlsx")
            from_csv = read_csv(csv_path)
            from_xlsx = pd.read_excel(xlsx_path)
            assert list(from_csv.columns) == [c for c, _ in table.columns]
            assert list(from_xlsx.columns) == [c for c, _ in table.columns]
            assert len(from_csv) == len(from_xlsx) == len(table.rows)
    finally:
        db.close()


def test_points_table_matches_the_database(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        path = write_table(db, "points", "csv", tmp_path / "points.csv")
        with db.read() as s:
            texts = sorted(p.text for p in s.query(Point))
    finally:
        db.close()
    df = read_csv(path)
    assert sorted(df["Texte"]) == texts
    assert set(df["Type"]) == {"Consensus", "Dissensus", "À éclaircir"}
    # Numbered per column of the board, as the board and the minutes number them.
    session = df[df["N°"] == 5]
    assert list(zip(session["Type"], session["Ordre"], strict=True)) == [
        ("Consensus", 1),
        ("Consensus", 2),
        ("Dissensus", 1),
        ("À éclaircir", 1),
        ("À éclaircir", 2),
    ]
    assert list(session["Texte"]) == [*CONSENSUS, *DISSENT, *OPEN]
    assert set(df["Date"]) == {"29/05/2024"}


def test_attendance_table_respects_consent(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        csv_path = write_table(db, "attendance", "csv", tmp_path / "a.csv")
        xlsx_path = write_table(db, "attendance", "xlsx", tmp_path / "a.xlsx")
    finally:
        db.close()
    for df in (read_csv(csv_path), pd.read_excel(xlsx_path)):
        people = set(df["Personne"].dropna())
        assert people == {SHOWN_NAME}
        assert "Valtom" in set(df["Organisation"])
    raw = csv_path.read_text(encoding="utf-8-sig")
    for name in HIDDEN_NAMES:
        assert name not in raw
    # Dates stay dates in Excel.
    assert pd.read_excel(xlsx_path)["Date"].dtype.kind == "M"


def test_notes_table_has_no_author(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        path = write_table(db, "notes", "csv", tmp_path / "n.csv")
    finally:
        db.close()
    raw = path.read_text(encoding="utf-8-sig")
    assert "Quelle place pour les publics précaires ?" in raw
    assert "Lou" not in raw and "Signataire" not in raw


def test_indicators_and_measurements(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        ind = read_csv(write_table(db, "indicators", "csv", tmp_path / "i.csv"))
        ms = read_csv(write_table(db, "measurements", "csv", tmp_path / "m.csv"))
    finally:
        db.close()
    air = ind[ind["Indicateur"] == "Émissions des 6 polluants réglementaires"]
    assert len(air) == 10
    assert sorted(air["Évolution (%)"]) == sorted(
        [-69, -69, -57, -50, -13, -11, -52, -46, -77, -77]
    )
    bare = ind[ind["Indicateur"] == "Émissions évitées"]
    assert len(bare) == 1 and bare["Objectif"].isna().all()
    assert len(ms) == 6
    assert ms[ms["Valeur"] == 410.5]["Valeur illustrative"].tolist() == ["oui"]
    assert ms[ms["Valeur"] == 5200.0]["Valeur illustrative"].tolist() == ["non"]


def test_filters_by_session_and_year(sample: Sample) -> None:
    db = open_db(sample.path)
    try:
        one = build_table(db, "points", q.Filter(meeting_id=sample.main))
        none = build_table(db, "points", q.Filter(year=2023))
    finally:
        db.close()
    assert len(one.rows) == 5
    assert none.rows == []


def test_unknown_table_and_format(sample: Sample, tmp_path: Path) -> None:
    db = open_db(sample.path)
    try:
        with pytest.raises(KnownError, match="people"):
            build_table(db, "people")
        with pytest.raises(KnownError, match="ods"):
            write_table(db, "points", "ods", tmp_path / "p.ods")
    finally:
        db.close()
    assert not (tmp_path / "p.ods").exists()


def test_hostile_text_in_xlsx() -> None:
    table = Table("x", [("Texte", "text")], [["a\x00b\x0b\ud800 😀 =cmd|' /C calc'!A0"]])
    data = xlsx_bytes(table)
    import io

    df = pd.read_excel(io.BytesIO(data))
    assert df["Texte"][0] == "ab\n 😀 =cmd|' /C calc'!A0"
    assert spreadsheet_cell("=cmd") == "'=cmd"


def test_xlsx_dates_are_dates_shown_day_first(sample: Sample, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = open_db(sample.path)
    try:
        path = write_table(db, "attendance", "xlsx", tmp_path / "a.xlsx")
    finally:
        db.close()
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == "Date"
    dates = [row[0] for row in ws.iter_rows(min_row=2, max_col=1)]
    assert dates
    for cell in dates:
        assert isinstance(cell.value, dt.datetime)  # a real date: Excel sorts and filters it
        assert cell.value.time() == dt.time(0)
        assert cell.number_format == "DD/MM/YYYY"
    assert dates[0].value == dt.datetime(2024, 5, 29)
