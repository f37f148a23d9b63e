"""Exports by file path, as the command line and the window's background jobs call them."""

from __future__ import annotations

import contextlib
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
        out: the .docx file to write.
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
        KnownError: unknown session or year, unreadable template or database,
            file that cannot be written.
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
        KnownError: unknown table, format or session; file that cannot be written.
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
    chosen = (fmt or Path(out).suffix.lstrip(".") or "csv").lower()
    with _reading(db_path) as db:
        meeting_id = _meeting(db, session, meeting)
        return write_table(db, name, chosen, Path(out), q.Filter(meeting_id, year))


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
        KnownError: an unknown table; the file cannot be written.
    """
    from alliance_desktop.exports import queries as q
    from alliance_desktop.exports.tables import write_tables

    with _reading(db_path) as db:
        return write_tables(db, names, Path(out), q.Filter(meeting, year))
