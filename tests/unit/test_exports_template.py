"""The shipped template, and users' templates that lack styles or are .dotx files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from test_exports_data import build_sample, open_db, style_name

from alliance_desktop.core.errors import KnownError
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports.docxwriter import Writer, default_template
from alliance_desktop.exports.minutes import write_minutes


def test_shipped_template_has_the_styles_and_page() -> None:
    path = default_template()
    assert path.is_file()
    document = docx.Document(str(path))
    names = {s.name for s in document.styles}
    for name in (
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Caption",
        "Quote",
        "List Bullet",
        tpl.CONSENSUS_STYLE,
        tpl.DISSENT_STYLE,
    ):
        assert name in names
    assert document.styles[tpl.TABLE_STYLE].type == WD_STYLE_TYPE.TABLE
    assert document.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor.from_string(
        tpl.GREEN
    )
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "fr-FR"
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    left, right = section.left_margin, section.right_margin
    assert width is not None and height is not None and left is not None and right is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    assert round(left.mm) == round(right.mm) == 20
    assert len(document.element.body) == 1  # only the section properties
    assert "python-docx" not in (document.core_properties.comments or "")


def test_template_is_rebuilt_identically_in_style() -> None:
    rebuilt = docx.Document(io.BytesIO(tpl.build_template()))
    shipped = docx.Document(str(default_template()))
    assert {s.name for s in rebuilt.styles} == {s.name for s in shipped.styles}


def _strip_styles(source: Path, target: Path, drop: set[str]) -> None:
    # A letterhead made in Word holds only the styles it uses: Heading 1 is often absent.
    document = docx.Document(str(source))
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        name = style.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")).lower() in drop:
            styles.remove(style)
    document.save(str(target))


def test_user_template_without_styles_still_gives_real_headings(tmp_path: Path) -> None:
    bare = tmp_path / "papier-en-tete.docx"
    base = tmp_path / "base.docx"
    letterhead = docx.Document()
    letterhead.sections[0].header.paragraphs[0].text = "Ville de Clermont-Ferrand"
    letterhead.add_paragraph("Texte du modèle à ne pas reprendre")
    letterhead.save(str(base))
    _strip_styles(
        base,
        bare,
        {
            "heading 1",
            "heading 2",
            "heading 3",
            "title",
            "subtitle",
            "caption",
            "quote",
            "list bullet",
            "table grid",
            "point consensus",
        },
    )
    sample = build_sample(tmp_path / "s.sqlite3")
    db = open_db(sample.path)
    try:
        out = write_minutes(db, sample.main, tmp_path / "cr.docx", template=bare)
    finally:
        db.close()
    document = docx.Document(str(out))
    styles = {style_name(p) for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    outline = document.styles["Heading 1"].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    assert outline is not None and outline.get(qn("w:val")) == "0"
    texts = [p.text for p in document.paragraphs]
    assert "Texte du modèle à ne pas reprendre" not in texts
    assert document.sections[0].header.paragraphs[0].text == "Ville de Clermont-Ferrand"
    assert len(document.tables) >= 3
    # No table style: the tables get their borders directly.
    borders = document.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None


def test_dotx_template(tmp_path: Path) -> None:
    source = tmp_path / "modele.docx"
    docx.Document().save(str(source))
    dotx = tmp_path / "modele.dotx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
                )
            zout.writestr(item, data)
    writer = Writer(dotx)
    writer.heading("Titre", 1)
    assert style_name(docx.Document(io.BytesIO(writer.to_bytes())).paragraphs[0]) == "Heading 1"


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 broken zip", b"plain text"])
def test_unreadable_template_is_a_known_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    with pytest.raises(KnownError, match=r"bad\.docx"):
        Writer(bad)
    with pytest.raises(KnownError, match="introuvable"):
        Writer(tmp_path / "absent.docx")


def test_english_documents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from alliance_desktop.core.i18n import set_language

    sample = build_sample(tmp_path / "s.sqlite3")
    set_language("en")
    try:
        db = open_db(sample.path)
        try:
            out = write_minutes(db, sample.main, tmp_path / "minutes.docx")
        finally:
            db.close()
    finally:
        set_language("fr")
    document = docx.Document(str(out))
    h1 = [p.text for p in document.paragraphs if style_name(p) == "Heading 1"]
    assert "The salient points of our exchanges…" in h1
    assert any("29 May 2024" in p.text for p in document.paragraphs)
