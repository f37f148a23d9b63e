"""Importing indicator measurements from CSV or Excel: read, validate, then apply at once.

A measurement already in the database for the same indicator, year and breakdown key is
updated with the file's value: the sources (ATMO's inventories, the observatories)
revise their past years with every edition, so the latest file is the better figure.
Every update is listed with the value it replaces before anything is written.
"""

from __future__ import annotations

import difflib
import functools
import re
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from alliance_desktop.core.i18n import t
from alliance_desktop.imports.common import (
    Column,
    ImportFileError,
    Row,
    Table,
    normalise,
    parse_date,
    parse_number,
    parse_year,
    read_table,
    write_template_file,
)
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Indicator, Measurement, utcnow

FIRST_YEAR: Final = 1990
LAST_YEAR: Final = 2100

COLUMNS: Final = (
    Column(
        "indicator",
        "Indicateur",
        ("indicateur", "indicator", "nom de l indicateur", "nom indicateur", "libelle"),
    ),
    Column("year", "Année", ("annee", "an", "year", "millesime", "annee de mesure")),
    Column("date", "Date", ("date", "date de mesure", "date de la mesure")),
    Column("value", "Valeur", ("valeur", "value", "mesure", "quantite")),
    Column("unit", "Unité", ("unite", "unit", "unites", "unite de mesure")),
    Column(
        "breakdown",
        "Ventilation",
        (
            "ventilation",
            "cle de ventilation",
            "secteur",
            "polluant",
            "categorie",
            "breakdown",
            # The column's name in tables exported before it was called Ventilation.
            "detail",
            "item",
        ),
    ),
    Column("source", "Source", ("source", "sources", "origine", "source des donnees")),
)
REQUIRED: Final = (("indicator",), ("year", "date"), ("value",))
TEMPLATE_HEADERS: Final = ("Indicateur", "Année", "Valeur", "Unité", "Ventilation", "Source")


# --- what the database knows ----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRef:
    """What validation needs to know of one indicator."""

    id: uuid.UUID
    name: str
    unit: str | None
    breakdown: tuple[str, ...]


Key = tuple[uuid.UUID, int, str]  # indicator, year, breakdown key ("" for none)


@dataclass(frozen=True)
class Catalogue:
    """The indicators and the measurements already recorded, as plain data."""

    indicators: tuple[IndicatorRef, ...]
    existing: Mapping[Key, float] = field(default_factory=dict)


def load_catalogue(db: Database) -> Catalogue:
    """Read the indicators and the existing measurements' values."""
    s = db.read()
    try:
        indicators = tuple(
            IndicatorRef(i, name, unit, tuple(breakdown or ()))
            for i, name, unit, breakdown in s.execute(
                select(Indicator.id, Indicator.name, Indicator.unit, Indicator.breakdown)
            )
        )
        existing = {
            (i, year, key): value
            for i, year, key, value in s.execute(
                select(
                    Measurement.indicator_id,
                    Measurement.year,
                    Measurement.breakdown_key,
                    Measurement.value,
                )
            )
        }
    finally:
        s.close()
    return Catalogue(indicators, existing)


# --- the plan -------------------------------------------------------------------------


class Action(StrEnum):
    """What applying the plan will do with an accepted row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class AcceptedRow:
    """A valid row, resolved against the database."""

    line: int
    indicator_id: uuid.UUID
    indicator: str
    year: int
    value: float
    breakdown_key: str
    source: str | None
    action: Action
    previous: float | None = None


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, with the reason in the user's words."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: the rows accepted and those rejected, nothing written yet."""

    table: Table
    accepted: tuple[AcceptedRow, ...]
    rejected: tuple[RejectedRow, ...]

    def count(self, action: Action) -> int:
        """How many accepted rows will be added, updated or left as they are."""
        return sum(1 for r in self.accepted if r.action is action)


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply` wrote."""

    inserted: int
    updated: int
    unchanged: int


# --- validation -----------------------------------------------------------------------

_TRAILING_PARENS = re.compile(r"\s*\([^()]*\)\s*$")
# Unit words written out in full, and their usual symbols.
_UNIT_WORDS = {
    "kilotonnes": "kt",
    "kilotonne": "kt",
    "tonnes": "t",
    "tonne": "t",
    "hectares": "ha",
    "hectare": "ha",
    "kilometres": "km",
    "kilometre": "km",
    "metres": "m",
    "metre": "m",
    "pourcent": "%",
    "pourcentage": "%",
    "par": "/",
    "an": "an",
    "annee": "an",
    "year": "an",
    "eq": "e",
    "equivalent": "e",
    "co2eq": "co2e",
    "teqco2": "tco2e",
}


@functools.lru_cache(maxsize=256)
def _unit_key(unit: str) -> str:
    words = normalise(unit.replace("/", " par ").replace("%", " pourcent ")).split()
    return "".join(_UNIT_WORDS.get(w, w) for w in words)


class _Names:
    """Finds an indicator from the name a file gives, forgiving case, accents and spacing."""

    def __init__(self, indicators: Sequence[IndicatorRef]) -> None:
        self._by_name: dict[str, list[IndicatorRef]] = defaultdict(list)
        for ind in indicators:
            self._by_name[normalise(ind.name)].append(ind)
        self._cache: dict[str, list[IndicatorRef]] = {}

    def find(self, name: str) -> list[IndicatorRef]:
        if name not in self._cache:
            found = self._by_name.get(normalise(name), [])
            if not found:
                # « Émissions de GES (kt CO2e) »: the unit in brackets after the name.
                found = self._by_name.get(normalise(_TRAILING_PARENS.sub("", name)), [])
            self._cache[name] = found
        return self._cache[name]

    def suggest(self, name: str) -> str | None:
        close = difflib.get_close_matches(normalise(name), list(self._by_name), n=1, cutoff=0.7)
        return self._by_name[close[0]][0].name if close else None


def _breakdown(ind: IndicatorRef, text: str) -> tuple[str | None, str | None]:
    """The stored breakdown key for what the file says, or a reason to reject the row."""
    if not text:
        return "", None
    # Spaces dropped too: « PM 2,5 », "pm2.5" and « PM2.5 » are one pollutant.
    wanted = normalise(text).replace(" ", "")
    for key in ind.breakdown:
        if normalise(key).replace(" ", "") == wanted:
            return key, None
    if wanted == "total":
        return "", None
    if not ind.breakdown:
        return None, t(
            f"l'indicateur « {ind.name} » n'est pas ventilé, la ventilation « {text} » "
            "n'a pas de sens",
            f"the indicator “{ind.name}” has no breakdown, so “{text}” makes no sense",
        )
    keys = ", ".join(ind.breakdown)
    return None, t(
        f"ventilation « {text} » inconnue pour « {ind.name} » (attendu : {keys})",
        f"unknown breakdown “{text}” for “{ind.name}” (expected: {keys})",
    )


@dataclass
class _Candidate:
    row: Row
    ind: IndicatorRef
    year: int
    value: float
    key: str
    source: str | None


def _check_row(row: Row, names: _Names) -> _Candidate | list[str]:
    """The row's resolved values, or every problem found in it."""
    cells = row.cells
    problems: list[str] = []
    if row.overflow:
        extra = " ; ".join(f"« {c} »" for c in row.overflow)
        problems.append(
            t(
                f"plus de cellules que d'en-têtes ({extra}) : une virgule décimale dans un "
                "fichier séparé par des virgules ? Mettez la valeur entre guillemets ou "
                "séparez par des points-virgules",
                f"more cells than headers ({extra}): a decimal comma in a comma-separated "
                "file? Quote the value or separate with semicolons",
            )
        )
    ind: IndicatorRef | None = None
    name = cells.get("indicator", "")
    if not name:
        problems.append(t("indicateur manquant", "indicator missing"))
    else:
        found = names.find(name)
        if len(found) > 1:
            problems.append(
                t(
                    f"plusieurs indicateurs s'appellent « {name} »",
                    f"several indicators are called “{name}”",
                )
            )
        elif not found:
            hint = names.suggest(name)
            problems.append(
                t(
                    f"indicateur inconnu « {name} »"
                    + (f" (vouliez-vous dire « {hint} » ?)" if hint else ""),
                    f"unknown indicator “{name}”" + (f" (did you mean “{hint}”?)" if hint else ""),
                )
            )
        else:
            ind = found[0]

    year: int | None = None
    year_text, date_text = cells.get("year", ""), cells.get("date", "")
    if year_text:
        year = parse_year(year_text)
        if year is None:
            problems.append(t(f"année « {year_text} » illisible", f"unreadable year “{year_text}”"))
    elif date_text:
        date = parse_date(date_text)
        if date is None:
            problems.append(
                t(
                    f"date « {date_text} » illisible (attendu : jj/mm/aaaa)",
                    f"unreadable date “{date_text}” (expected: dd/mm/yyyy)",
                )
            )
        else:
            year = date.year
    else:
        problems.append(t("année manquante", "year missing"))
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            t(
                f"année {year} hors de la période {FIRST_YEAR}–{LAST_YEAR}",
                f"year {year} outside {FIRST_YEAR}–{LAST_YEAR}",
            )
        )
        year = None

    value_text = cells.get("value", "")
    value = parse_number(value_text) if value_text else None
    if not value_text:
        problems.append(t("valeur manquante", "value missing"))
    elif value is None:
        problems.append(
            t(f"valeur « {value_text} » non numérique", f"value “{value_text}” is not a number")
        )

    key: str | None = ""
    if ind is not None:
        unit_text = cells.get("unit", "")
        if unit_text and ind.unit and _unit_key(unit_text) != _unit_key(ind.unit):
            problems.append(
                t(
                    f"unité « {unit_text} » différente de celle de l'indicateur "
                    f"(« {ind.unit} ») : convertissez la valeur",
                    f"unit “{unit_text}” differs from the indicator's (“{ind.unit}”): "
                    "convert the value",
                )
            )
        key, why = _breakdown(ind, cells.get("breakdown", ""))
        if why:
            problems.append(why)

    if problems or ind is None or year is None or value is None or key is None:
        return problems
    return _Candidate(row, ind, year, value, key, cells.get("source") or None)


def validate(table: Table, catalogue: Catalogue) -> ImportPlan:
    """Check every row of a table against the catalogue; nothing is written."""
    names = _Names(catalogue.indicators)
    rejected: list[RejectedRow] = []
    by_key: dict[Key, list[_Candidate]] = defaultdict(list)
    for row in table.rows:
        checked = _check_row(row, names)
        if isinstance(checked, list):
            rejected.append(RejectedRow(row.line, " ; ".join(checked)))
        else:
            by_key[(checked.ind.id, checked.year, checked.key)].append(checked)

    accepted: list[AcceptedRow] = []
    for key, group in by_key.items():
        first = group[0]
        if len(group) > 1:
            if len({c.value for c in group}) > 1:
                # Two different figures for one year: neither can be trusted over the other.
                lines = ", ".join(str(c.row.line) for c in group)
                what = f"{first.ind.name}, {first.year}" + (f", {first.key}" if first.key else "")
                rejected += [
                    RejectedRow(
                        c.row.line,
                        t(
                            f"valeurs différentes pour {what} (lignes {lines})",
                            f"different values for {what} (lines {lines})",
                        ),
                    )
                    for c in group
                ]
                continue
            rejected += [
                RejectedRow(
                    c.row.line,
                    t(
                        f"doublon de la ligne {first.row.line}",
                        f"duplicate of line {first.row.line}",
                    ),
                )
                for c in group[1:]
            ]
        previous = catalogue.existing.get(key)
        if previous is None:
            action = Action.NEW
        elif previous == first.value:
            action = Action.UNCHANGED
        else:
            action = Action.UPDATE
        accepted.append(
            AcceptedRow(
                line=first.row.line,
                indicator_id=first.ind.id,
                indicator=first.ind.name,
                year=first.year,
                value=first.value,
                breakdown_key=first.key,
                source=first.source,
                action=action,
                previous=previous,
            )
        )
    accepted.sort(key=lambda r: r.line)
    rejected.sort(key=lambda r: r.line)
    return ImportPlan(table, tuple(accepted), tuple(rejected))


def read_measurements(path: Path) -> Table:
    """Read a measurement file as text (CSV or .xlsx), finding its header row and sheet.

    Raises:
        ImportFileError: the file cannot be read or holds no recognisable table.
    """
    return read_table(path, COLUMNS, REQUIRED)


def plan_import(db: Database, path: Path) -> ImportPlan:
    """Read and validate a measurement file against the database; nothing is written.

    Raises:
        ImportFileError: the file cannot be read or holds no recognisable table.
    """
    table = read_measurements(path)
    catalogue = load_catalogue(db)
    if not catalogue.indicators:
        raise ImportFileError(
            t(
                "La base n'a encore aucun indicateur : créez les indicateurs avant d'importer "
                "leurs mesures.",
                "The database has no indicator yet: create the indicators before importing "
                "their measurements.",
            )
        )
    return validate(table, catalogue)


# --- applying -------------------------------------------------------------------------


def apply(db: Database, plan: ImportPlan) -> ApplyResult:
    """Write every accepted row in one transaction: all of them, or none on failure.

    What is in the database is read again inside the transaction, so a measurement
    recorded since the plan was made is updated rather than duplicated.

    Raises:
        ImportFileError: the database changed underneath (an indicator was deleted);
            nothing was written.
        DatabaseError: the database cannot be written; nothing was written.
    """
    if not plan.accepted:
        return ApplyResult(0, 0, 0)
    ids = {r.indicator_id for r in plan.accepted}
    # One stamp for the whole import: it is one action of the user.
    now = utcnow()
    inserts: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    unchanged = 0
    try:
        with db.session() as s:
            current = {
                (i, year, key): (mid, value, source)
                for mid, i, year, key, value, source in s.execute(
                    select(
                        Measurement.id,
                        Measurement.indicator_id,
                        Measurement.year,
                        Measurement.breakdown_key,
                        Measurement.value,
                        Measurement.source,
                    ).where(Measurement.indicator_id.in_(ids))
                )
            }
            for r in plan.accepted:
                found = current.get((r.indicator_id, r.year, r.breakdown_key))
                if found is None:
                    inserts.append(
                        {
                            "id": uuid.uuid4(),
                            "created_at": now,
                            "updated_at": now,
                            "indicator_id": r.indicator_id,
                            "year": r.year,
                            "value": r.value,
                            "breakdown_key": r.breakdown_key,
                            "source": r.source,
                            "illustrative": False,
                        }
                    )
                elif found[1] == r.value:
                    unchanged += 1
                else:
                    updates.append(
                        {
                            "row_id": found[0],
                            "value": r.value,
                            "source": r.source or found[2],
                            "illustrative": False,
                            "updated_at": now,
                        }
                    )
            # Plain executemany statements on the table: the ORM's per-object bookkeeping
            # would triple the time of a 20,000-row import for nothing the import uses.
            table = Measurement.metadata.tables[Measurement.__tablename__]
            if inserts:
                s.execute(table.insert(), inserts)
            if updates:
                s.execute(
                    table.update().where(table.c.id == bindparam("row_id")),
                    updates,
                )
            # Those statements bypass the ORM events that log changes for sharing: log
            # the rows here, in the same transaction, so the import travels too.
            from alliance_desktop.storage.sync_capture import record_rows

            record_rows(
                s.connection(),
                Measurement.__tablename__,
                [row["id"] for row in inserts] + [row["row_id"] for row in updates],
            )
    except IntegrityError as exc:
        raise ImportFileError(
            t(
                "La base a changé depuis la vérification du fichier (un indicateur a-t-il été "
                "supprimé ?) : rien n'a été importé. Relancez l'import.",
                "The database changed since the file was checked (was an indicator deleted?): "
                "nothing was imported. Run the import again.",
            )
        ) from exc
    return ApplyResult(len(inserts), len(updates), unchanged)


# --- reporting ------------------------------------------------------------------------


def _num(x: float) -> str:
    text = f"{x:,.10g}" if abs(x) < 1e15 else repr(x)
    return t(text.replace(",", "\u202f").replace(".", ","), text)


def describe(plan: ImportPlan, *, max_updates: int = 20) -> list[str]:
    """The plan in lines of text: counts, then each rejected row and the updates."""
    new, upd, same = (
        plan.count(Action.NEW),
        plan.count(Action.UPDATE),
        plan.count(Action.UNCHANGED),
    )
    lines = [
        t(
            f"{plan.table.path.name} ({plan.table.describe()}) : {len(plan.accepted)} ligne(s) "
            f"acceptée(s) ({new} nouvelle(s), {upd} mise(s) à jour, {same} identique(s)), "
            f"{len(plan.rejected)} refusée(s).",
            f"{plan.table.path.name} ({plan.table.describe()}): {len(plan.accepted)} row(s) "
            f"accepted ({new} new, {upd} updated, {same} unchanged), "
            f"{len(plan.rejected)} rejected.",
        )
    ]
    if plan.table.ignored:
        ignored = ", ".join(f"« {h} »" for h in plan.table.ignored)
        lines.append(t(f"Colonnes ignorées : {ignored}.", f"Columns ignored: {ignored}."))
    for rej in plan.rejected:
        lines.append(
            t(
                f"  Ligne {rej.line} refusée : {rej.reason}.",
                f"  Line {rej.line} rejected: {rej.reason}.",
            )
        )
    updates = [r for r in plan.accepted if r.action is Action.UPDATE]
    for r in updates[:max_updates]:
        what = f"{r.indicator}, {r.year}" + (f", {r.breakdown_key}" if r.breakdown_key else "")
        old = _num(r.previous) if r.previous is not None else "?"
        lines.append(
            t(
                f"  Ligne {r.line} : {what} : {old} remplacé par {_num(r.value)}.",
                f"  Line {r.line}: {what}: {old} replaced by {_num(r.value)}.",
            )
        )
    if len(updates) > max_updates:
        more = len(updates) - max_updates
        lines.append(
            t(f"  … et {more} autre(s) mise(s) à jour.", f"  … and {more} more update(s).")
        )
    return lines


# --- template -------------------------------------------------------------------------

_NOTICE = (
    "Une ligne par indicateur, par année et, s'il y a lieu, par ventilation (secteur, polluant).",
    "Indicateur : le nom exact de l'indicateur dans Alliance Desktop (majuscules et accents "
    "indifférents).",
    f"Année : de {FIRST_YEAR} à {LAST_YEAR}. Une colonne « Date » (jj/mm/aaaa) peut la remplacer.",
    "Valeur : un nombre, virgule décimale acceptée (1 234,5).",
    "Unité : facultative ; si elle est remplie, elle doit être celle de l'indicateur.",
    "Ventilation : facultative ; une des clés de l'indicateur (ex. Transport, NOx).",
    "Source : facultative (ex. ATMO Auvergne-Rhône-Alpes, inventaire 2024).",
    "Une mesure déjà enregistrée pour le même indicateur, la même année et la même ventilation "
    "est remplacée par la valeur du fichier.",
)


def write_template(path: Path) -> None:
    """Write an empty file with the expected French headers: ``.csv`` or ``.xlsx``.

    Raises:
        ImportFileError: another extension, or the file cannot be written.
    """
    write_template_file(
        path,
        sheet="Mesures",
        headers=TEMPLATE_HEADERS,
        widths=(50, 8, 14, 12, 18, 40),
        notice=_NOTICE,
    )
