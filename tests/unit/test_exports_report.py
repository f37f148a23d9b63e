"""Yearly progress report: structure, the air table, progress by theme, charts."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from PIL import Image
from test_exports_data import (
    HIDDEN_NAMES,
    build_sample,
    full_text,
    open_db,
    squash,
    style_name,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.exports.charts import line_chart, nice_ticks
from alliance_desktop.exports.model import Progress, Series
from alliance_desktop.exports.queries import build_year_report
from alliance_desktop.exports.report import render_report, write_report


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from alliance_desktop.services.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    write_demo(path)
    return path


@pytest.fixture(scope="module")
def demo_report(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = open_db(demo)
    try:
        return write_report(db, 2024, tmp_path_factory.mktemp("out") / "rapport.docx")
    finally:
        db.close()


def headings(document: docx.document.Document, level: int) -> list[str]:
    name = f"Heading {level}"
    return [squash(p.text) for p in document.paragraphs if style_name(p) == name]


def test_structure_follows_the_alliance_report(demo_report: Path) -> None:
    document = docx.Document(str(demo_report))
    assert [p.text for p in document.paragraphs if style_name(p) == "Title"] == [
        "Rapport d'étape 2024"
    ]
    h1 = headings(document, 1)
    assert h1[:3] == ["Introduction", "Les séances de l'année", "Point d'avancement par thématique"]
    # Themes come in the order the year took them up, with their meetings, as in the seed.
    themes = [h for h in h1 if "Réunion" in h]
    assert themes == [
        "Réduire les émissions de gaz à effet de serre – Réunions 2 et 5",
        "Limiter l'artificialisation des espaces naturels ou agricoles et "
        "l'imperméabilisation des sols – Réunion 3",
        "Préserver la biodiversité – Réunions 4 et 9",
        "Réduire les émissions de polluants atmosphériques – Réunions 6 et 7",
        "Réduire les vulnérabilités du territoire au changement climatique et s'adapter "
        "– Réunion 8",
    ]
    assert "Focus : Rencontres de la transition" in h1
    assert h1[-3:] == [
        "Récapitulatif des objectifs et indicateurs",
        "Indicateurs suivis",
        "Ce qui manque encore",
    ]
    h2 = headings(document, 2)
    for name in (
        "Comprenons-nous bien…",
        "Les points saillants de nos échanges…",
        "Les éléments à éclaircir, approfondir ou aborder…",
        "Objectifs & indicateurs choisis",
        "Leviers d'action",
    ):
        assert name in h2


def test_timeline_lists_every_session(demo_report: Path, demo: Path) -> None:
    document = docx.Document(str(demo_report))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "N°")
    rows = [[squash(c.text) for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == 10
    assert rows[0][:2] == ["1", "6 février 2024"]
    assert rows[4][1] == "29 mai 2024"
    assert rows[-1][:2] == ["—", "10 octobre 2024"]


def test_air_table_has_the_ten_values_and_nc(demo_report: Path) -> None:
    document = docx.Document(str(demo_report))
    tables = [t for t in document.tables if squash(t.rows[0].cells[0].text) == "Polluant"]
    assert tables, "no pollutant table"
    for table in tables:  # once in the theme's section, once in the recap
        header = [squash(c.text) for c in table.rows[0].cells]
        assert header == ["Polluant", "Objectifs PREPA 2030 (/2005)", "Objectifs PPA 2027 (/2005)"]
        rows = {
            squash(r.cells[0].text): [squash(c.text) for c in r.cells[1:]] for r in table.rows[1:]
        }
        assert rows == {
            "NH3": ["−13 %", "−11 %"],
            "PM2.5": ["−57 %", "−50 %"],
            "PM10": ["NC", "NC"],
            "COVNM": ["−52 %", "−46 %"],
            "NOx": ["−69 %", "−69 %"],
            "SO2": ["−77 %", "−77 %"],
        }
    assert len(tables) == 2


def test_progress_by_theme(demo: Path) -> None:
    db = open_db(demo)
    try:
        report = build_year_report(db, 2024)
    finally:
        db.close()
    states = {row.theme.value: [c.state for c in row.cells] for row in report.progress}
    assert states["ges"] == [Progress.DONE, Progress.DONE, Progress.NOT_STARTED]
    assert states["air"] == [Progress.DONE, Progress.DONE, Progress.NOT_STARTED]
    assert states["adaptation"] == [Progress.DONE, Progress.NOT_STARTED, Progress.NOT_STARTED]
    assert states["eau"] == [Progress.NOT_STARTED] * 3
    missing = report.missing
    assert {t.value for t in missing.themes_without_indicators} == {
        "eau",
        "adaptation",
        "solidaire",
    }
    assert {t.value for t in missing.themes_not_started} == {"eau", "solidaire"}
    assert missing.indicators_without_data


def test_progress_table_shows_planned_sessions(tmp_path: Path) -> None:
    sample = build_sample(tmp_path / "s.sqlite3")
    db = open_db(sample.path)
    try:
        report = build_year_report(db, 2024)
        out = write_report(db, 2024, tmp_path / "r.docx")
    finally:
        db.close()
    air = next(r for r in report.progress if r.theme.value == "air")
    assert [c.state for c in air.cells] == [Progress.PLANNED, Progress.DONE, Progress.NOT_STARTED]
    document = docx.Document(str(out))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Thématique")
    air_row = next(r for r in table.rows if "polluants" in r.cells[0].text)
    assert squash(air_row.cells[1].text) == "Prévu 19 juin 2024"
    assert squash(air_row.cells[2].text) == "Réalisé 5 septembre 2024"
    assert squash(air_row.cells[3].text) == "Non commencé"
    text = full_text(out)
    for name in HIDDEN_NAMES:
        assert name not in text


def test_charts_and_illustrative_values(demo_report: Path) -> None:
    document = docx.Document(str(demo_report))
    text = squash(full_text(demo_report))
    assert "Valeurs illustratives : les séries ainsi marquées" in text
    captions = [squash(p.text) for p in document.paragraphs if style_name(p) == "Caption"]
    figures = [c for c in captions if c.startswith("Figure")]
    assert figures and all("valeurs illustratives" in c for c in figures)
    assert len(document.inline_shapes) == len(figures)


def test_chart_renderer_is_injectable(sample_path: Path, tmp_path: Path) -> None:
    calls: list[str] = []

    def chart(series: Series, lang: str) -> bytes:
        calls.append(series.indicator)
        out = io.BytesIO()
        Image.new("RGB", (200, 100), "orange").save(out, "PNG")
        return out.getvalue()

    db = open_db(sample_path)
    try:
        report = build_year_report(db, 2024)
    finally:
        db.close()
    document = render_report(report, chart=chart).doc
    assert sorted(calls) == [
        "Émissions de gaz à effet de serre par secteur",
        "Émissions des 6 polluants réglementaires",
    ]
    assert len(document.inline_shapes) == 2 + 2  # two charts, two board photos

    def broken(series: Series, lang: str) -> bytes:
        raise RuntimeError("no display")

    # A failing renderer costs the figure (a table of values instead), not the report.
    doc = render_report(report, chart=broken).doc
    values = [t for t in doc.tables if [c.text for c in t.rows[0].cells][1:3] == ["2015", "2018"]]
    assert values


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    return build_sample(tmp_path / "sample.sqlite3").path


def test_pillow_chart_is_a_png(sample_path: Path) -> None:
    series = Series(
        indicator="Émissions 😀 \x00",
        unit="t",
        theme=__import__("alliance_desktop.core.enums", fromlist=["Theme"]).Theme.AIR,
        lines=(("NOx", ((2005, 5200.0), (2018, 3400.0))), ("SO2", ((2005, 800.0),))),
        illustrative=True,
        sources=(),
    )
    png = line_chart(series)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.size == (1600, 900)
    assert nice_ticks(0, 5200)[-1] >= 5200
    assert nice_ticks(3, 3) == sorted(nice_ticks(3, 3))


def test_unknown_year(sample_path: Path) -> None:
    db = open_db(sample_path)
    try:
        with pytest.raises(KnownError, match="2019"):
            build_year_report(db, 2019)
    finally:
        db.close()


def test_exports_do_not_import_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, alliance_desktop.exports.report, alliance_desktop.exports.tables, "
        "alliance_desktop.exports.api; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
