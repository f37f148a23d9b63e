"""File names proposed for exports, and the light checks done before a job starts (no Qt)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Final

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.services.meetings import MeetingSummary

FOLDER_KEY: Final = "exports/dossier"
TEMPLATE_KEY: Final = "exports/modele"

# Characters Windows refuses in a file name, and control characters (a title pasted from a
# PDF may hold some).
_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED: Final = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{n}" for n in range(1, 10)]
    + [f"LPT{n}" for n in range(1, 10)]
)
# Well under Windows' 260-character path limit, with room for the folder.
MAX_STEM: Final = 120


def safe_stem(text: str) -> str:
    """``text`` made usable as a file name on Windows, macOS and Linux (without extension)."""
    stem = " ".join(_FORBIDDEN.sub(" ", text).split())
    # Windows drops trailing dots and spaces, and then the name no longer matches.
    stem = stem[:MAX_STEM].rstrip(". ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem or t("export", "export")


def session_tag(summary: MeetingSummary) -> str:
    """« 2024-05-29 GES »: the date, then the theme or the kind of session."""
    if summary.theme is not None:
        what = short_theme(summary.theme)
    elif summary.kind is not e.SessionKind.WORKSHOP:
        what = label(summary.kind)
    else:
        what = summary.title
    return f"{summary.date.isoformat()} {what}".strip()


def minutes_name(summary: MeetingSummary) -> str:
    """« Compte-rendu 2024-05-29 GES.docx »."""
    return safe_stem(f"{t('Compte-rendu', 'Minutes')} {session_tag(summary)}") + ".docx"


def public_minutes_name(summary: MeetingSummary) -> str:
    """« Compte-rendu public 2024-05-29 GES.docx »: the pseudonymised version."""
    what = t("Compte-rendu public", "Public minutes")
    return safe_stem(f"{what} {session_tag(summary)}") + ".docx"


def summary_name(summary: MeetingSummary) -> str:
    """« Synthèse 2024-05-29 GES.docx »."""
    return safe_stem(f"{t('Synthèse', 'Summary')} {session_tag(summary)}") + ".docx"


def report_name(year: int) -> str:
    """« Rapport d'étape 2024.docx »."""
    return safe_stem(t(f"Rapport d'étape {year}", f"Progress report {year}")) + ".docx"


def workbook_name(scope: str) -> str:
    """« Tableaux 2024.xlsx », « Tableaux 2024-05-29 GES.xlsx », « Tableaux.xlsx »."""
    return safe_stem(f"{t('Tableaux', 'Tables')} {scope}".strip()) + ".xlsx"


def csv_name(title: str, scope: str) -> str:
    """« Présences 2024-05-29 GES.csv »."""
    return safe_stem(f"{title} {scope}".strip()) + ".csv"


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (a save dialog returns what was typed, suffix or not)."""
    if path.suffix.lower() == suffix:
        return path
    return path.with_name(path.name + suffix)


def check_template(path: Path) -> None:
    """Refuse a file that cannot be a Word document or template, before it is remembered.

    Only the package is looked at (python-docx is not loaded for this): a .docx or .dotx
    is a zip holding ``word/document.xml``. Missing styles are fine: exports fall back.

    Raises:
        KnownError: the file is missing, unreadable or not a Word document.
    """
    if path.suffix.lower() not in (".docx", ".dotx"):
        raise KnownError(
            t(
                f"« {path.name} » n'est pas un document Word (.docx ou .dotx).",
                f"“{path.name}” is not a Word document (.docx or .dotx).",
            )
        )
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise KnownError(
            t(
                f"Le modèle « {path.name} » ne peut pas être lu : ce n'est pas un document "
                "Word valide, ou il est endommagé.",
                f"The template “{path.name}” cannot be read: it is not a valid Word "
                "document, or it is damaged.",
            )
        ) from exc
    if "word/document.xml" not in names:
        raise KnownError(
            t(
                f"« {path.name} » n'est pas un document Word (.docx ou .dotx).",
                f"“{path.name}” is not a Word document (.docx or .dotx).",
            )
        )
