"""Exports by file path, as the command line and the window's background jobs call them."""

from __future__ import annotations

from pathlib import Path

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.exports.charts import ChartRenderer, line_chart
from alliance_desktop.storage.database import open_database

DOCUMENTS = ("minutes", "summary", "report")


def export_document(
    kind: str,
    db_path: Path,
    out: Path,
    *,
    session: str | None = None,
    year: int | None = None,
    template: Path | None = None,
    chart: ChartRenderer | None = line_chart,
) -> Path:
    """Write the minutes or summary of a session, or a year's report, to ``out``.

    Args:
        kind: ``minutes``, ``summary`` or ``report``.
        db_path: the database to read (never created, never changed).
        out: the .docx file to write.
        session: the session's date (29/05/2024, 2024-05-29) or number.
        year: the report's year.
        template: a Word template to take the styles from.
        chart: draws indicator charts for the report.

    Raises:
        KnownError: unknown session or year, unreadable template or database,
            file that cannot be written.
    """
    from alliance_desktop.exports.minutes import write_minutes, write_summary
    from alliance_desktop.exports.queries import find_session
    from alliance_desktop.exports.report import write_report

    if kind not in DOCUMENTS:
        raise KnownError(
            t(
                f"Document inconnu « {kind} » : choisissez parmi {', '.join(DOCUMENTS)}.",
                f"Unknown document “{kind}”: choose from {', '.join(DOCUMENTS)}.",
            )
        )
    db = open_database(Path(db_path), create=False)
    try:
        if kind == "report":
            if year is None:
                raise KnownError(t("Indiquez l'année du rapport.", "Give the report's year."))
            return write_report(db, year, out, template, chart)
        if session is None:
            raise KnownError(t("Indiquez la séance.", "Give the session."))
        meeting_id = find_session(db, session)
        if kind == "minutes":
            return write_minutes(db, meeting_id, out, template)
        return write_summary(db, meeting_id, out, template)
    finally:
        db.close()


def export_table(
    name: str,
    db_path: Path,
    out: Path,
    *,
    fmt: str | None = None,
    session: str | None = None,
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
    db = open_database(Path(db_path), create=False)
    try:
        meeting_id = q.find_session(db, session) if session is not None else None
        return write_table(db, name, chosen, Path(out), q.Filter(meeting_id, year))
    finally:
        db.close()
