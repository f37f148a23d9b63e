"""A thin layer over python-docx: template, style fall-backs, clean text, tables, pictures."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph

from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.exports import template as tpl
from alliance_desktop.exports.files import write_atomically
from alliance_desktop.exports.images import ImageRejected, prepare
from alliance_desktop.exports.text import NB_HYPHEN, clean, paragraphs, prose

_PIECES: Final = re.compile("(\t|\n|\u2011)")
_W: Final = nsdecls("w")
_HEADING_SIZES: Final = {0: 24, 1: 16, 2: 13, 3: 11}
TEXT_WIDTH_CM: Final = 17.0
_TEMPLATE_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
_DOCUMENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def default_template() -> Path:
    """The template shipped with the application."""
    from alliance_desktop.core.paths import resources_dir

    return resources_dir() / "templates" / "compte-rendu.docx"


def _bad_template(path: Path) -> KnownError:
    return KnownError(
        t(
            f"Le modèle « {path} » n'est pas un document Word (.docx ou .dotx) lisible.",
            f"The template “{path}” is not a readable Word document (.docx or .dotx).",
        )
    )


def _load(path: Path | None) -> Any:
    if path is None:
        shipped = default_template()
        if shipped.is_file():
            return Document(str(shipped))
        # A broken installation still produces a document, in the same style.
        return Document(io.BytesIO(tpl.build_template()))
    path = Path(path)
    if not path.is_file():
        raise KnownError(
            t(f"Le modèle « {path} » est introuvable.", f"The template “{path}” was not found.")
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnownError(
            t(
                f"Impossible de lire le modèle « {path} » : {os_reason(exc)}.",
                f"Cannot read the template “{path}”: {os_reason(exc)}.",
            )
        ) from exc
    try:
        return Document(io.BytesIO(_as_document(data)))
    except Exception as exc:
        # python-docx and lxml raise a dozen unrelated types on a foreign file; all of
        # them mean the same thing to the user.
        raise _bad_template(path) from exc


def _as_document(data: bytes) -> bytes:
    # A .dotx is a .docx with another content type, which python-docx refuses.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin:
            types = zin.read("[Content_Types].xml")
            if _TEMPLATE_TYPE.encode() not in types:
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    content = zin.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        content = content.replace(_TEMPLATE_TYPE.encode(), _DOCUMENT_TYPE.encode())
                    zout.writestr(item, content)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError):
        return data


class Writer:
    """Builds one document; every string it is given goes through ``text.prose`` once."""

    def __init__(self, template: Path | None = None, lang: str = "fr") -> None:
        """Start from ``template`` (the shipped one if None), emptied of its body."""
        self.lang = lang
        self.doc = _load(template)
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        tpl.set_language(self.doc.styles.element, "en-GB" if lang == "en" else "fr-FR")
        self._styles: dict[tuple[str, WD_STYLE_TYPE], Any] = {}
        for style in self.doc.styles:
            if style.name is not None:
                self._styles.setdefault((style.name, style.type), style)
        for level in range(4):
            self._ensure_heading(level)
        self._table_style = self.style(tpl.TABLE_STYLE, "Table Grid", kind=WD_STYLE_TYPE.TABLE)
        default = self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_style_id = default.style_id if default is not None else None
        self.skipped_images = 0
        # Pictures by SHA-1, the next picture's shape id and media number: python-docx
        # finds each of these by walking every picture or element already in, which made
        # a report of 200 charts quadratic (see _inline).
        self._pictures: dict[str, tuple[str, Any]] = {}
        self._next_shape_id = 0
        self._next_media = 0
        # The body's last child, which new paragraphs go before.
        self._section = self.doc.element.body.find(qn("w:sectPr"))

    # --- styles -----------------------------------------------------------------------

    def style(self, *names: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any | None:
        """The first of ``names`` the template defines, or None (the default style)."""
        for name in names:
            found = self._styles.get((name, kind))
            if found is not None:
                return found
        return None

    def _ensure_heading(self, level: int) -> None:
        # Word's headings must stay real headings (navigation pane, table of contents):
        # a template without them gets them added rather than faked with bold text.
        name = "Title" if level == 0 else f"Heading {level}"
        if (name, WD_STYLE_TYPE.PARAGRAPH) in self._styles:
            return
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        normal = self.style("Normal")
        if normal is not None:
            style.base_style = normal
        style.font.bold = True
        style.font.size = Pt(_HEADING_SIZES[level])
        style.font.color.rgb = RGBColor.from_string(tpl.GREEN)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12 if level else 0)
        if level:
            ppr = style.element.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:outlineLvl {_W} w:val="{level - 1}"/>'))
        self._styles[(name, WD_STYLE_TYPE.PARAGRAPH)] = style

    def new_paragraph(self, style: Any | None = None) -> Any:
        """An empty paragraph at the end of the body, in ``style``."""
        # Built directly rather than by ``doc.add_paragraph(style=...)``: python-docx
        # compares the style with the default one by scanning every style of the
        # template, looks for the section properties among all the body's children, and
        # for each possible successor of pStyle, once per paragraph; on a report of 3,000
        # paragraphs that was most of the layout's time.
        p = OxmlElement("w:p")
        if style is not None and style.style_id != self._default_style_id:
            ppr = OxmlElement("w:pPr")
            ppr.append(OxmlElement("w:pStyle", {qn("w:val"): style.style_id}))
            p.append(ppr)
        if self._section is not None:
            self._section.addprevious(p)
        else:
            self.doc.element.body.append(p)
        return Paragraph(p, self.doc)

    # --- text -------------------------------------------------------------------------

    def text(self, value: object) -> str:
        """The one place document text is cleaned and typeset."""
        return prose(value, self.lang)

    def add_runs(
        self,
        paragraph: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        colour: str | None = None,
        size: float | None = None,
    ) -> Any:
        """Append already-cleaned text as one run, tabs and line breaks kept."""
        run = paragraph.add_run()
        r = run._r  # python-docx's own text setter walks the text one character at a time
        if bold or italic or colour:
            # In the schema's order, directly: python-docx's setters look for each of the
            # dozens of properties that may follow, for every run.
            rpr = OxmlElement("w:rPr")
            if bold:
                rpr.append(OxmlElement("w:b"))
            if italic:
                rpr.append(OxmlElement("w:i"))
            if colour:
                value = str(RGBColor.from_string(colour))
                rpr.append(OxmlElement("w:color", {qn("w:val"): value}))
            r.insert(0, rpr)
        if size:
            run.font.size = Pt(size)
        for piece in _PIECES.split(text):
            if piece == "\t":
                r.add_tab()
            elif piece == "\n":
                r.add_br()
            elif piece == NB_HYPHEN:
                # The character itself is missing from many fonts; Word and LibreOffice
                # draw their own element as an ordinary hyphen that never ends a line.
                r.append(OxmlElement("w:noBreakHyphen"))
            elif piece:
                r.add_t(piece)
        return run

    def paragraph(
        self,
        value: object = "",
        style: Any | None = None,
        *,
        bold: bool = False,
        italic: bool = False,
        colour: str | None = None,
        align: WD_ALIGN_PARAGRAPH | None = None,
    ) -> Any:
        """One paragraph; line breaks inside ``value`` stay line breaks."""
        p = self.new_paragraph(style)
        if align is not None:
            p.alignment = align
        text = self.text(value)
        if text:
            self.add_runs(p, text, bold=bold, italic=italic, colour=colour)
        return p

    def rich(self, parts: Sequence[tuple[object, dict[str, Any]]], style: Any = None) -> Any:
        """One paragraph made of differently formatted parts."""
        p = self.new_paragraph(style)
        for value, fmt in parts:
            text = self.text(value)
            if text:
                self.add_runs(p, text, **fmt)
        return p

    def block(self, value: object, style: Any | None = None) -> int:
        """A text of several paragraphs (split on blank lines); returns how many."""
        parts = paragraphs(value)
        for part in parts:
            self.paragraph(part, style)
        return len(parts)

    def heading(self, value: object, level: int) -> Any:
        """A real Word heading (``Title`` for level 0)."""
        name = "Title" if level == 0 else f"Heading {level}"
        text = self.text(value).replace("\n", " ")
        return self.paragraph(text, self.style(name))

    def labelled(self, label: str, value: object, style: Any | None = None) -> Any:
        """« Label : value » with the label in bold."""
        sep = "\u00a0: " if self.lang == "fr" else ": "
        return self.rich([(label + sep, {"bold": True}), (value, {})], style)

    def bullet(self, value: object) -> Any:
        """An item of a bulleted list (a « • » in a template without list styles)."""
        style = self.style("List Bullet")
        if style is None:
            return self.rich([("•\t", {}), (value, {})])
        return self.paragraph(value, style)

    def note(self, value: object) -> Any:
        """A visible remark from the application (an image left out, nothing recorded)."""
        p = self.paragraph(value, italic=True, colour=tpl.GREY)
        # Notes often follow a table, which has no spacing of its own below.
        p.paragraph_format.space_before = Pt(4)
        return p

    def caption(self, value: object) -> Any:
        """A caption under a picture or a table."""
        style = self.style("Caption")
        if style is None:
            return self.paragraph(value, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        return self.paragraph(value, style)

    def page_break(self) -> None:
        """Start a new page."""
        self.new_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- tables -----------------------------------------------------------------------

    def table(
        self,
        header: Sequence[object] | None,
        rows: Sequence[Sequence[object]],
        widths_cm: Sequence[float] | None = None,
        *,
        shading: Sequence[Sequence[str | None]] | None = None,
        bold_first_column: bool = False,
        keep_rows: bool = True,
    ) -> Any:
        """A table, filled row by row from each row's cells.

        Never cell by cell: python-docx's ``table.cell(i, j)`` re-walks the grid each
        time, which is quadratic on long tables.

        Args:
            header: the column titles, repeated on each page; None for none.
            rows: the cells' texts.
            widths_cm: column widths; equal widths across the text width if None.
            shading: a fill colour (hex) per cell, or None to leave it.
            bold_first_column: set the first column in bold (a label column).
            keep_rows: keep each row on one page (off for rows longer than a page).
        """
        ncols = len(header) if header is not None else max((len(r) for r in rows), default=1)
        nrows = len(rows) + (1 if header is not None else 0)
        table = self.doc.add_table(rows=nrows, cols=ncols)
        if self._table_style is not None:
            table._tbl.tblPr.style = self._table_style.style_id
        else:
            _direct_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [Cm(w) for w in (widths_cm or [TEXT_WIDTH_CM / ncols] * ncols)]
        for column, width in zip(table.columns, widths, strict=False):
            column.width = width
        all_rows = list(table.rows)
        body_rows = all_rows
        if header is not None:
            head = all_rows[0]
            body_rows = all_rows[1:]
            head._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {_W}/>"))
            for cell, value, width in zip(head.cells, header, widths, strict=False):
                cell.width = width
                _shade(cell, tpl.LIGHT_GREEN)
                self.add_runs(cell.paragraphs[0], self.text(value), bold=True)
        for n, (row, values) in enumerate(zip(body_rows, rows, strict=True)):
            fills = shading[n] if shading is not None else None
            if keep_rows:
                row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {_W}/>"))
            for j, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=False)):
                cell.width = width
                self._fill(cell, value, bold=bold_first_column and j == 0)
                fill = fills[j] if fills is not None and j < len(fills) else None
                if fill:
                    _shade(cell, fill)
        return table

    def _fill(self, cell: Any, value: object, *, bold: bool = False) -> None:
        parts = paragraphs(value)
        first = cell.paragraphs[0]
        for n, part in enumerate(parts):
            p = first if n == 0 else cell.add_paragraph()
            self.add_runs(p, self.text(part), bold=bold)

    # --- pictures ---------------------------------------------------------------------

    def picture(
        self,
        data: bytes,
        caption: object | None,
        name: str,
        *,
        max_width_cm: float = 16.0,
        max_height_cm: float = 18.0,
    ) -> bool:
        """Insert an image normalised by Pillow; a visible note replaces one that fails."""
        try:
            img = prepare(data)
        except ImageRejected as exc:
            self.skipped_images += 1
            self.note(
                t(
                    f"Image « {clean(name)} » non reproduite : {exc}.",
                    f"Image “{clean(name)}” left out: {exc}.",
                )
            )
            return False
        width = min(max_width_cm, max_height_cm * img.width / img.height)
        p = self.new_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        try:
            p.add_run()._r.add_drawing(self._inline(img.data, Cm(width)))
        except Exception:
            # python-docx has its own header parser; an image Pillow accepts but it does
            # not (an exotic PNG chunk) must still not stop the document.
            p._p.getparent().remove(p._p)
            self.skipped_images += 1
            self.note(
                t(
                    f"Image « {clean(name)} » non reproduite : format non pris en charge.",
                    f"Image “{clean(name)}” left out: unsupported format.",
                )
            )
            return False
        if caption:
            self.caption(caption)
        return True

    def _inline(self, data: bytes, width: Length) -> Any:
        """The drawing of a picture ``width`` wide, its bytes stored once per document.

        What ``run.add_picture`` does, without its two scans per picture: the SHA-1 of
        every image already in (to share identical ones) and an XPath over the whole
        document for the largest id.
        """
        part = self.doc.part
        key = hashlib.sha1(data).hexdigest()
        known = self._pictures.get(key)
        if known is None:
            image = DocxImage.from_blob(data)
            media = part.package.image_parts
            if not self._next_media:
                # The template's own pictures (a letterhead's logo) keep their names.
                self._next_media = max((p.partname.idx or 0 for p in media), default=0) + 1
            name = PackURI(f"/word/media/image{self._next_media}.{image.ext}")
            self._next_media += 1
            image_part = ImagePart.from_image(image, name)
            media.append(image_part)
            known = (part.relate_to(image_part, RELATIONSHIP_TYPE.IMAGE), image)
            self._pictures[key] = known
        r_id, image = known
        if not self._next_shape_id:
            self._next_shape_id = part.next_id
        shape_id = self._next_shape_id
        self._next_shape_id += 1
        cx, cy = image.scaled_dimensions(width, None)
        return CT_Inline.new_pic_inline(shape_id, r_id, image.filename, cx, cy)

    # --- output -----------------------------------------------------------------------

    def properties(self, title: str, subject: str) -> None:
        """Title and subject shown by Word's file properties."""
        props = self.doc.core_properties
        props.title = clean(title)[:255]
        props.subject = clean(subject)[:255]
        props.author = "Alliance pour la transition écologique et solidaire"
        props.comments = ""
        props.language = "en-GB" if self.lang == "en" else "fr-FR"
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        props.created = now
        props.modified = now

    def to_bytes(self) -> bytes:
        """The document as .docx bytes."""
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def save(self, path: Path) -> Path:
        """Write the document, whole or not at all."""
        return write_atomically(Path(path), self.to_bytes())


def _shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(parse_xml(f'<w:shd {_W} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _direct_borders(table: Any) -> None:
    border = 'w:val="single" w:sz="4" w:space="0" w:color="999999"'
    edges = "".join(
        f"<w:{e} {border}/>" for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    borders = parse_xml(f"<w:tblBorders {_W}>{edges}</w:tblBorders>")
    tbl_pr = table._tbl.tblPr
    # Word rejects a tblPr whose children are out of the schema's order.
    later = [tbl_pr.find(qn(f"w:{tag}")) for tag in ("shd", "tblLayout", "tblCellMar", "tblLook")]
    successor = next((el for el in later if el is not None), None)
    if successor is not None:
        successor.addprevious(borders)
    else:
        tbl_pr.append(borders)
