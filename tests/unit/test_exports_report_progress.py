"""The yearly report's progress callback, cancelling it, and how its charts are stored."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image
from test_exports_data import open_db

from alliance_desktop.exports import api
from alliance_desktop.exports.charts import line_chart
from alliance_desktop.exports.docxwriter import Writer
from alliance_desktop.exports.model import Series
from alliance_desktop.exports.progress import Cancelled
from alliance_desktop.exports.queries import build_year_report
from alliance_desktop.exports.report import render_report, report_steps, write_report

Call = tuple[int, int, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from alliance_desktop.services.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    write_demo(path)
    return path


def _series(name: str = "Émissions de NOx", lines: int = 2) -> Series:
    from alliance_desktop.core.enums import Theme

    return Series(
        indicator=name,
        unit="t",
        theme=Theme.AIR,
        lines=tuple(
            (
                f"Secteur {n}",
                tuple((year, 100.0 * (n + 1) - year % 7) for year in range(2015, 2025)),
            )
            for n in range(lines)
        ),
        illustrative=False,
        sources=("Atmo",),
    )


def test_progress_goes_from_reading_to_saved(demo: Path, tmp_path: Path) -> None:
    calls: list[Call] = []
    db = open_db(demo)
    try:
        report = build_year_report(db, 2024)
        out = write_report(db, 2024, tmp_path / "rapport.docx", progress=lambda *c: calls.append(c))
    finally:
        db.close()
    assert out.is_file()
    # First the reading, whose length nobody knows, in French.
    assert calls[0] == (0, 0, "Lecture des séances de 2024")
    total = report_steps(report) + 2
    assert {c[1] for c in calls[1:]} == {total}
    done = [c[0] for c in calls[1:]]
    assert done == sorted(done)
    assert done[0] == 1
    assert calls[-1] == (total, total, "Rapport enregistré")
    assert (total - 1, total, "Enregistrement du document") in calls
    charts = [c[2] for c in calls if c[2].startswith("Graphique ")]
    assert len(charts) == len(report.series) > 0
    assert charts[0].startswith(f"Graphique 1 sur {len(report.series)} : ")
    themes = [c[2] for c in calls if c[2].startswith("Thématique : ")]
    assert len(themes) == len(report.themes)


def test_render_alone_counts_its_own_steps(demo: Path) -> None:
    calls: list[Call] = []
    db = open_db(demo)
    try:
        report = build_year_report(db, 2024)
    finally:
        db.close()
    render_report(report, chart=None, progress=lambda *c: calls.append(c))
    steps = report_steps(report)
    assert calls[0][:2] == (0, steps)
    assert calls[-1][:2] == (steps, steps)
    # One call per step, then the end.
    assert [c[0] for c in calls] == list(range(steps + 1))


def test_english_progress(demo: Path, tmp_path: Path) -> None:
    from alliance_desktop.core.i18n import set_language

    calls: list[Call] = []
    db = open_db(demo)
    set_language("en")
    try:
        write_report(db, 2024, tmp_path / "report.docx", progress=lambda *c: calls.append(c))
    finally:
        set_language("fr")
        db.close()
    assert calls[0][2] == "Reading the sessions of 2024"
    assert any(c[2].startswith("Chart 1 of ") for c in calls)


def test_cancelling_writes_nothing(demo: Path, tmp_path: Path) -> None:
    seen: list[Call] = []

    def stop_at_third_chart(done: int, total: int, what: str) -> None:
        seen.append((done, total, what))
        if what.startswith("Graphique 3 "):
            raise Cancelled

    out = tmp_path / "rapport.docx"
    with pytest.raises(Cancelled):
        api.export_document("report", demo, out, year=2024, progress=stop_at_third_chart)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert seen[-1][2].startswith("Graphique 3 ")


def test_a_callback_that_breaks_stops_the_report_too(demo: Path, tmp_path: Path) -> None:
    def broken(done: int, _total: int, _what: str) -> None:
        if done > 2:
            raise RuntimeError("callback bug")

    with pytest.raises(RuntimeError, match="callback bug"):
        api.export_document("report", demo, tmp_path / "r.docx", year=2024, progress=broken)
    assert not (tmp_path / "r.docx").exists()


def test_no_progress_asked_still_writes(demo: Path, tmp_path: Path) -> None:
    out = api.export_document("report", demo, tmp_path / "r.docx", year=2024)
    assert out.stat().st_size > 0


def test_minutes_by_meeting_id(demo: Path, tmp_path: Path) -> None:
    from sqlalchemy import select

    from alliance_desktop.storage.models import Meeting

    db = open_db(demo)
    try:
        with db.read() as s:
            meeting = s.scalars(select(Meeting).order_by(Meeting.date)).first()
            assert meeting is not None
            meeting_id, title = meeting.id, meeting.title
    finally:
        db.close()
    out = api.export_document("minutes", demo, tmp_path / "cr.docx", meeting=meeting_id)
    assert docx.Document(str(out)).core_properties.title == title


def test_charts_are_palette_pngs_with_smooth_text() -> None:
    png = line_chart(_series())
    with Image.open(io.BytesIO(png)) as img:
        assert (img.format, img.mode, img.size) == ("PNG", "P", (1600, 900))
        rgb = img.convert("RGB")
    # The title's letters have shades between the ink and the white: anti-aliased.
    title = rgb.crop((60, 30, 600, 80))
    shades = [c for _count, c in title.getcolors(4096) or [] if isinstance(c, tuple)]
    greys = {c[0] for c in shades if c[0] == c[1] == c[2]}
    assert (40 in greys or 41 in greys) and 255 in greys
    assert len([v for v in greys if 60 < v < 230]) > 10
    # The lines keep their colours.
    colours = {colour for _count, colour in rgb.getcolors(4096) or []}
    assert (46, 107, 63) in colours and (181, 84, 28) in colours


def _docpr_ids(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    return re.findall(r"<wp:docPr id=\"(\d+)\"", xml)


def test_pictures_get_unique_ids_and_identical_ones_are_stored_once(tmp_path: Path) -> None:
    first, second = line_chart(_series("Un")), line_chart(_series("Deux"))
    doc = Writer()
    for data in (first, second, first):
        assert doc.picture(data, "légende", "graphique")
    out = doc.save(tmp_path / "images.docx")
    ids = _docpr_ids(out)
    assert len(ids) == 3 and len(set(ids)) == 3
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    # Word's own reader agrees: three inline pictures, two images.
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 3


def test_template_pictures_keep_their_names(tmp_path: Path) -> None:
    # A letterhead: a logo in the page header, stored as word/media/image1.png.
    logo = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 90, 40)).save(logo, "PNG")
    letterhead = docx.Document()
    letterhead.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(logo.getvalue()))
    template = tmp_path / "en-tete.docx"
    letterhead.save(str(template))

    doc = Writer(template)
    doc.picture(line_chart(_series()), "Figure", "graphique")
    out = doc.save(tmp_path / "avec-logo.docx")
    with zipfile.ZipFile(out) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        assert len(media) == 2
        blobs = {z.read(n) for n in media}
    assert logo.getvalue() in blobs
    header = docx.Document(str(out)).sections[0].header
    assert header.part.related_parts  # the logo is still linked from the header


def test_workbook_holds_a_sheet_per_table(demo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    names = ["attendance", "points", "notes", "indicators", "measurements"]
    out = api.export_workbook(names, demo, tmp_path / "Tableaux 2024.xlsx", year=2024)
    book = load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == [
            "Présences",
            "Points",
            "Grilles d'écoute",
            "Indicateurs",
            "Mesures",
        ]
    finally:
        book.close()
