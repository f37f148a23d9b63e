"""The members' questionnaire: import of the answers, views by organisation and theme, synthesis.

The synthesis is what the yearly report prints: which organisations act on which theme,
and how many answered.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.imports.survey import ReadResult, RejectedRow, SurveyRow, read_survey
from alliance_desktop.services.members import org_key
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import add_audit
from alliance_desktop.storage.models import Organisation, SurveyResponse

log = logging.getLogger(__name__)

_THEME_OF_ID = {reference.theme_id(th): th for th in e.Theme}


# --- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAnswer:
    """An accepted answer, resolved to its organisation, and the answer it replaces."""

    row: SurveyRow
    organisation_id: uuid.UUID
    organisation: str
    replaces: uuid.UUID | None
    replaces_date: dt.date | None = None


@dataclass(frozen=True)
class SurveyPlan:
    """What a questionnaire import would do; nothing written yet."""

    read: ReadResult
    accepted: tuple[PlannedAnswer, ...]
    rejected: tuple[RejectedRow, ...]


@dataclass(frozen=True)
class SurveyApplyResult:
    """What :func:`apply` wrote."""

    added: int
    replaced: int


def plan_rows(db: Database, read: ReadResult) -> SurveyPlan:
    """Resolve checked answers against the directory; nothing is written."""
    s = db.read()
    try:
        orgs = list(s.scalars(select(Organisation)))
        existing = {
            (r.organisation_id, _THEME_OF_ID.get(r.theme_id) if r.theme_id else None): r
            for r in s.scalars(select(SurveyResponse))
        }
        by_key: dict[str, Organisation] = {org_key(o.name): o for o in orgs}
        for o in orgs:
            if o.short_name:
                by_key.setdefault(org_key(o.short_name), o)
    finally:
        s.close()
    rejected = list(read.rejected)
    accepted: list[PlannedAnswer] = []
    seen: dict[tuple[uuid.UUID, e.Theme | None], int] = {}
    bad_lines: set[int] = set()
    for row in read.rows:
        if row.line in bad_lines:
            continue
        org = by_key.get(org_key(row.organisation))
        if org is None:
            close = difflib.get_close_matches(org_key(row.organisation), list(by_key), n=1)
            hint = by_key[close[0]].name if close else None
            rejected.append(
                RejectedRow(
                    row.line,
                    t(
                        f"organisation « {row.organisation} » absente de l'annuaire"
                        + (f" (vouliez-vous dire « {hint} » ?)" if hint else "")
                        + " : importez-la d'abord avec l'annuaire",
                        f"organisation “{row.organisation}” is not in the directory"
                        + (f" (did you mean “{hint}”?)" if hint else "")
                        + ": import it with the directory first",
                    ),
                )
            )
            bad_lines.add(row.line)
            continue
        key = (org.id, row.theme)
        if key in seen and seen[key] != row.line:
            what = short_theme(row.theme) if row.theme else t("réponse générale", "general answer")
            rejected.append(
                RejectedRow(
                    row.line,
                    t(
                        f"doublon de la ligne {seen[key]} ({org.name}, {what})",
                        f"duplicate of line {seen[key]} ({org.name}, {what})",
                    ),
                )
            )
            bad_lines.add(row.line)
            continue
        seen[key] = row.line
        old = existing.get(key)
        accepted.append(
            PlannedAnswer(
                row,
                org.id,
                org.name,
                old.id if old is not None else None,
                old.answered_on if old is not None else None,
            )
        )
    # A row with several themes is accepted whole or not at all.
    accepted = [a for a in accepted if a.row.line not in bad_lines]
    rejected.sort(key=lambda r: r.line)
    return SurveyPlan(read, tuple(accepted), tuple(rejected))


def plan_import(db: Database, path: Path) -> SurveyPlan:
    """Read, check and resolve a questionnaire file; nothing is written.

    Raises:
        ImportFileError: the file cannot be read or holds no recognisable table.
    """
    return plan_rows(db, read_survey(path))


def apply(db: Database, plan: SurveyPlan) -> SurveyApplyResult:
    """Write every accepted answer in one transaction, or nothing on failure."""
    added = replaced = 0
    with db.session() as s:
        for a in plan.accepted:
            r = a.row
            answered = dt.date.fromisoformat(r.answered_on) if r.answered_on else None
            row = s.get(SurveyResponse, a.replaces) if a.replaces is not None else None
            if row is None:
                s.add(
                    SurveyResponse(
                        organisation_id=a.organisation_id,
                        theme_id=reference.theme_id(r.theme) if r.theme else None,
                        answered_on=answered,
                        objectives=r.objectives,
                        strategies=r.strategies,
                        actions=r.actions,
                    )
                )
                added += 1
                continue
            for name, value in (
                ("answered_on", answered),
                ("objectives", r.objectives),
                ("strategies", r.strategies),
                ("actions", r.actions),
            ):
                if getattr(row, name) != value:
                    setattr(row, name, value)
            replaced += 1
        if added or replaced:
            add_audit(s, "survey_import", rows=added + replaced, detail=f"added={added}")
    log.info("survey import: %d added, %d replaced", added, replaced)
    return SurveyApplyResult(added, replaced)


def describe(plan: SurveyPlan) -> list[str]:
    """The plan in lines of text: counts, then every row, accepted or rejected, and why."""
    table = plan.read.table
    new = sum(1 for a in plan.accepted if a.replaces is None)
    lines = [
        t(
            f"{table.path.name} ({table.describe()}) : {len(plan.accepted)} réponse(s) "
            f"acceptée(s) ({new} nouvelle(s), {len(plan.accepted) - new} remplaçant une "
            f"réponse déjà enregistrée), {len(plan.rejected)} ligne(s) refusée(s).",
            f"{table.path.name} ({table.describe()}): {len(plan.accepted)} answer(s) "
            f"accepted ({new} new, {len(plan.accepted) - new} replacing a recorded answer), "
            f"{len(plan.rejected)} row(s) rejected.",
        )
    ]
    if table.ignored:
        ignored = ", ".join(f"« {h} »" for h in table.ignored)
        lines.append(t(f"Colonnes ignorées : {ignored}.", f"Columns ignored: {ignored}."))
    entries: list[tuple[int, str]] = [
        (
            r.line,
            t(f"  Ligne {r.line} refusée : {r.reason}.", f"  Line {r.line} rejected: {r.reason}."),
        )
        for r in plan.rejected
    ]
    for a in plan.accepted:
        what = short_theme(a.row.theme) if a.row.theme else t("réponse générale", "general answer")
        text = f"{a.organisation}, {what}"
        if a.replaces is not None:
            text += t(" (remplace la réponse enregistrée)", " (replaces the recorded answer)")
        entries.append(
            (
                a.row.line,
                t(
                    f"  Ligne {a.row.line} acceptée : {text}.",
                    f"  Line {a.row.line} accepted: {text}.",
                ),
            )
        )
    lines += [text for _l, text in sorted(entries, key=lambda x: x[0])]
    return lines


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One organisation's answer for one theme (None: a general answer)."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation: str
    kind: e.OrganisationKind
    theme: e.Theme | None
    answered_on: dt.date | None
    objectives: str | None
    strategies: str | None
    actions: str | None


def answers(db: Database, *, year: int | None = None) -> list[Answer]:
    """Every answer (of ``year`` if given, by its date), by organisation then theme order."""
    s = db.read()
    try:
        orgs = {o.id: o for o in s.scalars(select(Organisation))}
        out = []
        for r in s.scalars(select(SurveyResponse)):
            if year is not None and (r.answered_on is None or r.answered_on.year != year):
                continue
            o = orgs[r.organisation_id]
            out.append(
                Answer(
                    r.id,
                    o.id,
                    o.name,
                    o.kind,
                    _THEME_OF_ID.get(r.theme_id) if r.theme_id else None,
                    r.answered_on,
                    r.objectives,
                    r.strategies,
                    r.actions,
                )
            )
    finally:
        s.close()
    order = {th: i for i, th in enumerate(e.Theme)}
    out.sort(key=lambda a: (org_key(a.organisation), order.get(a.theme, -1) if a.theme else -1))
    return out


def by_organisation(items: list[Answer]) -> list[tuple[str, list[Answer]]]:
    """Answers grouped by organisation, in name order."""
    groups: dict[uuid.UUID, tuple[str, list[Answer]]] = {}
    for a in items:
        groups.setdefault(a.organisation_id, (a.organisation, []))[1].append(a)
    return sorted(groups.values(), key=lambda g: org_key(g[0]))


def by_theme(items: list[Answer]) -> list[tuple[e.Theme | None, list[Answer]]]:
    """Answers grouped by theme, in the Alliance's order (general answers last)."""
    out: list[tuple[e.Theme | None, list[Answer]]] = []
    for theme in (*e.Theme, None):
        group = [a for a in items if a.theme == theme]
        if group:
            out.append((theme, group))
    return out


# --- the yearly report's synthesis ------------------------------------------------------


@dataclass(frozen=True)
class ThemeSynthesis:
    """For one theme: the organisations that said they act on it."""

    theme: e.Theme
    label: str
    organisations: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many organisations act on the theme."""
        return len(self.organisations)


@dataclass(frozen=True)
class SurveySynthesis:
    """The questionnaire in a few figures, as plain data for the yearly report.

    ``members`` counts the member organisations in the directory (active ones),
    ``answered`` the organisations with at least one answer (member or not).
    """

    year: int | None
    answered: int
    members: int
    members_answered: int
    themes: tuple[ThemeSynthesis, ...]
    by_organisation: tuple[tuple[str, tuple[e.Theme, ...]], ...]
    general_only: tuple[str, ...]


def report_synthesis(db: Database, year: int | None = None) -> SurveySynthesis:
    """Which organisations act on which theme, and how many answered (of ``year`` if given).

    Answers without a date count for every year: forms often lose the date, and the
    questionnaire is sent once a year.
    """
    s = db.read()
    try:
        orgs = {o.id: o for o in s.scalars(select(Organisation))}
        rows = [
            r
            for r in s.scalars(select(SurveyResponse))
            if year is None or r.answered_on is None or r.answered_on.year == year
        ]
    finally:
        s.close()
    themes_of: dict[uuid.UUID, set[e.Theme]] = {}
    for r in rows:
        got = themes_of.setdefault(r.organisation_id, set())
        theme = _THEME_OF_ID.get(r.theme_id) if r.theme_id else None
        if theme is not None:
            got.add(theme)
    members = {o.id for o in orgs.values() if o.is_member and o.active}
    order = list(e.Theme)
    themes = tuple(
        ThemeSynthesis(
            th,
            label(th),
            tuple(sorted((orgs[o].name for o, ths in themes_of.items() if th in ths), key=org_key)),
        )
        for th in order
    )
    by_org = tuple(
        sorted(
            (
                (orgs[o].name, tuple(th for th in order if th in ths))
                for o, ths in themes_of.items()
                if ths
            ),
            key=lambda x: org_key(x[0]),
        )
    )
    general = tuple(sorted((orgs[o].name for o, ths in themes_of.items() if not ths), key=org_key))
    return SurveySynthesis(
        year=year,
        answered=len(themes_of),
        members=len(members),
        members_answered=len(members & set(themes_of)),
        themes=themes,
        by_organisation=by_org,
        general_only=general,
    )
