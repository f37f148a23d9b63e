"""Importing the directory from a file: plan against the database, propose merges, apply at once.

A person already known (same normalised e-mail address, or same name in the same
organisation), or named twice in the file, is never merged without a decision: the
plan lists each such row as a :class:`Duplicate`, and :func:`apply` takes a decision
per line (merge, create anyway, or leave out). Everything accepted is written in one
transaction, or nothing is.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.imports.people import (
    OrganisationCells,
    PersonRow,
    ReadResult,
    RejectedRow,
    read_people,
)
from alliance_desktop.services.members import name_key, normalise_email, org_key
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import add_audit, erased_ids
from alliance_desktop.storage.models import Organisation, Person

log = logging.getLogger(__name__)


class Decision(StrEnum):
    """What to do with a row proposed for merging."""

    MERGE = "merge"
    NEW = "new"
    SKIP = "skip"


class Action(StrEnum):
    """What a planned row does, before any decision."""

    NEW = "new"
    DUPLICATE = "duplicate"
    UNCHANGED = "unchanged"
    ORGANISATION = "organisation"  # the row only describes an organisation


@dataclass(frozen=True)
class Duplicate:
    """A row that seems to be a person already known: in the database or earlier in the file."""

    line: int
    same_email: bool
    existing_id: uuid.UUID | None
    existing_line: int | None
    existing_label: str

    @property
    def reason(self) -> str:
        """Why the two are thought to be one person."""
        if self.same_email:
            return t("même adresse électronique", "same e-mail address")
        return t("même nom dans la même organisation", "same name in the same organisation")


@dataclass(frozen=True)
class PlannedRow:
    """One accepted row and what it will do."""

    row: PersonRow
    action: Action
    duplicate: Duplicate | None = None


@dataclass(frozen=True)
class PlannedOrganisation:
    """An organisation named by the file: created, or found and possibly updated."""

    name: str
    cells: OrganisationCells
    existing_id: uuid.UUID | None
    lines: tuple[int, ...]
    updates: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeopleImportPlan:
    """What an import would do; nothing written yet."""

    read: ReadResult
    rows: tuple[PlannedRow, ...]
    organisations: tuple[PlannedOrganisation, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def duplicates(self) -> list[Duplicate]:
        """The rows proposed for merging, in file order."""
        return [r.duplicate for r in self.rows if r.duplicate is not None]

    def count(self, action: Action) -> int:
        """How many accepted rows do ``action``."""
        return sum(1 for r in self.rows if r.action is action)

    def decisions(self, default: Decision) -> dict[int, Decision]:
        """The same decision for every proposed merge, by line."""
        return {d.line: default for d in self.duplicates}


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply` wrote."""

    people_created: int
    people_merged: int
    people_unchanged: int
    rows_skipped: int
    organisations_created: int
    organisations_updated: int


# --- planning -------------------------------------------------------------------------


@dataclass
class _Known:
    label: str
    person_id: uuid.UUID | None = None
    line: int | None = None


@dataclass
class _Index:
    by_email: dict[str, _Known] = field(default_factory=dict)
    by_name: dict[tuple[str, str], _Known] = field(default_factory=dict)

    def find(self, email: str | None, name: tuple[str, str]) -> tuple[_Known, bool] | None:
        if email and email in self.by_email:
            return self.by_email[email], True
        if name in self.by_name:
            return self.by_name[name], False
        return None

    def add(self, email: str | None, name: tuple[str, str], known: _Known) -> None:
        if email:
            self.by_email.setdefault(email, known)
        self.by_name.setdefault(name, known)


_ORG_FIELDS = ("short_name", "kind", "is_member", "member_since", "contact")


def _org_value(cells: OrganisationCells, name: str) -> object:
    value = getattr(cells, name)
    if name == "member_since" and value is not None:
        return dt.date.fromisoformat(value)
    return value


def _merge_cells(
    first: OrganisationCells, other: OrganisationCells
) -> tuple[OrganisationCells, list[str]]:
    """The first row's organisation completed by another's; fields that disagree."""
    merged = first
    clashes = []
    for name in _ORG_FIELDS:
        a, b = getattr(first, name), getattr(other, name)
        if b is None:
            continue
        if a is None:
            merged = _replace_cells(merged, name, b)
        elif a != b and name != "contact":
            # Two contacts (a postal code per person, say) are not a contradiction: the
            # first is kept. Two kinds or two membership dates are.
            clashes.append(name)
    return merged, clashes


def _replace_cells(cells: OrganisationCells, name: str, value: object) -> OrganisationCells:
    values = {n: getattr(cells, n) for n in ("name", *_ORG_FIELDS)}
    values[name] = value
    return OrganisationCells(**values)


_FIELD_WORDS = {
    "short_name": ("sigle", "short name"),
    "kind": ("type d'organisation", "kind"),
    "is_member": ("membre", "member"),
    "member_since": ("membre depuis", "member since"),
    "contact": ("contact", "contact"),
}


def _person_label(first: str, last: str, org: str | None) -> str:
    name = f"{first} {last}".strip()
    return f"{name} ({org})" if org else name


def plan_rows(db: Database, read: ReadResult) -> PeopleImportPlan:
    """Resolve checked rows against the database: organisations, duplicates; nothing written."""
    s = db.read()
    try:
        orgs = list(s.scalars(select(Organisation)))
        erased = erased_ids(s)
        people = [p for p in s.scalars(select(Person)) if p.id not in erased]
    finally:
        s.close()
    org_by_key = {org_key(o.name): o for o in orgs}
    for o in orgs:
        if o.short_name:
            org_by_key.setdefault(org_key(o.short_name), o)
    org_names = {o.id: o.name for o in orgs}

    rejected = list(read.rejected)
    accepted: list[PersonRow] = []
    planned_orgs: dict[str, PlannedOrganisation] = {}
    for row in read.rows:
        cells = row.organisation
        if cells is None:
            accepted.append(row)
            continue
        key = org_key(cells.name)
        seen = planned_orgs.get(key)
        if seen is None:
            existing = org_by_key.get(key)
            planned_orgs[key] = PlannedOrganisation(
                existing.name if existing is not None else cells.name,
                cells,
                existing.id if existing is not None else None,
                (row.line,),
            )
            accepted.append(row)
            continue
        merged, clashes = _merge_cells(seen.cells, cells)
        if clashes:
            words = ", ".join(
                t(f"« {_FIELD_WORDS[c][0]} »", f"“{_FIELD_WORDS[c][1]}”") for c in clashes
            )
            rejected.append(
                RejectedRow(
                    row.line,
                    t(
                        f"{words} de « {cells.name} » différent de la ligne {seen.lines[0]}",
                        f"{words} of “{cells.name}” differs from line {seen.lines[0]}",
                    ),
                )
            )
            continue
        planned_orgs[key] = PlannedOrganisation(
            seen.name, merged, seen.existing_id, (*seen.lines, row.line)
        )
        accepted.append(row)

    final_orgs: list[PlannedOrganisation] = []
    for p in planned_orgs.values():
        updates: tuple[str, ...] = ()
        if p.existing_id is not None:
            o = next(o for o in orgs if o.id == p.existing_id)
            updates = tuple(
                n
                for n in _ORG_FIELDS
                if (v := _org_value(p.cells, n)) is not None and getattr(o, n) != v
            )
        final_orgs.append(PlannedOrganisation(p.name, p.cells, p.existing_id, p.lines, updates))

    index = _Index()
    for person in people:
        org = org_names.get(person.organisation_id) if person.organisation_id else None
        index.add(
            normalise_email(person.email),
            (name_key(person.first_name, person.last_name), org_key(org or "")),
            _Known(_person_label(person.first_name, person.last_name, org), person_id=person.id),
        )
    current = {p.id: p for p in people}
    in_file = _Index()
    planned: list[PlannedRow] = []
    for row in accepted:
        if not row.has_person:
            planned.append(PlannedRow(row, Action.ORGANISATION))
            continue
        org_name = planned_orgs[org_key(row.organisation.name)].name if row.organisation else ""
        email = normalise_email(row.email)
        name = (name_key(row.first_name, row.last_name), org_key(org_name))
        hit = index.find(email, name)
        if hit is not None:
            known, by_email = hit
            assert known.person_id is not None
            if _same_person_data(current[known.person_id], row, org_name, org_names):
                planned.append(PlannedRow(row, Action.UNCHANGED))
                continue
            dup = Duplicate(row.line, by_email, known.person_id, None, known.label)
            planned.append(PlannedRow(row, Action.DUPLICATE, dup))
            continue
        hit = in_file.find(email, name)
        if hit is not None:
            known, by_email = hit
            dup = Duplicate(row.line, by_email, None, known.line, known.label)
            planned.append(PlannedRow(row, Action.DUPLICATE, dup))
            continue
        in_file.add(
            email,
            name,
            _Known(_person_label(row.first_name, row.last_name, org_name or None), line=row.line),
        )
        planned.append(PlannedRow(row, Action.NEW))
    rejected.sort(key=lambda r: r.line)
    return PeopleImportPlan(read, tuple(planned), tuple(final_orgs), tuple(rejected))


def _same_person_data(
    p: Person, row: PersonRow, org_name: str, org_names: Mapping[uuid.UUID, str]
) -> bool:
    current_org = org_names.get(p.organisation_id, "") if p.organisation_id else ""
    wanted = {
        "first_name": row.first_name or None,
        "last_name": row.last_name or None,
        "function": row.function,
        "email": normalise_email(row.email),
        "phone": row.phone,
        "consent_named": row.consent_named,
        "consent_photo": row.consent_photo,
    }
    for name, value in wanted.items():
        if value is None:
            continue
        have = normalise_email(p.email) if name == "email" else getattr(p, name)
        if have != value:
            return False
    return not org_name or org_key(current_org) == org_key(org_name)


def plan_import(db: Database, path: Path) -> PeopleImportPlan:
    """Read, check and resolve a directory file; nothing is written.

    Raises:
        ImportFileError: the file cannot be read or holds no recognisable table.
    """
    return plan_rows(db, read_people(path))


# --- applying -------------------------------------------------------------------------


def _apply_org(o: Organisation, cells: OrganisationCells, names: tuple[str, ...]) -> None:
    for n in names:
        setattr(o, n, _org_value(cells, n))


def _fill(p: Person, row: PersonRow, org: Organisation | None, *, overwrite: bool) -> None:
    values = {
        "first_name": row.first_name or None,
        "last_name": row.last_name or None,
        "function": row.function,
        "email": row.email,
        "phone": row.phone,
        "consent_named": row.consent_named,
        "consent_photo": row.consent_photo,
    }
    for name, value in values.items():
        if value is None:
            continue
        have = getattr(p, name)
        # Names identify the person: a merge keeps the spelling already recorded.
        if name in ("first_name", "last_name") and have:
            continue
        if (overwrite or have in (None, "", False)) and have != value:
            setattr(p, name, value)
    if org is not None and p.organisation_id != org.id:
        p.organisation = org


def apply(db: Database, plan: PeopleImportPlan, decisions: Mapping[int, Decision]) -> ApplyResult:
    """Write the plan in one transaction: every accepted row, or nothing on failure.

    Args:
        db: the database.
        plan: from :func:`plan_import` / :func:`plan_rows`.
        decisions: for each line proposed for merging, what to do; a line missing here
            is left out (never merged by default).

    Raises:
        DatabaseError: the database cannot be written; nothing was written.
    """
    created = merged = unchanged = skipped = 0
    orgs_created = orgs_updated = 0
    with db.session() as s, s.no_autoflush:
        # Everything the plan refers to, read in two queries: a get() per row would
        # flush the pending rows each time (the capture then runs once per row).
        wanted_orgs = [p.existing_id for p in plan.organisations if p.existing_id]
        known_orgs = {o.id: o for o in _by_ids(s, Organisation, wanted_orgs)}
        wanted_people = [
            r.duplicate.existing_id
            for r in plan.rows
            if r.duplicate is not None and r.duplicate.existing_id is not None
        ]
        known_people = {p.id: p for p in _by_ids(s, Person, wanted_people)}
        org_rows: dict[str, Organisation] = {}
        for p in plan.organisations:
            o = known_orgs.get(p.existing_id) if p.existing_id is not None else None
            if o is None:
                o = _new_org(s, p)
                orgs_created += 1
            elif p.updates:
                _apply_org(o, p.cells, p.updates)
                orgs_updated += 1
            org_rows[org_key(p.cells.name)] = o
        by_line: dict[int, Person] = {}
        new_people: list[Person] = []
        for r in plan.rows:
            row = r.row
            org = org_rows.get(org_key(row.organisation.name)) if row.organisation else None
            if r.action is Action.ORGANISATION:
                continue
            if r.action is Action.UNCHANGED:
                unchanged += 1
                continue
            if r.action is Action.DUPLICATE:
                assert r.duplicate is not None
                decision = decisions.get(row.line, Decision.SKIP)
                if decision is Decision.SKIP:
                    skipped += 1
                    continue
                if decision is Decision.MERGE:
                    target = (
                        known_people.get(r.duplicate.existing_id)
                        if r.duplicate.existing_id is not None
                        else by_line.get(r.duplicate.existing_line or -1)
                    )
                    if target is not None:
                        _fill(target, row, org, overwrite=r.duplicate.existing_id is not None)
                        by_line[row.line] = target
                        merged += 1
                        continue
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                organisation=org,
                function=row.function,
                email=row.email,
                phone=row.phone,
                consent_named=bool(row.consent_named),
                consent_photo=bool(row.consent_photo),
                active=True,
            )
            new_people.append(person)
            by_line[row.line] = person
            created += 1
        s.add_all(new_people)
        if created or merged:
            add_audit(
                s,
                "import",
                rows=created + merged,
                detail=f"created={created};merged={merged};file={plan.read.table.format}",
            )
    log.info(
        "people import: %d created, %d merged, %d unchanged, %d skipped, %d organisations new",
        created,
        merged,
        unchanged,
        skipped,
        orgs_created,
    )
    return ApplyResult(created, merged, unchanged, skipped, orgs_created, orgs_updated)


M = TypeVar("M", Organisation, Person)


def _by_ids(s: Session, cls: type[M], ids: list[uuid.UUID]) -> list[M]:
    out: list[M] = []
    for i in range(0, len(ids), 500):
        out += s.scalars(select(cls).where(cls.id.in_(ids[i : i + 500])))
    return out


def _new_org(s: Session, p: PlannedOrganisation) -> Organisation:
    c = p.cells
    o = Organisation(
        name=c.name,
        short_name=c.short_name,
        kind=c.kind or e.OrganisationKind.OTHER,
        is_member=bool(c.is_member),
        member_since=dt.date.fromisoformat(c.member_since) if c.member_since else None,
        contact=c.contact,
        active=True,
    )
    s.add(o)
    return o


# --- reporting ------------------------------------------------------------------------


def _decision_words(d: Decision) -> str:
    return {
        Decision.MERGE: t("sera fusionnée", "will be merged"),
        Decision.NEW: t("sera créée à part", "will be created separately"),
        Decision.SKIP: t("ne sera pas importée", "will not be imported"),
    }[d]


def describe(plan: PeopleImportPlan, decisions: Mapping[int, Decision]) -> list[str]:
    """The plan in lines of text: counts, then every row, accepted or rejected, and why."""
    table = plan.read.table
    new_orgs = sum(1 for o in plan.organisations if o.existing_id is None)
    lines = [
        t(
            f"{table.path.name} ({table.describe()}) : {len(plan.rows)} ligne(s) acceptée(s) "
            f"({plan.count(Action.NEW)} nouvelle(s) personne(s), "
            f"{plan.count(Action.DUPLICATE)} proposée(s) à la fusion, "
            f"{plan.count(Action.UNCHANGED)} déjà présente(s)), "
            f"{len(plan.rejected)} refusée(s) ; {new_orgs} nouvelle(s) organisation(s).",
            f"{table.path.name} ({table.describe()}): {len(plan.rows)} row(s) accepted "
            f"({plan.count(Action.NEW)} new people, {plan.count(Action.DUPLICATE)} proposed for "
            "merging, "
            f"{plan.count(Action.UNCHANGED)} already there), {len(plan.rejected)} rejected; "
            f"{new_orgs} new organisation(s).",
        )
    ]
    if table.ignored:
        ignored = ", ".join(f"« {h} »" for h in table.ignored)
        lines.append(t(f"Colonnes ignorées : {ignored}.", f"Columns ignored: {ignored}."))
    entries: list[tuple[int, str]] = []
    for rej in plan.rejected:
        entries.append(
            (
                rej.line,
                t(
                    f"  Ligne {rej.line} refusée : {rej.reason}.",
                    f"  Line {rej.line} rejected: {rej.reason}.",
                ),
            )
        )
    for r in plan.rows:
        row = r.row
        org = row.organisation.name if row.organisation else None
        who = _person_label(row.first_name, row.last_name, org)
        if r.action is Action.ORGANISATION:
            text = t(f"organisation « {org} »", f"organisation “{org}”")
        elif r.action is Action.UNCHANGED:
            text = t(f"{who} : déjà présente, identique", f"{who}: already there, unchanged")
        elif r.action is Action.NEW:
            text = t(f"{who} : nouvelle personne", f"{who}: new person")
        else:
            assert r.duplicate is not None
            d = r.duplicate
            where = (
                t(f"la fiche « {d.existing_label} »", f"the record “{d.existing_label}”")
                if d.existing_id is not None
                else t(f"la ligne {d.existing_line}", f"line {d.existing_line}")
            )
            decision = decisions.get(row.line, Decision.SKIP)
            text = t(
                f"{who} : {d.reason} que {where}, {_decision_words(decision)}",
                f"{who}: {d.reason} as {where}, {_decision_words(decision)}",
            )
        entries.append(
            (
                row.line,
                t(f"  Ligne {row.line} acceptée : {text}.", f"  Line {row.line} accepted: {text}."),
            )
        )
    lines += [text for _line, text in sorted(entries, key=lambda x: x[0])]
    for o in plan.organisations:
        if o.updates:
            fields = ", ".join(t(_FIELD_WORDS[n][0], _FIELD_WORDS[n][1]) for n in o.updates)
            lines.append(
                t(
                    f"  Organisation « {o.name} » mise à jour : {fields}.",
                    f"  Organisation “{o.name}” updated: {fields}.",
                )
            )
        elif o.existing_id is None:
            kind = label(o.cells.kind or e.OrganisationKind.OTHER)
            lines.append(
                t(
                    f"  Organisation « {o.name} » créée ({kind}).",
                    f"  Organisation “{o.name}” created ({kind}).",
                )
            )
    return lines
