"""Personal data (GDPR): access, rectification, erasure, retention, audit log, information notice.

Erasure keeps the person's row with nothing personal left in it (so that attendance
counts stay true), removes their name and address from every free text and from the
history of those texts, records an erasure that travels to the other laptops and wins
every merge, and compacts the file so that the old bytes are gone from disk. The ids
of erased people are also kept in a small file beside the databases, so that restoring
an older backup cannot bring a person back: :func:`reapply_erasures` erases them again.
The application log records ids and counts, never a name or an address.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import logging
import os
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.core.paths import data_dir
from alliance_desktop.core.pseudonyms import MentionFinder, erase_mentions
from alliance_desktop.services.members import (
    NotFound,
    PersonData,
    find_people,
    get_person,
    normalise_email,
    person_data,
)
from alliance_desktop.storage.backup import backup_file
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import (
    ANONYMOUS,
    DEFAULT_NOTICE,
    NOTICE_IN_MINUTES_KEY,
    NOTICE_KEY,
    RETENTION_KEY,
    PersonErasure,
    PrivacyAuditEntry,
    add_audit,
    anonymise_history,
    erased_ids,
    free_text_columns,
    identity_of,
    notice_in_minutes,
    purge_search_index,
    read_notice,
    retention_months,
    scrub_history,
    write_setting,
)
from alliance_desktop.storage.models import (
    Attendance,
    Base,
    Contributor,
    ListeningNote,
    Meeting,
    Organisation,
    Person,
)
from alliance_desktop.storage.sync_apply import stamp_time

log = logging.getLogger(__name__)

REGISTRY_NAME: Final = "effacements.json"
# Cells a spreadsheet would run as a formula (CSV injection), escaped on export.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class AmbiguousPerson(KnownError):
    """A name that designates several people: nothing is done, the candidates are listed."""

    def __init__(self, message: str, candidates: Sequence[PersonData]) -> None:
        """Keep the candidates for the caller to show."""
        super().__init__(message)
        self.candidates = tuple(candidates)


def resolve_person(db: Database, who: str) -> PersonData:
    """The one person ``who`` designates (an id, an e-mail address or a name).

    Raises:
        NotFound: nobody matches.
        AmbiguousPerson: several people match; nothing is done.
    """
    found = find_people(db, who)
    if not found:
        raise NotFound(t(f"Personne ne correspond à « {who} ».", f"Nobody matches “{who}”."))
    if len(found) > 1:
        raise AmbiguousPerson(
            t(
                f"{len(found)} personnes correspondent à « {who} » : rien n'a été fait. "
                "Précisez avec l'adresse électronique ou l'identifiant.",
                f"{len(found)} people match “{who}”: nothing was done. "
                "Give the e-mail address or the id instead.",
            ),
            found,
        )
    return found[0]


def candidate_line(p: PersonData, *, with_id: bool = False) -> str:
    """« Pierre Untel · Valtom · p.untel@valtom.fr », and the id when asked for."""
    parts = [p.full_name]
    if p.organisation:
        parts.append(p.organisation)
    if p.email:
        parts.append(p.email)
    line = " · ".join(parts)
    return t(f"{line} (identifiant {p.id})", f"{line} (id {p.id})") if with_id else line


def candidate_lines(candidates: Sequence[PersonData]) -> list[str]:
    """A line per namesake; the id only for those whose e-mail cannot designate them."""
    emails = Counter(normalise_email(p.email) for p in candidates if p.email)
    return [
        candidate_line(p, with_id=not p.email or emails[normalise_email(p.email)] > 1)
        for p in candidates
    ]


# --- right of access --------------------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    return value


def _mapped() -> dict[str, type[Base]]:
    return {
        str(getattr(m.local_table, "name", "")): m.class_
        for m in Base.registry.mappers
        if getattr(m.local_table, "name", None)
    }


def _meeting_label(m: Meeting | None) -> dict[str, Any]:
    if m is None:
        return {}
    return {"session_date": m.date.isoformat(), "session_number": m.number, "session": m.title}


def person_record(db: Database, person_id: uuid.UUID) -> dict[str, Any]:
    """Everything the database holds about one person, as plain JSON-ready data.

    Their record, organisation, attendance, signed notes and contributions, the free
    texts that mention them, the history of their record (each value it held, when and
    by whom), and the audit entries about them.

    Raises:
        NotFound: no such person.
    """
    with contextlib.closing(db.read()) as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(t("Cette personne n'existe pas.", "This person does not exist."))
        erased = person_id in erased_ids(s)
        con = s.connection()
        person = {
            "id": p.id.hex,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "function": p.function,
            "email": p.email,
            "phone": p.phone,
            "consent_named": p.consent_named,
            "consent_photo": p.consent_photo,
            "active": p.active,
            "erased": erased,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
        }
        org = p.organisation
        organisation = (
            {"id": org.id.hex, "name": org.name, "kind": label(org.kind)} if org else None
        )
        meetings = {m.id: m for m in s.scalars(select(Meeting))}
        orgs = {o.id: o.name for o in s.scalars(select(Organisation))}
        attendance = [
            {
                **_meeting_label(meetings.get(a.meeting_id)),
                "status": label(a.status),
                "role": label(a.role),
                "mode": label(a.mode) if a.mode else None,
                "arrived_at": _iso(a.arrived_at),
                "left_at": _iso(a.left_at),
                "organisation": orgs.get(a.organisation_id) if a.organisation_id else None,
            }
            for a in s.scalars(select(Attendance).where(Attendance.person_id == person_id))
        ]
        attendance.sort(key=lambda a: str(a.get("session_date", "")))
        notes = [
            {**_meeting_label(meetings.get(n.meeting_id)), "text": n.text, "answer": n.answer}
            for n in s.scalars(select(ListeningNote).where(ListeningNote.signed_by_id == person_id))
        ]
        contributions = [
            {**_meeting_label(meetings.get(c.meeting_id)), "role": label(c.role), "label": c.label}
            for c in s.scalars(select(Contributor).where(Contributor.person_id == person_id))
        ]
        mentions: list[dict[str, Any]] = []
        finder = MentionFinder([identity_of(con, person_id)]) if not erased else None
        if finder:
            classes = _mapped()
            for table, cols in sorted(free_text_columns().items()):
                cls = classes[table]
                for obj in s.scalars(select(cls)):
                    for col in cols:
                        value = getattr(obj, col)
                        if isinstance(value, str) and finder.mentions(value):
                            meeting = meetings.get(
                                getattr(obj, "meeting_id", None) or uuid.UUID(int=0)
                            )
                            mentions.append(
                                {
                                    "table": table,
                                    "field": col,
                                    "id": obj.id.hex,
                                    **_meeting_label(meeting),
                                    "text": value,
                                }
                            )
        history = [
            {
                "when": stamp_time(stamp),
                "field": field,
                "value": _history_value(value),
                "author": author,
            }
            for stamp, field, value, author in con.exec_driver_sql(
                "SELECT stamp, field, value, author FROM sync_change "
                "WHERE table_name = 'person' AND row_id = ? ORDER BY stamp, field",
                (person_id.hex,),
            )
        ]
        audit = [
            {"at": _iso(a.created_at), "action": a.action, "detail": a.detail, "author": a.author}
            for a in s.scalars(
                select(PrivacyAuditEntry)
                .where(PrivacyAuditEntry.person_id == person_id)
                .order_by(PrivacyAuditEntry.created_at)
            )
        ]
    return {
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "person": person,
        "organisation": organisation,
        "attendance": attendance,
        "signed_notes": notes,
        "contributions": contributions,
        "mentions": mentions,
        "history": history,
        "audit": audit,
    }


def _history_value(value: Any) -> Any:
    if isinstance(value, bytes):
        with contextlib.suppress(UnicodeDecodeError):
            value = value.decode("utf-8")
    if isinstance(value, str) and value.startswith("{"):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = t("oui", "yes") if value else t("non", "no")
    return "'" + text if text.startswith(_FORMULA_START) else text


def _flatten(record: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for section, content in record.items():
        if isinstance(content, dict):
            rows += [(section, "", k, _csv_cell(v)) for k, v in content.items()]
        elif isinstance(content, list):
            for i, item in enumerate(content, start=1):
                for k, v in item.items():
                    if isinstance(v, dict):
                        v = json.dumps(v, ensure_ascii=False, sort_keys=True)
                    rows.append((section, str(i), k, _csv_cell(v)))
        else:
            rows.append((section, "", "", _csv_cell(content)))
    return rows


def export_person(db: Database, person_id: uuid.UUID, path: Path) -> Path:
    """Write everything held about a person to ``path``: JSON, or CSV for French Excel.

    The format follows the extension (``.json`` or ``.csv``); the export is recorded in
    the audit log (without its content).

    Raises:
        NotFound: no such person.
        KnownError: another extension, or the file cannot be written.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("json", "csv"):
        raise KnownError(
            t(
                f"« {path.name} » : l'export s'écrit en .json ou en .csv.",
                f"“{path.name}”: the export is written as .json or .csv.",
            )
        )
    record = person_record(db, person_id)
    try:
        if fmt == "json":
            path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8")
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
                w.writerow(
                    (
                        t("rubrique", "section"),
                        t("n°", "no."),
                        t("champ", "field"),
                        t("valeur", "value"),
                    )
                )
                w.writerows(_flatten(record))
    except OSError as exc:
        raise KnownError(
            t(
                f"« {path} » ne peut pas être écrit : {os_reason(exc)}.",
                f"“{path}” cannot be written: {os_reason(exc)}.",
            )
        ) from exc
    with db.session() as s:
        add_audit(s, "export", person_id, rows=len(record["attendance"]), detail=f"format={fmt}")
    log.info("person %s exported (%s)", person_id.hex[:8], fmt)
    return path


# --- erasure ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextChange:
    """A free text that an erasure rewrites, before and after."""

    table: str
    field: str
    row_id: uuid.UUID
    before: str
    after: str


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing some people would do, shown before anything is done."""

    people: tuple[PersonData, ...]
    attendance: int
    signed_notes: int
    texts: tuple[TextChange, ...]


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did."""

    people: int
    texts: int
    attendance_kept: int
    backup: Path | None


def _finder(s: Session, ids: Iterable[uuid.UUID]) -> MentionFinder:
    con = s.connection()
    return MentionFinder([identity_of(con, i) for i in ids])


def _text_changes(s: Session, finder: MentionFinder) -> list[tuple[Base, str, str, str]]:
    """(row, column, before, after) of every current free text that mentions someone."""
    out: list[tuple[Base, str, str, str]] = []
    if not finder:
        return out
    classes = _mapped()
    for table, cols in sorted(free_text_columns().items()):
        cls = classes[table]
        columns = [getattr(cls, c) for c in cols]
        hits = []
        for row in s.execute(select(cls.id, *columns)):
            for col, value in zip(cols, row[1:], strict=True):
                if isinstance(value, str) and finder.mentions(value):
                    hits.append((row[0], col, value))
        for row_id, col, value in hits:
            obj = s.get(cls, row_id)
            assert obj is not None
            out.append((obj, col, value, erase_mentions(value, finder)))
    return out


def _table_name(obj: Base) -> str:
    return str(getattr(obj.__table__, "name", ""))


def _counts(s: Session, ids: Sequence[uuid.UUID]) -> tuple[int, int]:
    attendance = s.scalar(select(func.count()).where(Attendance.person_id.in_(ids))) or 0
    notes = s.scalar(select(func.count()).where(ListeningNote.signed_by_id.in_(ids))) or 0
    return int(attendance), int(notes)


def erasure_preview(db: Database, person_ids: Sequence[uuid.UUID]) -> ErasurePreview:
    """What erasing these people would change; nothing is written.

    Raises:
        NotFound: one of them does not exist.
    """
    people = tuple(get_person(db, i) for i in person_ids)
    ids = [p.id for p in people if not p.erased]
    with contextlib.closing(db.read()) as s:
        changes = _text_changes(s, _finder(s, ids))
        attendance, notes = _counts(s, ids)
        texts = tuple(
            TextChange(_table_name(obj), col, obj.id, before, after)
            for obj, col, before, after in changes
        )
    return ErasurePreview(people, attendance, notes, texts)


def _registry_path() -> Path:
    return data_dir() / REGISTRY_NAME


def _read_registry() -> dict[str, dict[str, str]]:
    path = _registry_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("the register of erasures could not be read")
        return {}
    erased = data.get("erased") if isinstance(data, dict) else None
    if not isinstance(erased, dict):
        return {}
    return {k: v for k, v in erased.items() if isinstance(v, dict)}


def _remember(ids: Iterable[uuid.UUID], reason: str) -> None:
    # Ids only: the register must not become a list of the very people erased.
    known = _read_registry()
    today = dt.date.today().isoformat()
    for i in ids:
        known.setdefault(i.hex, {"on": today, "reason": reason})
    path = _registry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump({"erased": known}, fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def compact(db: Database) -> None:
    """Rewrite the file from its live rows only, then empty the write-ahead log.

    After an erasure, old values still sit in the search index's older segments, in
    free pages and in the write-ahead log until SQLite reuses them. Call it after a
    merge that brought an erasure too.
    """
    with db.engine.begin() as con:
        purge_search_index(con)
    raw = db.engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert dbapi is not None
        dbapi.execute("VACUUM")
        dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def erase_people(
    db: Database,
    person_ids: Sequence[uuid.UUID],
    *,
    reason: str = "request",
    backup_dir: Path | None = None,
    take_backup: bool = True,
    compact_file: bool = True,
) -> ErasureResult:
    """Erase these people's personal data, in one transaction, and remember it.

    The rows stay (their attendance still counts), with names, function, address and
    phone emptied and consent withdrawn; signed notes become anonymous; their names and
    addresses are replaced by a neutral marker in every free text and in the history of
    those texts; an erasure row per person travels to the other laptops and wins every
    merge. A verified backup is taken first (as before any operation that cannot be
    undone), then the file is compacted.

    Raises:
        NotFound: one of them does not exist.
        DatabaseError: the backup or the database write failed; nothing was erased.
    """
    ids = list(dict.fromkeys(person_ids))
    backup = (
        backup_file(db.path, backup_dir, reason="avant-effacement")
        if take_backup and db.path.exists()
        else None
    )
    today = dt.date.today()
    with db.session() as s:
        already = erased_ids(s)
        todo = [i for i in ids if i not in already]
        people = []
        for i in todo:
            p = s.get(Person, i)
            if p is None:
                raise NotFound(
                    t(
                        "Cette personne n'existe plus : rien n'a été effacé.",
                        "This person no longer exists: nothing was erased.",
                    )
                )
            people.append(p)
        if not people:
            return ErasureResult(0, 0, 0, backup)
        con = s.connection()
        finder = _finder(s, todo)
        changes = _text_changes(s, finder)
        for obj, col, _before, after in changes:
            setattr(obj, col, after)
        for n in s.scalars(select(ListeningNote).where(ListeningNote.signed_by_id.in_(todo))):
            n.signed_by_id = None
        for p in people:
            for name, value in ANONYMOUS.items():
                setattr(p, name, bool(value) if isinstance(value, int) else value)
        attendance, _notes = _counts(s, todo)
        for p in people:
            s.add(PersonErasure(id=p.id, erased_on=today, reason=reason))
            add_audit(
                s,
                "erase" if reason == "request" else "retention",
                p.id,
                rows=attendance if len(people) == 1 else 0,
                detail=f"reason={reason};texts={len(changes)}",
            )
        # The capture writes the new values to the change log at flush; the older values
        # the log still holds are rewritten after it.
        s.flush()
        scrub_history(con, finder)
        for p in people:
            anonymise_history(con, p.id)
        purge_search_index(con)
    _remember(todo, reason)
    if compact_file:
        compact(db)
    log.info(
        "erasure (%s): %d people, %d texts rewritten, %d attendance rows kept",
        reason,
        len(todo),
        len(changes),
        attendance,
    )
    return ErasureResult(len(todo), len(changes), attendance, backup)


def erase_person(
    db: Database, person_id: uuid.UUID, *, backup_dir: Path | None = None
) -> ErasureResult:
    """Erase one person's personal data (see :func:`erase_people`)."""
    return erase_people(db, [person_id], backup_dir=backup_dir)


def reapply_erasures(db: Database) -> int:
    """Erase again the people this laptop erased before, if the database holds them again.

    Called after a backup is restored or a database file is opened: the register of
    erasures lives beside the databases, not inside them.

    Returns:
        How many people were erased again.
    """
    known = _read_registry()
    if not known:
        return 0
    with contextlib.closing(db.read()) as s:
        ids = {uuid.UUID(hex=h) for h in known}
        present = set(s.scalars(select(Person.id).where(Person.id.in_(ids))))
        todo = sorted(present - erased_ids(s))
    if not todo:
        return 0
    reasons = {known[i.hex].get("reason", "request") for i in todo}
    reason = "retention" if reasons == {"retention"} else "request"
    done = erase_people(db, todo, reason=reason, take_backup=False)
    log.info("erasure re-applied to %d people", done.people)
    return done.people


# --- retention --------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionCandidate:
    """A person the retention rule would erase, and when they were last seen."""

    person: PersonData
    last_seen: dt.date | None


@dataclass(frozen=True)
class RetentionPreview:
    """Who the retention rule would erase today; nothing done yet."""

    months: int
    cutoff: dt.date
    candidates: tuple[RetentionCandidate, ...]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    y, m = divmod(day.year * 12 + (day.month - 1) - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return dt.date(y, m, d)
    raise AssertionError("unreachable")


def retention_preview(
    db: Database, months: int | None = None, today: dt.date | None = None
) -> RetentionPreview:
    """The people not seen for ``months`` months (the setting if None); nothing is done.

    A person is « seen » on the date of a session where they were present; someone never
    present counts from the day their record was created.
    """
    today = today or dt.date.today()
    with contextlib.closing(db.read()) as s:
        months = months or retention_months(s)
        cutoff = months_before(today, months)
        last = dict(
            s.execute(
                select(Attendance.person_id, func.max(Meeting.date))
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(Attendance.status == e.AttendanceStatus.PRESENT)
                .group_by(Attendance.person_id)
            ).all()
        )
        erased = erased_ids(s)
        out = []
        for p in s.scalars(select(Person)):
            if p.id in erased:
                continue
            seen = last.get(p.id)
            reference_day = seen or p.created_at.date()
            if reference_day < cutoff:
                out.append(RetentionCandidate(person_data(p), seen))
    out.sort(key=lambda c: (c.last_seen or dt.date.min, c.person.last_name))
    return RetentionPreview(months, cutoff, tuple(out))


def apply_retention(
    db: Database, person_ids: Sequence[uuid.UUID], *, backup_dir: Path | None = None
) -> ErasureResult:
    """Erase the people of a retention preview (those the facilitator kept ticked)."""
    return erase_people(db, person_ids, reason="retention", backup_dir=backup_dir)


def set_retention_months(db: Database, months: int) -> None:
    """Change the retention period (in months, at least 1)."""
    if months < 1:
        raise KnownError(t("La durée doit être d'au moins un mois.", "At least one month."))
    with db.session() as s:
        write_setting(s, RETENTION_KEY, int(months))
        add_audit(s, "retention_setting", detail=f"months={int(months)}")


def get_retention_months(db: Database) -> int:
    """The retention period in months."""
    with contextlib.closing(db.read()) as s:
        return retention_months(s)


# --- audit log and notice ---------------------------------------------------------------


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log."""

    at: dt.datetime
    action: str
    person_id: uuid.UUID | None
    rows: int
    detail: str
    author: str


def audit_log(db: Database, limit: int = 1000) -> list[AuditRecord]:
    """The latest operations on personal data, newest first."""
    with contextlib.closing(db.read()) as s:
        return [
            AuditRecord(a.created_at, a.action, a.person_id, a.rows, a.detail, a.author)
            for a in s.scalars(
                select(PrivacyAuditEntry).order_by(PrivacyAuditEntry.created_at.desc()).limit(limit)
            )
        ]


@dataclass(frozen=True)
class Notice:
    """The information notice for participants, and whether the minutes include it."""

    text: str
    in_minutes: bool
    is_default: bool


def get_notice(db: Database) -> Notice:
    """The notice as last edited (the default wording otherwise)."""
    with contextlib.closing(db.read()) as s:
        text = read_notice(s)
        return Notice(text, notice_in_minutes(s), text == DEFAULT_NOTICE)


def set_notice(db: Database, text: str, in_minutes: bool) -> Notice:
    """Save the notice (an empty text goes back to the default wording)."""
    cleaned = text.replace("\r\n", "\n").strip()
    with db.session() as s:
        write_setting(s, NOTICE_KEY, cleaned or None)
        write_setting(s, NOTICE_IN_MINUTES_KEY, bool(in_minutes))
        add_audit(s, "notice", detail=f"in_minutes={bool(in_minutes)}")
    return get_notice(db)
