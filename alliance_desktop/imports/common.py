"""Reading CSV and Excel files as French offices write them, into rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t

# A title, a date of extraction or a blank line often sit above the headers.
HEADER_SCAN_ROWS: Final = 20
# Tried in this order when counts tie: French Excel writes ";", Excel's « Texte Unicode »
# writes tabs, and "," comes from other tools.
SEPARATORS: Final = (";", "\t", ",")


class ImportFileError(KnownError):
    """The file as a whole cannot be read: missing, empty, unreadable, no header found."""


# --- text normalisation ---------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped: « Année  » and "ANNEE" both give "annee"."""
    # Decompose before and after folding: each can produce what the other must handle
    # ("℠" decomposes to upper case, "İ" folds to a letter and a combining dot).
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_LIGATURES)
    folded = unicodedata.normalize("NFKD", folded)
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


# --- numbers, years, dates ------------------------------------------------------------

# Thousands separators: spaces of all widths (French), apostrophes (Swiss).
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A number written the French way or the English way; None if it is not one.

    « 1 234,5 », "1234.5", "1.234,5", "1,234.5", "−3" and "12,5 %" are all read; "n.d.",
    "NaN" and "inf" are not. Several commas, or several dots, can only group thousands.
    """
    s = _GROUPING.sub("", text.strip()).replace("\u2212", "-").removesuffix("%")
    if not s:
        return None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        # Whichever comes last is the decimal separator.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif commas == 1:
        s = s.replace(",", ".")
    elif commas > 1:
        s = s.replace(",", "")
    elif dots > 1:
        s = s.replace(".", "")
    if not _DECIMAL.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def parse_year(text: str) -> int | None:
    """A year written as a whole number ("2021", or "2021.0" from a spreadsheet cell)."""
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})")


def parse_date(text: str) -> dt.date | None:
    """A date written day first (« 31/12/2021 », "31.12.21") or in ISO form; else None.

    A month and year (« 12/2021 ») gives the first of the month.
    """
    s = text.strip()
    if m := _ISO.fullmatch(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.fullmatch(s):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            # The period of interest starts in 1990.
            y += 1900 if y >= 90 else 2000
    elif m := _MONTH_YEAR.fullmatch(s):
        y, mo, d = int(m[2]), int(m[1]), 1
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


# --- columns and tables ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column a file may hold: its key, its French header, the headers accepted."""

    key: str
    header: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One data row: its line (CSV) or row number (Excel), and its cells by column key.

    ``overflow`` holds the non-empty cells of a comma-separated line beyond the last
    header: the sign of a decimal comma left unquoted (« 1,5 » read as two cells), which
    would otherwise import a wrong value silently.
    """

    line: int
    cells: dict[str, str]
    overflow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A file read as text, with where its headers were found and how it was decoded."""

    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str | None
    separator: str | None
    sheet: str | None
    header_line: int
    headers: dict[str, str]  # column key -> header as written in the file
    ignored: tuple[str, ...]  # headers not understood, left aside
    rows: tuple[Row, ...]

    def describe(self) -> str:
        """How the file was read, in words: « UTF-8, séparateur « ; » » or the sheet."""
        if self.format == "xlsx":
            return t(
                f"feuille « {self.sheet} », en-têtes ligne {self.header_line}",
                f"sheet “{self.sheet}”, headers on row {self.header_line}",
            )
        sep = {"\t": t("tabulation", "tab")}.get(self.separator or "", self.separator or "")
        return t(
            f"{self.encoding}, séparateur « {sep} », en-têtes ligne {self.header_line}",
            f"{self.encoding}, separator “{sep}”, headers on line {self.header_line}",
        )


@dataclass(frozen=True)
class _Header:
    index: int
    columns: dict[int, str]  # position in the row -> column key
    ignored: tuple[str, ...]


def _match_header(
    cells: Sequence[str], columns: Sequence[Column], required: Sequence[Sequence[str]]
) -> tuple[dict[int, str], tuple[str, ...]] | None:
    names = {j: normalise(c) for j, c in enumerate(cells) if c.strip()}
    found: dict[int, str] = {}
    taken: set[str] = set()
    # Exact names first, so « Année » wins over « Année de référence » for the year.
    for j, n in names.items():
        for col in columns:
            if col.key not in taken and n in col.aliases:
                found[j] = col.key
                taken.add(col.key)
                break
    # Then a known name followed by more words: « Valeur (kt CO2e) », « Source des données ».
    for j, n in names.items():
        if j in found:
            continue
        for col in columns:
            if col.key not in taken and any(n.startswith(a + " ") for a in col.aliases):
                found[j] = col.key
                taken.add(col.key)
                break
    if not all(any(k in taken for k in group) for group in required):
        return None
    ignored = tuple(cells[j].strip() for j in names if j not in found)
    return found, ignored


def _find_header(
    rows: Sequence[Sequence[str]], columns: Sequence[Column], required: Sequence[Sequence[str]]
) -> _Header | None:
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = _match_header(cells, columns, required)
        if match is not None:
            return _Header(i, *match)
    return None


def _expected(columns: Sequence[Column], required: Sequence[Sequence[str]]) -> str:
    header = {c.key: c.header for c in columns}
    return ", ".join(" / ".join(f"« {header[k]} »" for k in group) for group in required)


def _rows(
    data: Sequence[Sequence[str]], header: _Header, first_line: int, width: int | None = None
) -> tuple[Row, ...]:
    out = []
    for i, cells in enumerate(data, start=first_line):
        values = {
            key: cells[j].strip() if j < len(cells) else "" for j, key in header.columns.items()
        }
        overflow = tuple(c.strip() for c in cells[width:] if c.strip()) if width else ()
        # Blank lines and rows left with only formatting are not data.
        if any(values.values()) or overflow:
            out.append(Row(i, values, overflow))
    return tuple(out)


_EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")


def _sniff(raw: bytes, path: Path) -> str:
    """What the bytes hold, whatever the file's name says: "csv", "xlsx"; or refused."""
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = set(z.namelist())
                mimetype = (
                    z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
                )
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                t(
                    f"« {path.name} » est un classeur endommagé ou incomplet.",
                    f"“{path.name}” is a damaged or incomplete workbook.",
                )
            ) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "opendocument" in mimetype:
            raise ImportFileError(
                t(
                    f"« {path.name} » est un classeur LibreOffice (.ods) : enregistrez-le au "
                    "format .xlsx ou CSV.",
                    f"“{path.name}” is a LibreOffice workbook (.ods): save it as .xlsx or CSV.",
                )
            )
        raise ImportFileError(
            t(
                f"« {path.name} » n'est ni un fichier CSV ni un classeur Excel.",
                f"“{path.name}” is neither a CSV file nor an Excel workbook.",
            )
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            t(
                f"« {path.name} » est au format Excel 97-2003 (.xls) : enregistrez-le au "
                "format .xlsx ou CSV.",
                f"“{path.name}” is an Excel 97-2003 (.xls) file: save it as .xlsx or CSV.",
            )
        )
    return "csv"


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    UTF-8 (with or without the BOM Excel adds) is tried first, then Windows-1252, which
    is what French Excel writes for « CSV (séparateur : point-virgule) ». UTF-8 almost
    never decodes text that is really Windows-1252 with accents, so the order is safe.
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), "UTF-16"
    try:
        text = raw.decode("utf-8-sig")
        label = "UTF-8 (BOM)" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        try:
            text, label = raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                t(
                    f"« {path.name} » n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en "
                    "« CSV UTF-8 ».",
                    f"“{path.name}” is neither UTF-8 nor Windows-1252: save it as “CSV UTF-8”.",
                )
            ) from exc
    if "\x00" in text:
        raise ImportFileError(
            t(
                f"« {path.name} » n'est pas un fichier texte.",
                f"“{path.name}” is not a text file.",
            )
        )
    return text, label


def _read_csv(
    path: Path, raw: bytes, columns: Sequence[Column], required: Sequence[Sequence[str]]
) -> Table:
    import pandas as pd

    text, encoding = decode(raw, path)
    lines = text.splitlines()
    head = lines[:HEADER_SCAN_ROWS]
    counts = {sep: sum(line.count(sep) for line in head) for sep in SEPARATORS}
    for sep in sorted(SEPARATORS, key=lambda s: -counts[s]):
        if not counts[sep]:
            continue
        parsed = list(csv.reader(head, delimiter=sep))
        header = _find_header(parsed, columns, required)
        if header is None:
            continue
        # An upper bound on the fields of any line, so that no row is too long for pandas.
        width = max(line.count(sep) for line in lines) + 1
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            names=list(range(width)),
            skiprows=header.index + 1,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        data: list[list[str]] = frame.to_numpy().tolist()
        return Table(
            path=path,
            format="csv",
            encoding=encoding,
            separator=sep,
            sheet=None,
            header_line=header.index + 1,
            headers={k: parsed[header.index][j].strip() for j, k in header.columns.items()},
            ignored=header.ignored,
            rows=_rows(
                data,
                header,
                header.index + 2,
                len(parsed[header.index]) if sep == "," else None,
            ),
        )
    raise ImportFileError(
        t(
            f"Aucune ligne d'en-têtes reconnue dans « {path.name} » : il faut les colonnes "
            f"{_expected(columns, required)}.",
            f"No header line found in “{path.name}”: the columns "
            f"{_expected(columns, required)} are needed.",
        )
    )


def _has_calamine() -> bool:
    import importlib.util

    return importlib.util.find_spec("python_calamine") is not None


def _read_xlsx(
    path: Path, raw: bytes, columns: Sequence[Column], required: Sequence[Sequence[str]]
) -> Table:
    import pandas as pd

    found: tuple[str, _Header, list[list[str]]] | None = None
    try:
        # From the bytes already read: no second opening of a file that a sync client
        # or Excel may be holding.
        # calamine (Rust) reads a workbook about five times faster than openpyxl and gives
        # the same cached values of formulas; openpyxl stays the fallback.
        engine: Literal["calamine", "openpyxl"] = "calamine" if _has_calamine() else "openpyxl"
        with pd.ExcelFile(io.BytesIO(raw), engine=engine) as book:
            sheets = [str(s) for s in book.sheet_names]
            # The data may sit on any sheet (a notice often comes first): the first whose
            # opening rows hold the headers is the one.
            for sheet in sheets:
                head = pd.read_excel(
                    book,
                    sheet_name=sheet,
                    header=None,
                    nrows=HEADER_SCAN_ROWS,
                    dtype=str,
                    na_filter=False,
                )
                header = _find_header(head.to_numpy().tolist(), columns, required)
                if header is not None:
                    frame = pd.read_excel(
                        book, sheet_name=sheet, header=None, dtype=str, na_filter=False
                    )
                    found = (sheet, header, frame.to_numpy().tolist())
                    break
    except Exception as exc:
        # A damaged workbook surfaces from openpyxl, zipfile or the XML parser as almost
        # any exception type; for the user it is one thing: the file cannot be read.
        raise ImportFileError(
            t(
                f"Le classeur « {path.name} » ne peut pas être lu ({exc}).",
                f"The workbook “{path.name}” cannot be read ({exc}).",
            )
        ) from exc
    if found is None:
        listed = ", ".join(f"« {s} »" for s in sheets)
        raise ImportFileError(
            t(
                f"Aucune feuille de « {path.name} » ({listed}) n'a les colonnes "
                f"{_expected(columns, required)} dans ses {HEADER_SCAN_ROWS} premières lignes.",
                f"No sheet of “{path.name}” ({listed}) has the columns "
                f"{_expected(columns, required)} in its first {HEADER_SCAN_ROWS} rows.",
            )
        )
    sheet, header, data = found
    return Table(
        path=path,
        format="xlsx",
        encoding=None,
        separator=None,
        sheet=sheet,
        header_line=header.index + 1,
        headers={k: str(data[header.index][j]).strip() for j, k in header.columns.items()},
        ignored=header.ignored,
        rows=_rows(data[header.index + 1 :], header, first_line=header.index + 2),
    )


def read_table(path: Path, columns: Sequence[Column], required: Sequence[Sequence[str]]) -> Table:
    """Read a CSV file or an Excel workbook as text, finding the header row and sheet.

    Args:
        path: the file; its content decides the format, not its name.
        columns: the columns the caller understands; others are listed as ignored.
        required: groups of column keys; each group needs one of its columns present.

    Raises:
        ImportFileError: missing, empty or unreadable file, or no header row found.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportFileError(t(f"« {path} » n'existe pas.", f"“{path}” does not exist.")) from exc
    except OSError as exc:
        raise ImportFileError(
            t(
                f"« {path} » ne peut pas être lu : {os_reason(exc)}.",
                f"“{path}” cannot be read: {os_reason(exc)}.",
            )
        ) from exc
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(t(f"« {path.name} » est vide.", f"“{path.name}” is empty."))
    fmt = _sniff(raw, path)
    if fmt == "xlsx":
        table = _read_xlsx(path, raw, columns, required)
    elif path.suffix.lower() in _EXCEL_SUFFIXES:
        # Named as a workbook but not one: a CSV renamed .xlsx still imports, but when its
        # text makes no table the user must hear what is wrong, not « no header line ».
        try:
            table = _read_csv(path, raw, columns, required)
        except ImportFileError as exc:
            raise ImportFileError(
                t(
                    f"« {path.name} » n'est pas un classeur Excel lisible : ouvrez-le dans "
                    "Excel ou LibreOffice et enregistrez-le au format .xlsx ou CSV.",
                    f"“{path.name}” is not a readable Excel workbook: open it in Excel or "
                    "LibreOffice and save it as .xlsx or CSV.",
                )
            ) from exc
    else:
        table = _read_csv(path, raw, columns, required)
    if not table.rows:
        raise ImportFileError(
            t(
                f"« {path.name} » a des en-têtes mais aucune ligne de données.",
                f"“{path.name}” has headers but no data rows.",
            )
        )
    return table


# --- templates ------------------------------------------------------------------------


def write_template_file(
    path: Path,
    *,
    sheet: str,
    headers: Sequence[str],
    widths: Sequence[int],
    notice: Sequence[str],
) -> None:
    """Write an empty import file with ``headers``: ``.csv`` (French Excel) or ``.xlsx``.

    Raises:
        ImportFileError: another extension, or the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            write_csv_header(path, headers)
        elif suffix == ".xlsx":
            write_xlsx_header(path, sheet, headers, widths, notice)
        else:
            raise ImportFileError(
                t(
                    f"« {path.name} » : le modèle s'écrit en .csv ou en .xlsx.",
                    f"“{path.name}”: the template is written as .csv or .xlsx.",
                )
            )
    except OSError as exc:
        raise ImportFileError(
            t(
                f"« {path} » ne peut pas être écrit : {os_reason(exc)}.",
                f"“{path}” cannot be written: {os_reason(exc)}.",
            )
        ) from exc


def write_csv_header(path: Path, headers: Sequence[str]) -> None:
    """An empty CSV as French Excel opens it directly: UTF-8 with BOM, ";" separated."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerow(headers)


def write_xlsx_header(
    path: Path, sheet: str, headers: Sequence[str], widths: Sequence[int], notice: Sequence[str]
) -> None:
    """An empty workbook: bold, frozen headers on the first sheet and a notice after it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(headers))
    for cell, width in zip(ws[1], widths, strict=True):
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    help_ws = book.create_sheet("Notice")
    help_ws.column_dimensions["A"].width = 100
    for line in notice:
        help_ws.append([line])
    book.save(path)
