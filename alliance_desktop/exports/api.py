"""Exports by file path, as the command line and the window's background jobs call them."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.exports.charts import ChartRenderer, line_chart
from alliance_desktop.exports.model import SurveyOverview
from alliance_desktop.exports.progress import ProgressCallback
from alliance_desktop.storage.database import Database, open_database

DOCUMENTS = ("minutes", "summary", "report")

SurveySource = Callable[[Database, int], SurveyOverview]
"""Reads the members' questionnaire for a year's report, on the export's own connection.

The caller provides it (the command line, the window's worker) because the
questionnaire's rules live in the services, which exports may not import.
"""


def _extension(path: Path) -> str:
    # « CR 29.05.2024 » has no extension for the user, though Path sees « .2024 ».
    suffix = path.suffix
    return suffix.lower() if re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,4}", suffix) else ""


def document_path(kind: str, out: Path) -> Path:
    """Where the document ``kind`` goes: ``out``, with .docx added if it has no extension.

    Raises:
        KnownError: ``out`` has another extension (a « .pdf » would be a Word file
            under a false name).
    """
    out = Path(out)
    suffix = _extension(out)
    if not suffix:
        return out.with_name(out.name + ".docx")
    if suffix == ".docx":
        return out
    what = {
        "minutes": t("le compte-rendu", "the minutes"),
        "summary": t("la synthèse", "the summary"),
        "report": t("le rapport d'étape", "the progress report"),
    }.get(kind, t("le document", "the document"))
    raise KnownError(
        t(
            f"« {out.name} » : {what} s'écrit en document Word, donnez un nom qui finit par .docx.",
            f"“{out.name}”: {what} can only be written as a Word document; give a name "
            "ending in .docx.",
        )
    )


def table_path(out: Path, fmt: str | None = None) -> tuple[Path, str]:
    """Where a table goes and in which format: the extension says it unless ``fmt`` does.

    A name without extension gets that of the format (CSV when neither says).

    Raises:
        KnownError: unknown format, or an extension that is not the format's.
    """
    from alliance_desktop.exports.tables import FORMATS

    out = Path(out)
    chosen = fmt.lower() if fmt else None
    if chosen is not None and chosen not in FORMATS:
        raise KnownError(
            t(
                f"Format inconnu « {fmt} » : choisissez csv ou xlsx.",
                f"Unknown format “{fmt}”: choose csv or xlsx.",
            )
        )
    suffix = _extension(out)
    if not suffix:
        chosen = chosen or "csv"
        return out.with_name(f"{out.name}.{chosen}"), chosen
    if suffix.lstrip(".") not in FORMATS:
        raise KnownError(
            t(
                f"« {out.name} » : une table s'écrit en .csv ou en .xlsx, donnez un nom qui "
                "finit ainsi.",
                f"“{out.name}”: a table is written as .csv or .xlsx, give a name ending so.",
            )
        )
    if chosen is not None and suffix != f".{chosen}":
        raise KnownError(
            t(
                f"« {out.name} » ne finit pas par .{chosen}, le format demandé : changez le "
                "nom ou le format.",
                f"“{out.name}” does not end in .{chosen}, the format asked for: change the "
                "name or the format.",
            )
        )
    return out, suffix.lstrip(".")


@contextlib.contextmanager
def _reading(db_path: Path) -> Iterator[Database]:
    db = open_database(Path(db_path), create=False)
    try:
        yield db
    finally:
        # Not db.close(): an export writes nothing to fold back, and its checkpoint would
        # wait (up to the busy timeout) for the window's own connection when the export
        # runs beside it. SQLite folds the WAL itself when the last connection closes.
        db.engine.dispose()


def _meeting(db: Database, session: str | None, meeting: uuid.UUID | None) -> uuid.UUID | None:
    if meeting is not None:
        return meeting
    if session is None:
        return None
    from alliance_desktop.exports.queries import find_session

    return find_session(db, session)


def export_document(
    kind: str,
    db_path: Path,
    out: Path,
    *,
    session: str | None = None,
    meeting: uuid.UUID | None = None,
    year: int | None = None,
    template: Path | None = None,
    chart: ChartRenderer | None = line_chart,
    progress: ProgressCallback | None = None,
    public: bool = False,
    survey: SurveyOverview | SurveySource | None = None,
) -> Path:
    """Write the minutes or summary of a session, or a year's report, to ``out``.

    Args:
        kind: ``minutes``, ``summary`` or ``report``.
        db_path: the database to read (never created, never changed).
        out: the .docx file to write (.docx is added to a name without extension).
        session: the session's date (29/05/2024, 2024-05-29) or number.
        meeting: the session's id, instead of ``session`` (the window knows it).
        year: the report's year.
        template: a Word template to take the styles from.
        chart: draws indicator charts for the report.
        progress: told the report's progress (see ``report.write_report``).
        public: the public version of the minutes, people pseudonymised.
        survey: the members' questionnaire for the report's section, or what reads it
            from the database being exported; None leaves the section out.

    Raises:
        KnownError: unknown session or year, unreadable template or database, a name
            with another extension than .docx, file that cannot be written.
        Cancelled: ``progress`` asked to stop; nothing was written.
    """
    from alliance_desktop.exports.minutes import write_minutes, write_summary
    from alliance_desktop.exports.report import write_report

    if kind not in DOCUMENTS:
        raise KnownError(
            t(
                f"Document inconnu « {kind} » : choisissez parmi {', '.join(DOCUMENTS)}.",
                f"Unknown document “{kind}”: choose from {', '.join(DOCUMENTS)}.",
            )
        )
    if public and kind != "minutes":
        raise KnownError(
            t(
                "Seul le compte-rendu a une version publique.",
                "Only the minutes have a public version.",
            )
        )
    out = document_path(kind, out)
    with _reading(db_path) as db:
        if kind == "report":
            if year is None:
                raise KnownError(t("Indiquez l'année du rapport.", "Give the report's year."))
            overview = survey(db, year) if callable(survey) else survey
            return write_report(db, year, out, template, chart, progress, survey=overview)
        meeting_id = _meeting(db, session, meeting)
        if meeting_id is None:
            raise KnownError(t("Indiquez la séance.", "Give the session."))
        if kind == "minutes":
            return write_minutes(db, meeting_id, out, template, public=public)
        return write_summary(db, meeting_id, out, template)


def export_table(
    name: str,
    db_path: Path,
    out: Path,
    *,
    fmt: str | None = None,
    session: str | None = None,
    meeting: uuid.UUID | None = None,
    year: int | None = None,
) -> Path:
    """Write one table as CSV or XLSX; the format defaults to the file's extension.

    Raises:
        KnownError: unknown table, format or session; a format and an extension that
            disagree; file that cannot be written.
    """
    from alliance_desktop.exports import queries as q
    from alliance_desktop.exports.tables import TABLES, write_table

    if name not in TABLES:
        raise KnownError(
            t(
                f"Table inconnue « {name} » : choisissez parmi {', '.join(TABLES)}.",
                f"Unknown table “{name}”: choose from {', '.join(TABLES)}.",
            )
        )
    out, chosen = table_path(out, fmt)
    with _reading(db_path) as db:
        meeting_id = _meeting(db, session, meeting)
        return write_table(db, name, chosen, out, q.Filter(meeting_id, year))


def export_workbook(
    names: Sequence[str],
    db_path: Path,
    out: Path,
    *,
    meeting: uuid.UUID | None = None,
    year: int | None = None,
) -> Path:
    """Write several tables into one Excel workbook at ``out``, a sheet each.

    Raises:
        KnownError: an unknown table; a name ending otherwise than .xlsx; the file
            cannot be written.
    """
    from alliance_desktop.exports import queries as q
    from alliance_desktop.exports.tables import write_tables

    out, _ = table_path(out, "xlsx")
    with _reading(db_path) as db:
        return write_tables(db, names, out, q.Filter(meeting, year))
