"""The Alliance's Word template: sober green headings, French, A4; rebuilt by ``main``."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, Final

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

GREEN: Final = "2E6B3F"
LIGHT_GREEN: Final = "E3EFE5"
ORANGE: Final = "B5541C"
LIGHT_ORANGE: Final = "F8E6DA"
AMBER_LIGHT: Final = "FFF2CC"
GREY: Final = "5F5F5F"
LIGHT_GREY: Final = "EDEDED"
INK: Final = "262626"
FONT: Final = "Arial"

# The styles the renderers ask for beyond Word's built-in ones.
CONSENSUS_STYLE: Final = "Point consensus"
DISSENT_STYLE: Final = "Point dissensus"
TABLE_STYLE: Final = "Tableau Alliance"

_W = nsdecls("w")


def _fonts(name: str = FONT) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def _rpr(size_half_points: int, colour: str, *, bold: bool = False, italic: bool = False) -> str:
    b = "<w:b/><w:bCs/>" if bold else ""
    i = "<w:i/><w:iCs/>" if italic else ""
    return (
        f'<w:rPr {_W}>{_fonts()}{b}{i}<w:color w:val="{colour}"/>'
        f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/></w:rPr>'
    )


def _restyle(styles: Any, style_id: str, ppr: str | None, rpr: str | None) -> None:
    style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    if style is None:
        return
    for tag in ("w:pPr", "w:rPr"):
        old = style.find(qn(tag))
        if old is not None:
            style.remove(old)
    anchor = style.find(qn("w:tblPr"))
    for xml in (ppr, rpr):
        if xml is None:
            continue
        el = parse_xml(xml)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            style.append(el)


def _border_style(style_id: str, name: str, colour: str, fill: str) -> str:
    # A coloured bar on the left and a light tint: consensus and dissent tell apart at a
    # glance, in colour and, through the bar's weight, in grey print too.
    return (
        f'<w:style {_W} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:uiPriority w:val="20"/><w:qFormat/>'
        "<w:pPr><w:pBdr>"
        f'<w:left w:val="single" w:sz="24" w:space="6" w:color="{colour}"/>'
        "</w:pBdr>"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
        '<w:spacing w:before="60" w:after="120"/><w:ind w:left="170"/></w:pPr>'
        "</w:style>"
    )


def _table_style() -> str:
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{"A9C4AE"}"'
    edges = "".join(
        f"<w:{edge} {border}/>" for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:style {_W} w:type="table" w:customStyle="1" w:styleId="TableauAlliance">'
        f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/>'
        '<w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        f"<w:tblPr><w:tblBorders>{edges}</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>"
    )


def set_language(styles: Any, lang: str) -> None:
    """Make ``lang`` (``fr-FR``…) the language of the text, for spelling and hyphenation."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {_W}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {_W}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {_W}/>")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = parse_xml(f"<w:lang {_W}/>")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)


def build_template() -> bytes:
    """The template as .docx bytes."""
    doc = Document()
    styles = doc.styles.element
    set_language(styles, "fr-FR")

    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    old_fonts = rpr.find(qn("w:rFonts"))
    if old_fonts is not None:
        rpr.remove(old_fonts)
    rpr.insert(0, parse_xml(_fonts().replace("<w:rFonts", f"<w:rFonts {_W}", 1)))
    for tag, val in (("w:sz", "21"), ("w:szCs", "21")):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), val)
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "120")
        spacing.set(qn("w:line"), "264")

    _restyle(styles, "Normal", None, _rpr(21, INK))
    _restyle(
        styles,
        "Title",
        f'<w:pPr {_W}><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="6" '
        f'w:color="{GREEN}"/></w:pBdr><w:spacing w:after="120" w:line="240" '
        'w:lineRule="auto"/><w:contextualSpacing/></w:pPr>',
        _rpr(48, GREEN, bold=True),
    )
    _restyle(
        styles,
        "Subtitle",
        f'<w:pPr {_W}><w:spacing w:after="360"/></w:pPr>',
        _rpr(26, GREY),
    )
    for level, size, before, after, colour in (
        (1, 32, 360, 120, GREEN),
        (2, 26, 240, 80, GREEN),
        (3, 22, 180, 60, INK),
    ):
        _restyle(
            styles,
            f"Heading{level}",
            f"<w:pPr {_W}><w:keepNext/><w:keepLines/>"
            f'<w:spacing w:before="{before}" w:after="{after}"/>'
            f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>',
            _rpr(size, colour, bold=True),
        )
    _restyle(
        styles,
        "Caption",
        f'<w:pPr {_W}><w:spacing w:before="60" w:after="240" w:line="240" '
        'w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>',
        _rpr(17, GREY, italic=True),
    )
    _restyle(
        styles,
        "Quote",
        f'<w:pPr {_W}><w:pBdr><w:left w:val="single" w:sz="12" w:space="6" '
        f'w:color="{GREY}"/></w:pBdr><w:spacing w:before="60" w:after="120"/>'
        '<w:ind w:left="284" w:right="284"/></w:pPr>',
        _rpr(20, "404040", italic=True),
    )
    _restyle(styles, "Footer", None, _rpr(16, GREY))
    styles.append(parse_xml(_border_style("PointConsensus", CONSENSUS_STYLE, GREEN, "F1F7F2")))
    styles.append(parse_xml(_border_style("PointDissensus", DISSENT_STYLE, ORANGE, "FCF1EA")))
    styles.append(parse_xml(_table_style()))

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = 1
    footer.add_run("Alliance pour la transition écologique et solidaire  ·  ")
    footer._p.append(
        parse_xml(f'<w:fldSimple {_W} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )

    props = doc.core_properties
    props.author = "Alliance pour la transition écologique et solidaire"
    props.last_modified_by = props.author
    props.comments = ""
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.language = "fr-FR"
    props.revision = 1

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the template to the path given, by default the one the application ships."""
    from alliance_desktop.core.paths import resources_dir

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else resources_dir() / "templates" / "compte-rendu.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_template())
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
