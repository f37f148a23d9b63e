"""The members' directory: organisations and people, added, edited, deactivated, merged.

Every function that writes commits one ORM transaction (the sharing engine records the
changes from the ORM's events) and returns a :class:`DirectoryChanges` record with the
rows as they now are, so that a screen updates those rows instead of reading again.
Logs name rows by id only: never a name, never an address.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.core.pseudonyms import fold
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import add_audit, erased_ids
from alliance_desktop.storage.models import (
    Attendance,
    Contributor,
    ListeningNote,
    Organisation,
    Person,
)

log = logging.getLogger(__name__)

_EMAIL: Final = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
_PHONE_CHARS: Final = re.compile(r"^[0-9+().\-/\s\u00a0]+$")
# Which attendance wins when two merged people both have one for the same session.
_STATUS_RANK: Final = {
    e.AttendanceStatus.PRESENT: 3,
    e.AttendanceStatus.EXCUSED: 2,
    e.AttendanceStatus.ABSENT: 1,
    e.AttendanceStatus.INVITED: 0,
}
# Fields whose change is a rectification of personal data (recorded in the audit log).
PERSONAL_FIELDS: Final = ("first_name", "last_name", "function", "email", "phone")
CONSENT_FIELDS: Final = ("consent_named", "consent_photo")


class NotFound(KnownError):
    """The row asked for does not exist (deleted meanwhile, here or on another laptop)."""


class ErasedPerson(KnownError):
    """The person was erased: their record can no longer be changed."""


# --- plain records ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationData:
    """An organisation as the directory shows it."""

    id: uuid.UUID
    name: str
    short_name: str | None
    kind: e.OrganisationKind
    is_member: bool
    member_since: dt.date | None
    contact: str | None
    active: bool
    people: int = 0

    @property
    def display_name(self) -> str:
        """The short name if there is one, else the full name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class PersonData:
    """A person as the directory shows them."""

    id: uuid.UUID
    first_name: str
    last_name: str
    organisation_id: uuid.UUID | None
    organisation: str
    function: str | None
    email: str | None
    phone: str | None
    consent_named: bool
    consent_photo: bool
    active: bool
    erased: bool = False

    @property
    def full_name(self) -> str:
        """First and last name; a neutral label once the person is erased."""
        if self.erased:
            return t("(personne effacée)", "(erased person)")
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class OrganisationFields:
    """What a facilitator types for an organisation."""

    name: str
    short_name: str | None = None
    kind: e.OrganisationKind = e.OrganisationKind.OTHER
    is_member: bool = False
    member_since: dt.date | None = None
    contact: str | None = None


@dataclass(frozen=True)
class PersonFields:
    """What a facilitator types for a person."""

    first_name: str = ""
    last_name: str = ""
    organisation_id: uuid.UUID | None = None
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    consent_named: bool = False
    consent_photo: bool = False


@dataclass(frozen=True)
class DirectoryChanges:
    """What one operation changed: rows as they now are, and ids of rows removed."""

    organisations: tuple[OrganisationData, ...] = ()
    people: tuple[PersonData, ...] = ()
    removed_people: tuple[uuid.UUID, ...] = ()
    moved_attendance: int = 0


# --- cleaning and checking what is typed -------------------------------------------------


def clean(text: str | None) -> str | None:
    """Text as stored: blanks around dropped, inner runs of blanks made one; None if empty."""
    if text is None:
        return None
    cleaned = " ".join(text.replace("\r\n", "\n").split())
    return cleaned or None


def normalise_email(email: str | None) -> str | None:
    """An address as compared for duplicates: trimmed, lower case, ``mailto:`` dropped."""
    if not email:
        return None
    s = email.strip()
    if s.lower().startswith("mailto:"):
        s = s[7:]
    s = s.strip().strip("<>").strip().lower()
    return s or None


def email_problem(email: str) -> str | None:
    """Why an address cannot be an e-mail address, or None if it looks like one."""
    if not _EMAIL.match(email):
        return t(f"adresse électronique « {email} » invalide", f"invalid e-mail address “{email}”")
    return None


def phone_problem(phone: str) -> str | None:
    """Why a text cannot be a phone number, or None. Leading zeros are kept as typed."""
    digits = sum(c.isdigit() for c in phone)
    if not _PHONE_CHARS.match(phone) or digits < 4:
        return t(f"téléphone « {phone} » invalide", f"invalid phone number “{phone}”")
    return None


def name_key(first_name: str, last_name: str) -> str:
    """A name as compared for duplicates: case, accents, hyphens and spacing ignored."""
    return " ".join(fold(f"{first_name} {last_name}").replace("-", " ").split())


def org_key(name: str) -> str:
    """An organisation's name as compared: case, accents and punctuation ignored."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(name)).split())


def _check_person(f: PersonFields) -> PersonFields:
    first, last = clean(f.first_name) or "", clean(f.last_name) or ""
    if not first and not last:
        raise KnownError(t("Donnez au moins un nom ou un prénom.", "Give a name."))
    email = clean(f.email)
    if email:
        email = normalise_email(email)
        assert email is not None
        if problem := email_problem(email):
            raise KnownError(problem[0].upper() + problem[1:] + ".")
    phone = clean(f.phone)
    if phone and (problem := phone_problem(phone)):
        raise KnownError(problem[0].upper() + problem[1:] + ".")
    return PersonFields(
        first_name=first,
        last_name=last,
        organisation_id=f.organisation_id,
        function=clean(f.function),
        email=email,
        phone=phone,
        consent_named=f.consent_named,
        consent_photo=f.consent_photo,
    )


def _check_organisation(f: OrganisationFields) -> OrganisationFields:
    name = clean(f.name)
    if not name:
        raise KnownError(t("Le nom de l'organisation est vide.", "The organisation has no name."))
    return OrganisationFields(
        name=name,
        short_name=clean(f.short_name),
        kind=f.kind,
        is_member=f.is_member,
        member_since=f.member_since,
        contact=clean(f.contact),
    )


# --- reading ------------------------------------------------------------------------------


def organisation_data(o: Organisation, people: int = 0) -> OrganisationData:
    """The plain record of an organisation row (``people``: how many people it has)."""
    return OrganisationData(
        id=o.id,
        name=o.name,
        short_name=o.short_name,
        kind=o.kind,
        is_member=o.is_member,
        member_since=o.member_since,
        contact=o.contact,
        active=o.active,
        people=people,
    )


def person_data(p: Person, erased: bool = False) -> PersonData:
    """The plain record of a person row (``erased``: the person was erased)."""
    org = p.organisation
    return PersonData(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        organisation_id=p.organisation_id,
        organisation=org.display_name if org is not None else "",
        function=p.function,
        email=p.email,
        phone=p.phone,
        consent_named=p.consent_named,
        consent_photo=p.consent_photo,
        active=p.active,
        erased=erased,
    )


def _matches(words: Sequence[str], *fields: str | None) -> bool:
    if not words:
        return True
    hay = fold(" ".join(f for f in fields if f))
    return all(w in hay for w in words)


def _words(query: str) -> list[str]:
    return fold(query).split()


def list_organisations(
    db: Database,
    *,
    query: str = "",
    kind: e.OrganisationKind | None = None,
    members_only: bool = False,
    include_inactive: bool = True,
) -> list[OrganisationData]:
    """The organisations, by name, that match the search and the filters.

    ``query`` is matched word by word, ignoring case and accents, against the name, the
    short name, the contact and the kind.
    """
    words = _words(query)
    s = db.read()
    try:
        counts = dict(
            s.execute(
                select(Person.organisation_id, func.count())
                .where(Person.organisation_id.is_not(None))
                .group_by(Person.organisation_id)
            ).all()
        )
        out = []
        for o in s.scalars(select(Organisation)):
            if kind is not None and o.kind != kind:
                continue
            if members_only and not o.is_member:
                continue
            if not include_inactive and not o.active:
                continue
            if not _matches(words, o.name, o.short_name, o.contact, label(o.kind)):
                continue
            out.append(organisation_data(o, counts.get(o.id, 0)))
    finally:
        s.close()
    out.sort(key=lambda o: org_key(o.name))
    return out


def list_people(
    db: Database,
    *,
    query: str = "",
    organisation_id: uuid.UUID | None = None,
    kind: e.OrganisationKind | None = None,
    include_inactive: bool = True,
    include_erased: bool = False,
) -> list[PersonData]:
    """The people, by last then first name, that match the search and the filters.

    ``query`` is matched word by word, ignoring case and accents, against the names, the
    organisation, the function and the e-mail address.
    """
    words = _words(query)
    s = db.read()
    try:
        erased = erased_ids(s)
        orgs = {o.id: o for o in s.scalars(select(Organisation))}
        out = []
        for p in s.scalars(select(Person)):
            gone = p.id in erased
            if gone and not include_erased:
                continue
            if organisation_id is not None and p.organisation_id != organisation_id:
                continue
            org = orgs.get(p.organisation_id) if p.organisation_id else None
            if kind is not None and (org is None or org.kind != kind):
                continue
            if not include_inactive and not p.active:
                continue
            org_names = (org.name, org.short_name) if org is not None else (None, None)
            if not _matches(words, p.first_name, p.last_name, *org_names, p.function, p.email):
                continue
            out.append(person_data(p, gone))
    finally:
        s.close()
    out.sort(key=lambda p: (fold(p.last_name), fold(p.first_name), p.id.hex))
    return out


def get_person(db: Database, person_id: uuid.UUID) -> PersonData:
    """One person.

    Raises:
        NotFound: no such person.
    """
    s = db.read()
    try:
        p = s.get(Person, person_id)
        if p is None:
            raise _person_gone()
        return person_data(p, person_id in erased_ids(s))
    finally:
        s.close()


def get_organisation(db: Database, organisation_id: uuid.UUID) -> OrganisationData:
    """One organisation.

    Raises:
        NotFound: no such organisation.
    """
    s = db.read()
    try:
        o = s.get(Organisation, organisation_id)
        if o is None:
            raise _org_gone()
        n = s.scalar(select(func.count()).where(Person.organisation_id == organisation_id))
        return organisation_data(o, int(n or 0))
    finally:
        s.close()


def find_people(db: Database, who: str) -> list[PersonData]:
    """The people ``who`` designates: an id, an e-mail address, or a name.

    A name matches when every word typed is one of the person's name words (case and
    accents ignored), so « dupont » finds every Dupont and « jean dupont » only Jean.
    Erased people are never found.
    """
    who = who.strip()
    if not who:
        return []
    try:
        wanted_id: uuid.UUID | None = uuid.UUID(who)
    except ValueError:
        wanted_id = None
    email = normalise_email(who) if "@" in who else None
    words = set(name_key("", who).split())
    out = []
    for p in list_people(db):
        if wanted_id is not None:
            if p.id == wanted_id:
                out.append(p)
            continue
        if email is not None:
            if normalise_email(p.email) == email:
                out.append(p)
            continue
        if words and words <= set(name_key(p.first_name, p.last_name).split()):
            out.append(p)
    return out


# --- writing ------------------------------------------------------------------------------


def _person_gone() -> NotFound:
    return NotFound(
        t(
            "Cette personne n'existe plus : elle a été supprimée entre-temps.",
            "This person no longer exists: they were deleted meanwhile.",
        )
    )


def _org_gone() -> NotFound:
    return NotFound(
        t(
            "Cette organisation n'existe plus : elle a été supprimée entre-temps.",
            "This organisation no longer exists: it was deleted meanwhile.",
        )
    )


def _get_person(s: Session, person_id: uuid.UUID, *, writable: bool = True) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise _person_gone()
    if writable and person_id in erased_ids(s):
        raise ErasedPerson(
            t(
                "Les données de cette personne ont été effacées : sa fiche ne peut plus être "
                "modifiée.",
                "This person's data was erased: their record can no longer be changed.",
            )
        )
    return p


def _get_org(s: Session, organisation_id: uuid.UUID) -> Organisation:
    o = s.get(Organisation, organisation_id)
    if o is None:
        raise _org_gone()
    return o


def _check_org_exists(s: Session, organisation_id: uuid.UUID | None) -> None:
    if organisation_id is not None:
        _get_org(s, organisation_id)


def _same_name_org(s: Session, name: str, exclude: uuid.UUID | None) -> Organisation | None:
    key = org_key(name)
    for o in s.scalars(select(Organisation)):
        if o.id != exclude and org_key(o.name) == key:
            return o
    return None


def add_organisation(db: Database, fields: OrganisationFields) -> DirectoryChanges:
    """Add an organisation.

    Raises:
        KnownError: the name is empty or already taken.
    """
    f = _check_organisation(fields)
    with db.session() as s:
        if _same_name_org(s, f.name, None) is not None:
            raise KnownError(
                t(
                    f"L'organisation « {f.name} » existe déjà.",
                    f"The organisation “{f.name}” already exists.",
                )
            )
        o = Organisation(
            name=f.name,
            short_name=f.short_name,
            kind=f.kind,
            is_member=f.is_member,
            member_since=f.member_since,
            contact=f.contact,
            active=True,
        )
        s.add(o)
        s.flush()
        data = organisation_data(o)
    log.info("organisation %s added", data.id.hex[:8])
    return DirectoryChanges(organisations=(data,))


def update_organisation(
    db: Database, organisation_id: uuid.UUID, fields: OrganisationFields
) -> DirectoryChanges:
    """Change an organisation's details.

    Raises:
        NotFound: the organisation was deleted meanwhile.
        KnownError: the name is empty or another organisation's.
    """
    f = _check_organisation(fields)
    with db.session() as s:
        o = _get_org(s, organisation_id)
        if _same_name_org(s, f.name, organisation_id) is not None:
            raise KnownError(
                t(
                    f"Une autre organisation s'appelle déjà « {f.name} ».",
                    f"Another organisation is already called “{f.name}”.",
                )
            )
        for name in ("name", "short_name", "kind", "is_member", "member_since", "contact"):
            value = getattr(f, name)
            if getattr(o, name) != value:
                setattr(o, name, value)
        s.flush()
        n = s.scalar(select(func.count()).where(Person.organisation_id == organisation_id))
        data = organisation_data(o, int(n or 0))
    log.info("organisation %s updated", organisation_id.hex[:8])
    return DirectoryChanges(organisations=(data,))


def set_organisation_active(
    db: Database, organisation_id: uuid.UUID, active: bool
) -> DirectoryChanges:
    """Deactivate an organisation (kept for the history, hidden from new lists) or reactivate it.

    Raises:
        NotFound: the organisation was deleted meanwhile.
    """
    with db.session() as s:
        o = _get_org(s, organisation_id)
        o.active = active
        s.flush()
        data = organisation_data(o)
    log.info("organisation %s active=%s", organisation_id.hex[:8], active)
    return DirectoryChanges(organisations=(data,))


def add_person(db: Database, fields: PersonFields) -> DirectoryChanges:
    """Add a person.

    Raises:
        KnownError: no name, a malformed address or phone, or an unknown organisation.
    """
    f = _check_person(fields)
    with db.session() as s:
        _check_org_exists(s, f.organisation_id)
        p = Person(
            first_name=f.first_name,
            last_name=f.last_name,
            organisation_id=f.organisation_id,
            function=f.function,
            email=f.email,
            phone=f.phone,
            consent_named=f.consent_named,
            consent_photo=f.consent_photo,
            active=True,
        )
        s.add(p)
        s.flush()
        data = person_data(p)
    log.info("person %s added", data.id.hex[:8])
    return DirectoryChanges(people=(data,))


def update_person(db: Database, person_id: uuid.UUID, fields: PersonFields) -> DirectoryChanges:
    """Change a person's details; a change of personal data or consent is audited.

    The audit log records which fields changed, never their values.

    Raises:
        NotFound: the person was deleted meanwhile.
        ErasedPerson: the person was erased.
        KnownError: no name, a malformed address or phone, or an unknown organisation.
    """
    f = _check_person(fields)
    with db.session() as s:
        p = _get_person(s, person_id)
        _check_org_exists(s, f.organisation_id)
        changed = []
        for name in (*PERSONAL_FIELDS, "organisation_id", *CONSENT_FIELDS):
            value = getattr(f, name)
            if getattr(p, name) != value:
                setattr(p, name, value)
                changed.append(name)
        rectified = [c for c in changed if c in PERSONAL_FIELDS]
        consents = [c for c in changed if c in CONSENT_FIELDS]
        if rectified:
            add_audit(s, "rectify", person_id, rows=1, detail=",".join(rectified))
        if consents:
            add_audit(s, "consent", person_id, rows=1, detail=",".join(consents))
        s.flush()
        data = person_data(p)
    log.info("person %s updated (%s)", person_id.hex[:8], ",".join(changed) or "nothing")
    return DirectoryChanges(people=(data,))


def set_consent(
    db: Database, person_id: uuid.UUID, *, named: bool | None = None, photo: bool | None = None
) -> DirectoryChanges:
    """Record a person's consent to be named in the minutes and to appear in photos.

    Raises:
        NotFound: the person was deleted meanwhile.
        ErasedPerson: the person was erased.
    """
    with db.session() as s:
        p = _get_person(s, person_id)
        changed = []
        if named is not None and p.consent_named != named:
            p.consent_named = named
            changed.append("consent_named")
        if photo is not None and p.consent_photo != photo:
            p.consent_photo = photo
            changed.append("consent_photo")
        if changed:
            add_audit(s, "consent", person_id, rows=1, detail=",".join(changed))
        s.flush()
        data = person_data(p)
    return DirectoryChanges(people=(data,))


def set_person_active(db: Database, person_id: uuid.UUID, active: bool) -> DirectoryChanges:
    """Deactivate a person (no longer expected at sessions) or reactivate them.

    Raises:
        NotFound: the person was deleted meanwhile.
        ErasedPerson: the person was erased.
    """
    with db.session() as s:
        p = _get_person(s, person_id)
        p.active = active
        s.flush()
        data = person_data(p)
    log.info("person %s active=%s", person_id.hex[:8], active)
    return DirectoryChanges(people=(data,))


# --- merging two records of one person ---------------------------------------------------


@dataclass
class MergeOutcome:
    """What merging moved from the record that disappears to the one kept."""

    attendance_moved: int = 0
    attendance_combined: int = 0
    notes_moved: int = 0
    contributions_moved: int = 0
    fields_filled: list[str] = field(default_factory=list)


def merge_into(s: Session, keep: Person, other: Person) -> MergeOutcome:
    """Merge ``other`` into ``keep`` within the caller's transaction, then delete ``other``.

    Every attendance is kept: moved to ``keep``, or, where both records attended the same
    session, combined into one row holding the better status (present over excused over
    absent over invited). Empty fields of ``keep`` are filled from ``other``; consent is
    kept only if both records gave it (the safer reading of two different answers).
    """
    out = MergeOutcome()
    mine = {
        a.meeting_id: a
        for a in s.scalars(select(Attendance).where(Attendance.person_id == keep.id))
    }
    theirs = list(s.scalars(select(Attendance).where(Attendance.person_id == other.id)))
    for a in theirs:
        held = mine.get(a.meeting_id)
        if held is None:
            a.person_id = keep.id
            out.attendance_moved += 1
            continue
        if _STATUS_RANK[a.status] > _STATUS_RANK[held.status]:
            for name in ("status", "role", "arrived_at", "left_at", "mode", "organisation_id"):
                setattr(held, name, getattr(a, name))
        else:
            for name in ("arrived_at", "left_at", "mode"):
                if getattr(held, name) is None and getattr(a, name) is not None:
                    setattr(held, name, getattr(a, name))
        s.delete(a)
        out.attendance_combined += 1
    for n in s.scalars(select(ListeningNote).where(ListeningNote.signed_by_id == other.id)):
        n.signed_by_id = keep.id
        out.notes_moved += 1
    for c in s.scalars(select(Contributor).where(Contributor.person_id == other.id)):
        c.person_id = keep.id
        out.contributions_moved += 1
    for name in ("first_name", "last_name", "function", "email", "phone", "organisation_id"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            out.fields_filled.append(name)
    keep.consent_named = keep.consent_named and other.consent_named
    keep.consent_photo = keep.consent_photo and other.consent_photo
    keep.active = keep.active or other.active
    # The moves must reach the database before the row they pointed to goes, or SQLite's
    # ON DELETE CASCADE would take the attendance rows with it.
    s.flush()
    s.delete(other)
    s.flush()
    return out


def merge_people(db: Database, keep_id: uuid.UUID, other_id: uuid.UUID) -> DirectoryChanges:
    """Merge the record ``other_id`` into ``keep_id``: one person, all attendance kept.

    Raises:
        NotFound: one of them was deleted meanwhile.
        ErasedPerson: one of them was erased.
        KnownError: the two ids are the same person.
    """
    if keep_id == other_id:
        raise KnownError(t("C'est la même fiche.", "It is the same record."))
    with db.session() as s:
        keep = _get_person(s, keep_id)
        other = _get_person(s, other_id)
        done = merge_into(s, keep, other)
        moved = done.attendance_moved + done.attendance_combined
        add_audit(
            s,
            "merge",
            keep_id,
            rows=moved,
            detail=f"merged={other_id.hex};filled={','.join(done.fields_filled)}",
        )
        s.flush()
        data = person_data(keep)
    log.info(
        "person %s merged into %s (%d attendance rows)", other_id.hex[:8], keep_id.hex[:8], moved
    )
    return DirectoryChanges(people=(data,), removed_people=(other_id,), moved_attendance=moved)


def organisation_choices(
    db: Database, *, include_inactive: bool = False
) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the organisations, by name, for a person's organisation field."""
    return [(o.id, o.name) for o in list_organisations(db, include_inactive=include_inactive)]
