"""Tables for spreadsheets: CSV for French Excel and XLSX, written through pandas."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.exports import queries as q
from alliance_desktop.exports import wording as w
from alliance_desktop.exports.files import write_atomically
from alliance_desktop.exports.text import spreadsheet_cell
from alliance_desktop.storage.database import Database

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

Kind = Literal["text", "int", "float", "date"]
Format = Literal["csv", "xlsx"]
TABLES: Final = ("attendance", "points", "notes", "indicators", "measurements")
FORMATS: Final = ("csv", "xlsx")


@dataclass
class Table:
    """A table ready to write: named, typed columns and rows of plain values."""

    name: str
    columns: list[tuple[str, Kind]]
    rows: list[list[object]] = field(default_factory=list)


def table_title(name: str) -> str:
    """The title of the table called ``name`` (one of ``TABLES``): sheet and file name."""
    titles = {
        "attendance": t("Présences", "Attendance"),
        "points": t("Points", "Points"),
        "notes": t("Grilles d'écoute", "Listening notes"),
        "indicators": t("Indicateurs", "Indicators"),
        "measurements": t("Mesures", "Measurements"),
    }
    return titles.get(name, name)


def _yes(value: bool) -> str:
    return t("oui", "yes") if value else t("non", "no")


def _session_cols() -> list[tuple[str, Kind]]:
    return [
        (t("Date", "Date"), "date"),
        (t("N°", "No."), "int"),
        (t("Séance", "Session"), "text"),
        (t("Thématique", "Theme"), "text"),
        (t("Étape", "Stage"), "text"),
    ]


def _session_values(sc: q.SessionColumns) -> list[object]:
    return [
        sc.date,
        sc.number,
        sc.title,
        label(sc.theme) if sc.theme is not None else "",
        label(sc.stage) if sc.stage is not None else "",
    ]


def attendance_table(db: Database, flt: q.Filter) -> Table:
    """One row per person invited to a session; names only with the person's consent."""
    table = Table(
        table_title("attendance"),
        [
            *_session_cols(),
            (t("Organisation", "Organisation"), "text"),
            (t("Personne", "Person"), "text"),
            (t("Rôle", "Role"), "text"),
            (t("Statut", "Status"), "text"),
            (t("Mode de participation", "Participation"), "text"),
        ],
    )
    for sc, a in q.attendance_rows(db, flt):
        org = a.organisation or a.person.organisation
        table.rows.append(
            [
                *_session_values(sc),
                org.name if org is not None else "",
                q.person_name(a.person) or "",
                label(a.role),
                label(a.status),
                label(a.mode) if a.mode is not None else "",
            ]
        )
    return table


def points_table(db: Database, flt: q.Filter) -> Table:
    """Every point of the boards: consensus, dissent, open questions."""
    table = Table(
        table_title("points"),
        [
            *_session_cols(),
            (t("Type", "Kind"), "text"),
            (t("Ordre", "Order"), "int"),
            (t("Texte", "Text"), "text"),
        ],
    )
    rows = q.point_rows(db, flt)
    # Each column of the board is numbered on its own, as the board and the minutes do
    # (dissent 1, 2 beside consensus 1, 2, 3), so the rows come column after column.
    sessions: dict[uuid.UUID, int] = {}
    for _sc, p in rows:
        sessions.setdefault(p.meeting_id, len(sessions))
    columns = {kind: n for n, kind in enumerate(e.PointKind)}
    rows.sort(key=lambda row: (sessions[row[1].meeting_id], columns[row[1].kind]))
    order: Counter[tuple[uuid.UUID, e.PointKind]] = Counter()
    for sc, p in rows:
        order[p.meeting_id, p.kind] += 1
        table.rows.append(
            [*_session_values(sc), label(p.kind), order[p.meeting_id, p.kind], p.text]
        )
    return table


def notes_table(db: Database, flt: q.Filter) -> Table:
    """The listening notes, without their authors."""
    table = Table(
        table_title("notes"),
        [
            *_session_cols(),
            (t("Note", "Note"), "text"),
            (t("Suite donnée", "Follow-up"), "text"),
            (t("Réponse", "Answer"), "text"),
        ],
    )
    for sc, n in q.note_rows(db, flt):
        table.rows.append([*_session_values(sc), n.text, label(n.follow_up), n.answer or ""])
    return table


def indicators_table(db: Database, flt: q.Filter) -> Table:
    """One row per objective; an indicator without objective still gets its row."""
    del flt  # indicators belong to themes, not to one session or year
    table = Table(
        table_title("indicators"),
        [
            (t("Thématique", "Theme"), "text"),
            (t("Indicateur", "Indicator"), "text"),
            (t("Unité", "Unit"), "text"),
            (t("Ventilation", "Breakdown"), "text"),
            (t("Objectif", "Objective"), "text"),
            (t("Type d'objectif", "Objective kind"), "text"),
            (t("Valeur cible", "Target value"), "float"),
            (t("Horizon", "Horizon"), "int"),
            (t("Évolution (%)", "Change (%)"), "float"),
            (t("Année de référence", "Baseline year"), "int"),
            (t("Tendance", "Direction"), "text"),
            (t("Source", "Source"), "text"),
            (t("Validé", "Validated"), "text"),
            (t("Adopté le", "Adopted on"), "date"),
            (t("Données saisies", "Data recorded"), "text"),
        ],
    )
    items, dates = q.indicator_items(db)
    for ind in items:
        adopted = dates.get(ind.adopted_in) if ind.adopted_in is not None else None
        head: list[object] = [label(ind.theme), ind.name, ind.unit or ""]
        if not ind.objectives:
            table.rows.append(
                [
                    *head,
                    "",
                    "",
                    "",
                    None,
                    None,
                    None,
                    None,
                    "",
                    ind.source or "",
                    "",
                    adopted,
                    _yes(ind.has_data),
                ]
            )
        for o in ind.objectives:
            table.rows.append(
                [
                    *head,
                    o.breakdown_key or "",
                    w.objective_sentence(o, language()),
                    label(o.kind),
                    o.target_value,
                    o.horizon_year,
                    o.change_percent,
                    o.baseline_year,
                    label(o.direction) if o.direction is not None else "",
                    o.source or "",
                    _yes(o.validated),
                    adopted,
                    _yes(ind.has_data),
                ]
            )
    return table


def measurements_table(db: Database, flt: q.Filter) -> Table:
    """Every recorded value; illustrative ones say so."""
    del flt  # measurements are yearly series, not tied to a session
    table = Table(
        table_title("measurements"),
        [
            (t("Thématique", "Theme"), "text"),
            (t("Indicateur", "Indicator"), "text"),
            (t("Unité", "Unit"), "text"),
            (t("Ventilation", "Breakdown"), "text"),
            (t("Année", "Year"), "int"),
            (t("Valeur", "Value"), "float"),
            (t("Source", "Source"), "text"),
            (t("Valeur illustrative", "Illustrative value"), "text"),
        ],
    )
    for m in q.measurement_rows(db):
        table.rows.append(
            [
                label(m.theme),
                m.indicator,
                m.unit or "",
                m.breakdown_key,
                m.year,
                m.value,
                m.source or "",
                _yes(m.illustrative),
            ]
        )
    return table


BUILDERS: Final[dict[str, Callable[[Database, q.Filter], Table]]] = {
    "attendance": attendance_table,
    "points": points_table,
    "notes": notes_table,
    "indicators": indicators_table,
    "measurements": measurements_table,
}


def build_table(db: Database, name: str, flt: q.Filter | None = None) -> Table:
    """The table called ``name`` (one of ``TABLES``).

    Raises:
        KnownError: no such table.
    """
    builder = BUILDERS.get(name)
    if builder is None:
        raise KnownError(
            t(
                f"Table inconnue « {name} » : choisissez parmi {', '.join(TABLES)}.",
                f"Unknown table “{name}”: choose from {', '.join(TABLES)}.",
            )
        )
    return builder(db, flt or q.Filter())


# Excel refuses longer cells; a cut must show, so the reader knows to look elsewhere.
EXCEL_CELL_LIMIT: Final = 32_767


def _cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    mark = t(" […] (texte tronqué : limite d'Excel)", " […] (text cut: Excel's limit)")
    return text[: limit - len(mark)] + mark


def dataframe(table: Table, cell_limit: int | None = None) -> pd.DataFrame:
    """The table as a typed DataFrame, text cells cleaned and defused."""
    import pandas as pd  # a second of import time: only when a table is written

    names = [name for name, _ in table.columns]
    data: dict[str, pd.Series] = {}
    for j, (name, kind) in enumerate(table.columns):
        values = [row[j] for row in table.rows]
        if kind == "text":
            data[name] = pd.Series(
                [_cut(spreadsheet_cell(v), cell_limit) if v is not None else "" for v in values],
                dtype=object,
            )
        elif kind == "int":
            data[name] = pd.Series(values, dtype="Int64")
        elif kind == "float":
            data[name] = pd.Series(values, dtype="Float64")
        else:
            data[name] = pd.to_datetime(pd.Series(values, dtype=object))
    return pd.DataFrame(data, columns=names)


def csv_bytes(table: Table) -> bytes:
    """CSV as French Excel opens it: « ; » between cells, decimal comma, UTF-8 with BOM."""
    out = io.StringIO()
    dataframe(table).to_csv(
        out, sep=";", decimal=",", index=False, date_format="%d/%m/%Y", lineterminator="\r\n"
    )
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: Table) -> bytes:
    """An Excel workbook with one sheet, dates as dates, the header row frozen."""
    return workbook_bytes([table])


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """An Excel workbook with a sheet per table, dates as dates, header rows frozen."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        used: set[str] = set()
        for table in tables:
            sheet = _sheet_name(table.name, used)
            df = dataframe(table, EXCEL_CELL_LIMIT)
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for j, (name, kind) in enumerate(table.columns, start=1):
                if kind == "date":
                    _format_dates(ws, j)
                    longest = max(len(name), len(EXCEL_DATE_FORMAT))
                else:
                    longest = max([len(name)] + [len(str(v)) for v in df[name].head(200)])
                ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, longest + 2))
    return out.getvalue()


# pandas' ExcelWriter date_format is not applied by pandas 3 with openpyxl: the cells came
# out as « 2024-02-06 00:00:00 ». The formats are set on the cells themselves instead.
EXCEL_DATE_FORMAT: Final = "DD/MM/YYYY"


def _format_dates(ws: Worksheet, column: int) -> None:
    for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        if isinstance(cell.value, dt.datetime):
            cell.value = cell.value.date()
        if isinstance(cell.value, dt.date):
            cell.number_format = EXCEL_DATE_FORMAT


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel refuses these characters and names over 31 characters, and compares names
    # without regard to case.
    base = "".join("-" if c in "[]:*?/\\" else c for c in title).strip("' ")[:31] or t(
        "Feuille", "Sheet"
    )
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
    used.add(name.lower())
    return name


def write_tables(
    db: Database, names: Sequence[str], path: Path, flt: q.Filter | None = None
) -> Path:
    """Write several tables into one Excel workbook, a sheet each.

    Raises:
        KnownError: an unknown table, or the file cannot be written.
    """
    tables = [build_table(db, name, flt) for name in names]
    return write_atomically(path, workbook_bytes(tables))


def write_table(db: Database, name: str, fmt: str, path: Path, flt: q.Filter | None = None) -> Path:
    """Write one table as CSV or XLSX.

    Raises:
        KnownError: unknown table or format, or the file cannot be written.
    """
    table = build_table(db, name, flt)
    if fmt == "csv":
        data = csv_bytes(table)
    elif fmt == "xlsx":
        data = xlsx_bytes(table)
    else:
        raise KnownError(
            t(
                f"Format inconnu « {fmt} » : choisissez csv ou xlsx.",
                f"Unknown format “{fmt}”: choose csv or xlsx.",
            )
        )
    return write_atomically(path, data)
