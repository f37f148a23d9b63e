"""Personal-data tables (erasures, audit log, settings keys) and the erasure rule of the merge.

An erased person keeps their row, stripped of everything personal, so that the
attendance counts of past sessions stay true; the row of :class:`PersonErasure` (same
id as the person) is what travels to the other laptops and what every merge checks:
whatever an old bundle, a snapshot or a conflict copy holds about that person is
rewritten to the anonymous values before the merge decides anything, so the erasure
always wins and the person never comes back.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import Connection, Date, Integer, String, Text, Uuid, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, Session, mapped_column

from alliance_desktop.core.pseudonyms import MentionFinder, PersonName, erase_mentions
from alliance_desktop.storage.models import Base, Setting, reference_id
from alliance_desktop.storage.sync_log import chunks
from alliance_desktop.storage.sync_schema import travelling
from alliance_desktop.storage.sync_state import INSERT, decode_row, encode_row

Key = tuple[str, str]  # (table, row id in hex), as the merge names rows

# The person's columns that are personal data, and what an erasure leaves in them (as
# SQLite stores them: booleans are 0 and 1). The organisation stays: it is what the
# attendance counts by organisation are made of.
ANONYMOUS: Final[dict[str, Any]] = {
    "first_name": "",
    "last_name": "",
    "function": None,
    "email": None,
    "phone": None,
    "consent_named": 0,
    "consent_photo": 0,
    "active": 0,
}

# Keys of the ``setting`` table used here.
NOTICE_KEY: Final = "privacy.notice"
NOTICE_IN_MINUTES_KEY: Final = "privacy.notice_in_minutes"
RETENTION_KEY: Final = "privacy.retention_months"
DEFAULT_RETENTION_MONTHS: Final = 36

DEFAULT_NOTICE: Final = (
    "Information sur vos données personnelles. L'Alliance pour la transition écologique "
    "et solidaire, animée par la Ville de Clermont-Ferrand et Clermont Auvergne Métropole, "
    "enregistre le nom, l'organisation et la fonction des participants à ses ateliers, "
    "ainsi que, s'ils les donnent, leur adresse électronique et leur téléphone. Ces "
    "données servent à organiser les ateliers, à tenir les listes de présence et à "
    "envoyer les comptes-rendus ; elles ne sont transmises à personne d'autre. Votre nom "
    "ne figure dans les comptes-rendus, et votre image sur les photos, que si vous "
    "l'avez accepté. Les coordonnées des personnes qui ne sont pas venues depuis "
    "36 mois sont effacées. Vous pouvez consulter vos données, les faire corriger ou "
    "effacer en le demandant à l'équipe d'animation de l'Alliance."
)


class PersonErasure(Base):
    """A person whose personal data was erased; the row's id is the person's id."""

    __tablename__ = "person_erasure"

    erased_on: Mapped[dt.date] = mapped_column(Date)
    # "request" (the person asked) or "retention" (the retention rule).
    reason: Mapped[str] = mapped_column(String(16), default="request")


class PrivacyAuditEntry(Base):
    """One operation on personal data, recorded without the data itself."""

    __tablename__ = "privacy_audit"

    # export, rectify, erase, retention, merge, import, consent, notice
    action: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    # Field names, counts, formats: never a value.
    detail: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")


# --- settings ---------------------------------------------------------------------------


def setting_id(key: str) -> uuid.UUID:
    """The id of a setting's row, the same on every laptop.

    Two laptops that set the same setting then edit one row, instead of creating two
    that the merge would have to reconcile.
    """
    return reference_id("setting", key)


def read_setting(session: Session, key: str, default: Any = None) -> Any:
    """The value of a setting, or ``default``."""
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def write_setting(session: Session, key: str, value: Any) -> None:
    """Set a setting through the ORM (so that the change travels)."""
    row = session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        session.add(Setting(id=setting_id(key), key=key, value=value))
    elif row.value != value:
        row.value = value


def read_notice(session: Session) -> str:
    """The information notice for participants, as last edited (the default otherwise)."""
    value = read_setting(session, NOTICE_KEY)
    return value if isinstance(value, str) and value.strip() else DEFAULT_NOTICE


def notice_in_minutes(session: Session) -> bool:
    """Whether the minutes include the information notice."""
    return bool(read_setting(session, NOTICE_IN_MINUTES_KEY, False))


def retention_months(session: Session) -> int:
    """After how many months without attending a person's details are removed."""
    value = read_setting(session, RETENTION_KEY, DEFAULT_RETENTION_MONTHS)
    return value if isinstance(value, int) and value > 0 else DEFAULT_RETENTION_MONTHS


# --- which people are erased ------------------------------------------------------------


def _hex(row_id: uuid.UUID | str) -> str:
    return row_id.hex if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id)).hex


def erased_people(con: Connection) -> set[str]:
    """The ids (hex) of every person erased here or on a laptop whose changes arrived.

    The change log is read as well as the table: within a merge, an erasure that just
    arrived is in the log before it is in the table.
    """
    ids = {r[0] for r in con.exec_driver_sql("SELECT id FROM person_erasure")}
    ids.update(
        r[0]
        for r in con.exec_driver_sql(
            "SELECT row_id FROM sync_change WHERE table_name = 'person_erasure' AND field = ?",
            (INSERT,),
        )
    )
    return ids


def is_erased(session: Session, table: str, row_id: uuid.UUID | str) -> bool:
    """Whether the row ``row_id`` of ``table`` belongs to an erased person."""
    if table != "person":
        return False
    rid = _hex(row_id)
    found = session.connection().exec_driver_sql(
        "SELECT 1 FROM person_erasure WHERE id = ? UNION ALL SELECT 1 FROM sync_change "
        "WHERE table_name = 'person_erasure' AND row_id = ? AND field = ? LIMIT 1",
        (rid, rid, INSERT),
    )
    return found.first() is not None


# --- what identifies a person, and where it is written ----------------------------------


# Names of things and codes, not prose: an organisation called « Saint-Martin » must not
# lose its name when a Mr Martin is erased.
_NOT_FREE_TEXT: Final = frozenset(
    {
        ("organisation", "name"),
        ("organisation", "short_name"),
        ("setting", "key"),
        ("attachment", "media_type"),
        ("indicator", "unit"),
        ("indicator", "breakdown_label"),
        ("measurement", "breakdown_key"),
        ("objective", "breakdown_key"),
    }
)


@functools.cache
def free_text_columns() -> dict[str, tuple[str, ...]]:
    """The text columns of the travelling tables, where a name may have been written.

    Every text column of prose counts (titles, backgrounds, contacts, labels), not only
    points and notes: a name pasted anywhere must go; names of things and codes do not.
    The person's own row is dealt with field by field, and the erasure and audit tables
    hold no text about anyone.
    """
    out: dict[str, tuple[str, ...]] = {}
    for name, info in travelling().items():
        if name in ("person", "person_erasure", "privacy_audit"):
            continue
        table = Base.metadata.tables[name]
        cols = tuple(
            c.name
            for c in table.columns
            if c.name in info.fields
            and (name, c.name) not in _NOT_FREE_TEXT
            and isinstance(c.type, String | Text)
            and not isinstance(c.type, SAEnum)
        )
        if cols:
            out[name] = cols
    return out


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return value if isinstance(value, str) else None


def identity_of(con: Connection, person_id: uuid.UUID | str) -> PersonName:
    """Every name and address a person ever had here: current row and change history."""
    rid = _hex(person_id)
    firsts: set[str] = set()
    lasts: set[str] = set()
    emails: set[str] = set()

    def take(values: dict[str, Any]) -> None:
        if (v := _text(values.get("first_name"))) and v.strip():
            firsts.add(v.strip())
        if (v := _text(values.get("last_name"))) and v.strip():
            lasts.add(v.strip())
        if (v := _text(values.get("email"))) and v.strip():
            emails.add(v.strip())

    row = con.exec_driver_sql(
        "SELECT first_name, last_name, email FROM person WHERE id = ?", (rid,)
    ).first()
    current = ("", "")
    if row is not None:
        take({"first_name": row[0], "last_name": row[1], "email": row[2]})
        current = (row[0] or "", row[1] or "")
    for field, value in con.exec_driver_sql(
        "SELECT field, value FROM sync_change WHERE table_name = 'person' AND row_id = ?", (rid,)
    ):
        if field == INSERT:
            try:
                take(decode_row(value))
            except ValueError:
                continue
        elif field in ("first_name", "last_name", "email"):
            take({field: value})
    others = tuple(sorted((f, la) for f in firsts | {""} for la in lasts | {""}))
    return PersonName(
        key=rid,
        first_name=current[0],
        last_name=current[1],
        emails=tuple(sorted(emails)),
        other_names=others,
    )


def _scrub_value(value: Any, finder: MentionFinder) -> Any:
    text = _text(value)
    if text is None:
        return value
    new = erase_mentions(text, finder)
    return value if new == text else new


def scrub_history(con: Connection, finder: MentionFinder) -> set[Key]:
    """Remove the names ``finder`` looks for from every past value of every free text.

    Rewrites the change log (creations and edits) and the conflicts in place: they keep
    their ids and stamps, only the name inside the text is replaced by a neutral marker.

    Returns:
        The rows whose history was rewritten (the merge then brings them up to date).
    """
    if not finder:
        return set()
    columns = free_text_columns()
    touched: set[Key] = set()
    tables = sorted(columns)
    marks = ",".join("?" * len(tables))
    updates: list[tuple[Any, str]] = []
    for cid, table, row_id, field, value in con.exec_driver_sql(
        f"SELECT id, table_name, row_id, field, value FROM sync_change "
        f"WHERE table_name IN ({marks})",
        tuple(tables),
    ):
        if field == INSERT:
            try:
                row = decode_row(value)
            except ValueError:
                continue
            changed = False
            for col in columns[table]:
                if col in row:
                    new = _scrub_value(row[col], finder)
                    if new is not row[col]:
                        row[col] = new
                        changed = True
            if changed:
                updates.append((encode_row(row), cid))
                touched.add((table, row_id))
        elif field in columns[table]:
            new = _scrub_value(value, finder)
            if new is not value:
                updates.append((new, cid))
                touched.add((table, row_id))
    for part in chunks(updates):
        con.exec_driver_sql("UPDATE sync_change SET value = ? WHERE id = ?", list(part))
    conflict_updates: list[tuple[Any, Any, str]] = []
    for cid, table, row_id, field, winner, other in con.exec_driver_sql(
        f"SELECT id, table_name, row_id, field, winner_value, other_value FROM sync_conflict "
        f"WHERE table_name IN ({marks})",
        tuple(tables),
    ):
        if field not in columns.get(table, ()):
            continue
        w, o = _scrub_value(winner, finder), _scrub_value(other, finder)
        if w is not winner or o is not other:
            conflict_updates.append((w, o, cid))
            touched.add((table, row_id))
    if conflict_updates:
        con.exec_driver_sql(
            "UPDATE sync_conflict SET winner_value = ?, other_value = ? WHERE id = ?",
            conflict_updates,
        )
    return touched


def anonymise_history(con: Connection, person_id: uuid.UUID | str) -> bool:
    """Rewrite every recorded value of a person's personal fields to the anonymous one.

    Whatever value then wins the merge of those fields, it is the anonymous one, and
    the conflicts on them, which could only be about personal values, are dropped.

    Returns:
        Whether anything was rewritten.
    """
    rid = _hex(person_id)
    updates: list[tuple[Any, str]] = []
    for cid, field, value in con.exec_driver_sql(
        "SELECT id, field, value FROM sync_change WHERE table_name = 'person' AND row_id = ?",
        (rid,),
    ):
        if field == INSERT:
            try:
                row = decode_row(value)
            except ValueError:
                continue
            if any(k in row and row[k] != v for k, v in ANONYMOUS.items()):
                row.update({k: v for k, v in ANONYMOUS.items() if k in row})
                updates.append((encode_row(row), cid))
        elif field in ANONYMOUS and value != ANONYMOUS[field]:
            updates.append((ANONYMOUS[field], cid))
    if updates:
        con.exec_driver_sql("UPDATE sync_change SET value = ? WHERE id = ?", updates)
    fields = sorted(ANONYMOUS)
    marks = ",".join("?" * len(fields))
    gone = con.exec_driver_sql(
        f"DELETE FROM sync_conflict WHERE table_name = 'person' AND row_id = ? "
        f"AND field IN ({marks})",
        (rid, *fields),
    )
    return bool(updates) or bool(gone.rowcount)


def enforce_erasures(con: Connection, keys: Iterable[Key]) -> set[Key]:
    """The merge's erasure rule, applied to the rows about to be merged.

    For each erasure among ``keys`` (just arrived), the person's names are looked up in
    this laptop's own records and removed from every free text's history; for every
    erased person among ``keys`` (an old bundle bringing their data back), their
    recorded values are made anonymous again.

    Returns:
        Further rows the merge must bring up to date (texts and people rewritten).
    """
    keys = set(keys)
    if not any(t in ("person", "person_erasure") for t, _r in keys):
        return set()
    erased = erased_people(con)
    if not erased:
        return set()
    arriving = {rid for t, rid in keys if t == "person_erasure"} & erased
    people = ({rid for t, rid in keys if t == "person"} & erased) | arriving
    more: set[Key] = set()
    for rid in sorted(arriving):
        finder = MentionFinder([identity_of(con, rid)])
        more |= scrub_history(con, finder)
    for rid in sorted(people):
        anonymise_history(con, rid)
        more.add(("person", rid))
    return more


def purge_search_index(con: Connection) -> None:
    """Merge the full-text index into one segment, leaving out deleted entries.

    FTS5 records a deletion as a marker in a new segment; until the segments are
    merged, the old segment still holds the deleted words on disk.
    """
    con.exec_driver_sql("INSERT INTO search_index(search_index) VALUES ('optimize')")


def erased_ids(session: Session) -> set[uuid.UUID]:
    """The ids of the erased people, as UUIDs."""
    return {uuid.UUID(hex=h) for h in erased_people(session.connection())}


# --- audit log ----------------------------------------------------------------------------


def add_audit(
    session: Session,
    action: str,
    person_id: uuid.UUID | None = None,
    *,
    rows: int = 0,
    detail: str = "",
) -> None:
    """Record an operation on personal data, in the caller's transaction.

    ``detail`` names fields, formats or counts, never a value: the log of who did what
    must not become a second copy of the data it is about.
    """
    from alliance_desktop.storage.sync_log import default_author

    author = (
        session.connection()
        .exec_driver_sql("SELECT author FROM sync_identity ORDER BY created_at LIMIT 1")
        .scalar()
    )
    session.add(
        PrivacyAuditEntry(
            action=action,
            person_id=person_id,
            rows=rows,
            detail=detail,
            author=author if isinstance(author, str) and author else default_author(),
        )
    )


# Whoever writes through these models (an import from the command line, say) must have
# the change capture listening, or the rows would not travel and their history would
# escape an erasure: importing the sharing tables installs it.
import alliance_desktop.storage.sync_models  # noqa: E402, F401
