"""Reading the members' questionnaire answers from CSV or Excel (a form tool's export), row by row.

One row is one organisation's answer for one theme, or for several themes when the
form let them tick several (« GES ; Eau » gives one answer per theme); a row with no
theme is a general answer. Organisations are resolved by the import service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.imports.common import (
    Column,
    Row,
    Table,
    normalise,
    parse_date,
    read_table,
    write_template_file,
)
from alliance_desktop.imports.people import excel_fixups

COLUMNS: Final = (
    Column(
        "organisation",
        "Organisation",
        (
            "organisation",
            "organisme",
            "structure",
            "nom de l organisation",
            "nom de la structure",
            "membre",
            "organization",
        ),
    ),
    Column(
        "theme",
        "Thématique",
        ("thematique", "thematiques", "theme", "themes", "axe", "enjeu", "enjeux"),
    ),
    Column(
        "date",
        "Date de réponse",
        ("date de reponse", "date", "horodateur", "horodatage", "heure de fin", "timestamp"),
    ),
    Column(
        "objectives",
        "Objectifs",
        ("objectifs", "objectif", "vos objectifs", "objectives"),
    ),
    Column(
        "strategies",
        "Stratégies",
        ("strategies", "strategie", "votre strategie", "vos strategies", "strategy"),
    ),
    Column(
        "actions",
        "Actions",
        ("actions", "action", "vos actions", "actions menees", "actions engagees"),
    ),
)
REQUIRED: Final = (("organisation",), ("objectives", "strategies", "actions"))
TEMPLATE_HEADERS: Final = (
    "Organisation",
    "Thématique",
    "Date de réponse",
    "Objectifs",
    "Stratégies",
    "Actions",
)

# Words that name a theme inside a longer wording (« Réduire les émissions de GES »).
_THEME_WORDS: Final = (
    (e.Theme.GES, ("ges", "gaz a effet de serre", "climat", "carbone")),
    (e.Theme.EAU, ("eau", "consommations d eau", "ressource en eau")),
    (e.Theme.AIR, ("air", "qualite de l air", "polluants atmospheriques", "pollution")),
    (e.Theme.ADAPTATION, ("adaptation", "vulnerabilites", "s adapter")),
    (e.Theme.BIODIVERSITE, ("biodiversite", "nature", "faune", "flore")),
    (e.Theme.ARTIFICIALISATION, ("artificialisation", "impermeabilisation", "sols", "zan")),
    (
        e.Theme.SOLIDAIRE,
        ("solidaire", "solidarite", "inclure", "inclusion", "transition solidaire"),
    ),
)
_SPLIT: Final = re.compile(r"[;,/|\n]+")


@dataclass(frozen=True)
class SurveyRow:
    """A checked answer: one organisation, one theme (None: general), the three texts."""

    line: int
    organisation: str
    theme: e.Theme | None
    answered_on: str | None  # ISO date
    objectives: str | None
    strategies: str | None
    actions: str | None


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, with the reasons in the user's words."""

    line: int
    reason: str


@dataclass(frozen=True)
class ReadResult:
    """A questionnaire file read and checked row by row."""

    table: Table
    rows: tuple[SurveyRow, ...]
    rejected: tuple[RejectedRow, ...]


def parse_theme(text: str) -> e.Theme | None:
    """The theme a wording names: its number (1–7), code, name, short name or key words."""
    n = normalise(text)
    if not n:
        return None
    if n.isdigit() and 1 <= int(n) <= len(e.Theme):
        return list(e.Theme)[int(n) - 1]
    for theme in e.Theme:
        names = {theme.value, normalise(label(theme, "fr")), normalise(short_theme(theme, "fr"))}
        names |= {normalise(label(theme, "en")), normalise(short_theme(theme, "en"))}
        if n in names:
            return theme
    words = f" {n} "
    found = {theme for theme, keys in _THEME_WORDS if any(f" {k} " in words for k in keys)}
    return found.pop() if len(found) == 1 else None


def parse_themes(text: str) -> tuple[list[e.Theme], list[str]]:
    """Every theme a cell names, and the parts that name none."""
    themes: list[e.Theme] = []
    unknown: list[str] = []
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) <= 1:
        whole = parse_theme(text)
        return ([whole], []) if whole is not None else ([], [text.strip()])
    for part in parts:
        theme = parse_theme(part)
        if theme is None:
            unknown.append(part.strip())
        elif theme not in themes:
            themes.append(theme)
    return themes, unknown


def _date(text: str) -> str | None:
    # Form tools stamp the answer with its time: « 28/11/2024 10:45:12 ».
    first = text.strip().split(" ")[0] if text.strip() else ""
    d = parse_date(text) or (parse_date(first) if first else None)
    return d.isoformat() if d else None


def _text(cells: dict[str, str], key: str) -> str | None:
    value = cells.get(key, "").replace("\r\n", "\n").strip()
    return value or None


def check_row(row: Row) -> list[SurveyRow] | list[str]:
    """The answers a row holds (one per theme), or every problem found in it."""
    cells = row.cells
    problems: list[str] = []
    org = " ".join(cells.get("organisation", "").split())
    if not org:
        problems.append(t("organisation manquante", "organisation missing"))
    themes: list[e.Theme | None] = [None]
    if theme_text := cells.get("theme", "").strip():
        found, unknown = parse_themes(theme_text)
        if unknown:
            names = ", ".join(short_theme(th, "fr") for th in e.Theme)
            bad = " ; ".join(f"« {u} »" for u in unknown)
            problems.append(
                t(
                    f"thématique {bad} inconnue (attendu : {names}, ou leur numéro de 1 à 7)",
                    f"unknown theme {bad} (expected: {names}, or their number 1 to 7)",
                )
            )
        else:
            themes = list(found)
    answered: str | None = None
    if date_text := cells.get("date", "").strip():
        answered = _date(date_text)
        if answered is None:
            problems.append(
                t(
                    f"date « {date_text} » illisible (attendu : jj/mm/aaaa)",
                    f"unreadable date “{date_text}” (expected: dd/mm/yyyy)",
                )
            )
    texts = {k: _text(cells, k) for k in ("objectives", "strategies", "actions")}
    if not any(texts.values()):
        problems.append(
            t(
                "réponse vide (ni objectifs, ni stratégies, ni actions)",
                "empty answer (no objectives, strategies or actions)",
            )
        )
    if problems:
        return problems
    return [
        SurveyRow(
            line=row.line,
            organisation=org,
            theme=theme,
            answered_on=answered,
            objectives=texts["objectives"],
            strategies=texts["strategies"],
            actions=texts["actions"],
        )
        for theme in themes
    ]


def read_survey(path: Path) -> ReadResult:
    """Read and check every row of a questionnaire file (CSV or .xlsx); nothing is written.

    Raises:
        ImportFileError: the file cannot be read, is empty, or has no recognisable headers.
    """
    table = read_table(path, COLUMNS, REQUIRED)
    if table.format == "xlsx":
        table = excel_fixups(table, Path(path).read_bytes())
    rows: list[SurveyRow] = []
    rejected: list[RejectedRow] = []
    for row in table.rows:
        checked = check_row(row)
        if checked and isinstance(checked[0], str):
            rejected.append(RejectedRow(row.line, " ; ".join(str(c) for c in checked)))
        else:
            rows += [c for c in checked if isinstance(c, SurveyRow)]
    return ReadResult(table, tuple(rows), tuple(rejected))


_NOTICE: Final = (
    "Une ligne par organisation et par thématique.",
    "Organisation : le nom de l'organisation membre, tel qu'il est dans l'annuaire.",
    "Thématique : GES, Eau, Air, Adaptation, Biodiversité, Artificialisation, Solidaire "
    "(ou leur numéro de 1 à 7) ; plusieurs thématiques séparées par « ; » donnent une "
    "réponse par thématique ; vide : réponse générale.",
    "Date de réponse : jj/mm/aaaa (facultative).",
    "Objectifs, Stratégies, Actions : le texte des réponses ; au moins l'un des trois.",
    "Une réponse déjà enregistrée pour la même organisation et la même thématique est "
    "remplacée par celle du fichier.",
)


def write_template(path: Path) -> None:
    """Write an empty questionnaire file with the expected French headers (.csv or .xlsx).

    Raises:
        ImportFileError: another extension, or the file cannot be written.
    """
    write_template_file(
        path,
        sheet="Questionnaire",
        headers=TEMPLATE_HEADERS,
        widths=(40, 20, 14, 50, 50, 50),
        notice=_NOTICE,
    )
