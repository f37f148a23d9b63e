"""Every database read the documents and tables need, in one place."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption
from sqlalchemy.sql import ColumnElement

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.core.pseudonyms import (
    MentionFinder,
    PersonName,
    Pseudonymiser,
    fold,
    pseudonym,
)
from alliance_desktop.exports.model import (
    AttendanceSummary,
    HarvestBlock,
    IndicatorItem,
    LeverItem,
    Minutes,
    Missing,
    NoteItem,
    ObjectiveItem,
    OrgAttendance,
    Photo,
    PointItem,
    Progress,
    ProgressCell,
    Series,
    SessionInfo,
    ThemeProgress,
    ThemeSection,
    YearReport,
)
from alliance_desktop.exports.wording import plural
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.members_models import identity_of, notice_in_minutes, read_notice
from alliance_desktop.storage.models import (
    Attachment,
    Attendance,
    Contributor,
    HarvestItem,
    Indicator,
    ListeningNote,
    Measurement,
    Meeting,
    Objective,
    Organisation,
    Person,
    Point,
    StageRow,
    SurveyResponse,
    ThemeRow,
)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_FRENCH = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
_NUMBER = re.compile(r"^\s*(?:n°|no|#)?\s*(\d{1,6})\s*$", re.IGNORECASE)


def parse_session_ref(ref: str) -> dt.date | int:
    """A session as the user names it: « 2024-05-29 », « 29/05/2024 » or its number.

    Raises:
        KnownError: the text is neither a date nor a number.
    """
    for pattern, order in ((_ISO, (0, 1, 2)), (_FRENCH, (2, 1, 0))):
        m = pattern.match(ref)
        if m:
            y, mo, d = (int(m.group(i + 1)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise KnownError(
                    t(f"« {ref} » n'est pas une date valide.", f"“{ref}” is not a valid date.")
                ) from None
    m = _NUMBER.match(ref)
    if m:
        return int(m.group(1))
    raise KnownError(
        t(
            f"« {ref} » ne désigne pas une séance : donnez sa date (29/05/2024 ou "
            "2024-05-29) ou son numéro.",
            f"“{ref}” does not name a session: give its date (2024-05-29 or 29/05/2024) "
            "or its number.",
        )
    )


def find_session(db: Database, ref: str) -> uuid.UUID:
    """The id of the session named by a date or a number.

    Raises:
        KnownError: no session, or several on that date.
    """
    key = parse_session_ref(ref)
    with db.read() as s:
        if isinstance(key, int):
            found = s.scalar(select(Meeting.id).where(Meeting.number == key))
            if found is None:
                raise KnownError(
                    t(f"Aucune séance ne porte le numéro {key}.", f"No session number {key}.")
                )
            return found
        rows = s.execute(
            select(Meeting.id, Meeting.number).where(Meeting.date == key).order_by(Meeting.number)
        ).all()
    if not rows:
        raise KnownError(
            t(
                f"Aucune séance le {long_date(key, 'fr')}.",
                f"No session on {long_date(key, 'en')}.",
            )
        )
    if len(rows) > 1:
        numbers = ", ".join(str(r.number) for r in rows if r.number is not None) or "?"
        raise KnownError(
            t(
                f"Plusieurs séances le {long_date(key, 'fr')} (n° {numbers}) : "
                "donnez le numéro de celle à exporter.",
                f"Several sessions on {long_date(key, 'en')} (numbers {numbers}): "
                "give the number of the one to export.",
            )
        )
    return uuid.UUID(str(rows[0].id))


def session_title(m: Meeting) -> str:
    """The title written on the minutes, made up when the facilitator left it blank."""
    if m.title.strip():
        return m.title.strip()
    if m.theme is not None:
        return f"{label(m.kind)} – {label(m.theme.code)}"
    return label(m.kind)


def person_name(p: Person | None) -> str | None:
    """A person's name, only if they agreed to be named in documents."""
    if p is None or not p.consent_named:
        return None
    return p.full_name or None


def _org_name(o: Organisation | None) -> str | None:
    return o.name if o is not None else None


def _as_written(text: str) -> str:
    return text


@dataclass(frozen=True)
class _Naming:
    """How a document names people and what it does to free text.

    The ordinary minutes name a person only with their consent and print texts as
    written; the public version names everyone by pseudonym and rewrites every text.
    """

    person: Callable[[Person], str | None]
    text: Callable[[str], str]

    def optional(self, text: str | None) -> str | None:
        """``text`` rewritten, None staying None."""
        return self.text(text) if text else text


_BY_CONSENT = _Naming(person_name, _as_written)


def _natural(text: str) -> list[str | int]:
    # « Participant·e 2 » before « Participant·e 10 »; text and digits alternate, so the
    # lists compare element by element without mixing types.
    return [int(x) if n % 2 else x for n, x in enumerate(re.split(r"(\d+)", text))]


def _contributor_name(c: Contributor, naming: _Naming = _BY_CONSENT) -> str:
    if c.label and c.label.strip():
        return naming.text(c.label.strip())
    name = naming.person(c.person) if c.person is not None else None
    org = _org_name(c.organisation) or (
        _org_name(c.person.organisation) if c.person is not None else None
    )
    if name and org:
        return f"{name} ({org})"
    return name or org or ""


class _Calendar:
    """All sessions in date order, with their present counts: « next session » lookups."""

    def __init__(self, s: Session) -> None:
        present = dict(
            s.execute(
                select(Attendance.meeting_id, func.count())
                .where(Attendance.status == e.AttendanceStatus.PRESENT)
                .group_by(Attendance.meeting_id)
            ).all()
        )
        rows = s.execute(
            select(Meeting, ThemeRow.code, StageRow.code)
            .outerjoin(ThemeRow, Meeting.theme_id == ThemeRow.id)
            .outerjoin(StageRow, Meeting.stage_id == StageRow.id)
        ).all()
        infos = [
            SessionInfo(
                id=m.id,
                number=m.number,
                date=m.date,
                title=m.title,
                kind=m.kind,
                theme=theme,
                stage=stage,
                status=m.status,
                location=m.location,
                start_time=m.start_time,
                planned_end=m.planned_end,
                present=present.get(m.id, 0),
            )
            for m, theme, stage in rows
        ]
        infos.sort(key=_order)
        self.ordered: list[SessionInfo] = infos
        self.by_id = {i.id: i for i in infos}
        self._index = {i.id: n for n, i in enumerate(infos)}

    def next_after(self, meeting_id: uuid.UUID) -> SessionInfo | None:
        n = self._index[meeting_id] + 1
        return self.ordered[n] if n < len(self.ordered) else None


def _order(i: SessionInfo) -> tuple[dt.date, dt.time, int]:
    return (i.date, i.start_time or dt.time(0, 0), i.number if i.number is not None else 10**9)


def _objective_item(o: Objective, ind: Indicator) -> ObjectiveItem:
    return ObjectiveItem(
        indicator=ind.name,
        unit=ind.unit,
        kind=o.kind,
        breakdown_key=o.breakdown_key,
        target_value=o.target_value,
        horizon_year=o.horizon_year,
        change_percent=o.change_percent,
        baseline_year=o.baseline_year,
        direction=o.direction,
        wording=o.wording,
        source=o.source or ind.source,
        validated=o.validated,
        agreed_in=o.agreed_in_id,
    )


def _indicators(s: Session, up_to: dt.date | None = None) -> list[IndicatorItem]:
    with_data = set(s.scalars(select(Measurement.indicator_id).distinct()))
    adopted_on = dict(s.execute(select(Meeting.id, Meeting.date)).all())
    rows = s.scalars(
        select(Indicator)
        .options(joinedload(Indicator.theme), selectinload(Indicator.objectives))
        .order_by(Indicator.position, Indicator.name)
    ).unique()
    items = []
    for ind in rows:
        if up_to is not None and ind.adopted_in_id is not None:
            when = adopted_on.get(ind.adopted_in_id)
            if when is not None and when > up_to:
                continue
        items.append(
            IndicatorItem(
                id=ind.id,
                theme=ind.theme.code,
                name=ind.name,
                unit=ind.unit,
                definition=ind.definition,
                breakdown_label=ind.breakdown_label,
                breakdown=tuple(ind.breakdown or ()),
                source=ind.source,
                adopted_in=ind.adopted_in_id,
                objectives=tuple(_objective_item(o, ind) for o in ind.objectives),
                has_data=ind.id in with_data,
            )
        )
    theme_order = {th: n for n, th in enumerate(e.Theme)}
    items.sort(key=lambda i: theme_order[i.theme])
    return items


def _present_by_organisation(
    attendances: Iterable[Attendance],
) -> list[tuple[str, list[Attendance]]]:
    """The people present grouped by organisation, largest group first (the annex's order)."""
    by_org: dict[str, list[Attendance]] = defaultdict(list)
    for a in attendances:
        if a.status is not e.AttendanceStatus.PRESENT:
            continue
        org = a.organisation or a.person.organisation
        by_org[_org_name(org) or t("À titre individuel", "In a personal capacity")].append(a)
    return sorted(by_org.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold()))


def _attendance(
    attendances: Sequence[Attendance], naming: _Naming = _BY_CONSENT
) -> AttendanceSummary:
    present = [a for a in attendances if a.status is e.AttendanceStatus.PRESENT]
    orgs = [
        OrgAttendance(
            organisation=name,
            count=len(rows),
            named=tuple(
                sorted(
                    (n for a in rows if (n := naming.person(a.person)) is not None), key=_natural
                )
            ),
        )
        for name, rows in _present_by_organisation(attendances)
    ]
    roles = Counter(a.role for a in present)
    modes = Counter(a.mode for a in present if a.mode is not None)
    return AttendanceSummary(
        present=len(present),
        organisations=tuple(orgs),
        by_role=tuple((r, roles[r]) for r in e.Role if roles[r]),
        by_mode=tuple((m, modes[m]) for m in e.ParticipationMode if modes[m]),
        excused=_excused(attendances, {o.organisation for o in orgs}, naming),
    )


def _excused(
    attendances: Sequence[Attendance], represented: set[str], naming: _Naming
) -> tuple[str, ...]:
    """Who sent apologies: organisations that nobody represented, then individuals.

    Members represent their organisation: an organisation someone came for was there,
    whoever else of it excused themselves. A person without organisation is named only
    with their consent (or pseudonym); the others are counted, as in the annex.
    """
    orgs: set[str] = set()
    named: set[str] = set()
    unnamed = 0
    for a in attendances:
        if a.status is not e.AttendanceStatus.EXCUSED:
            continue
        org = _org_name(a.organisation or a.person.organisation)
        if org is not None:
            if org not in represented:
                orgs.add(org)
        elif (name := naming.person(a.person)) is not None:
            named.add(name)
        else:
            unnamed += 1
    listed = sorted(orgs, key=str.casefold) + sorted(named, key=_natural)
    if unnamed:
        listed.append(
            plural(
                unnamed,
                t("personne à titre individuel", "person in a personal capacity"),
                t("personnes à titre individuel", "people in a personal capacity"),
            )
        )
    return tuple(listed)


def _harvest(
    items: Sequence[HarvestItem], naming: _Naming = _BY_CONSENT
) -> tuple[HarvestBlock, ...]:
    groups: dict[e.Theme | None, list[HarvestItem]] = {}
    for h in items:
        groups.setdefault(h.theme.code if h.theme is not None else None, []).append(h)
    theme_order = {th: n for n, th in enumerate(e.Theme)}
    blocks = []
    for theme, rows in sorted(
        groups.items(), key=lambda kv: theme_order.get(kv[0], 99) if kv[0] else 99
    ):

        def column(c: e.HarvestColumn, rows: list[HarvestItem] = rows) -> tuple[str, ...]:
            out = []
            for h in rows:
                if h.column is not c:
                    continue
                # The organisation's name stays as it is; what people wrote is rewritten.
                partner = (
                    h.partner_organisation.display_name
                    if h.partner_organisation is not None
                    else naming.optional(h.partner_label)
                )
                text = naming.text(h.text)
                out.append(f"{partner} : {text}" if partner else text)
            return tuple(out)

        blocks.append(
            HarvestBlock(
                theme=theme,
                facilitated_by=naming.optional(
                    next((h.facilitated_by for h in rows if h.facilitated_by), None)
                ),
                what_is_missing=column(e.HarvestColumn.WHAT_IS_MISSING),
                who_is_missing=column(e.HarvestColumn.WHO_IS_MISSING),
                partner_actions=column(e.HarvestColumn.PARTNER_ACTIONS),
            )
        )
    return tuple(blocks)


def _meeting_options() -> list[LoaderOption]:
    return [
        joinedload(Meeting.theme),
        joinedload(Meeting.stage),
        selectinload(Meeting.contributors).joinedload(Contributor.person),
        selectinload(Meeting.contributors).joinedload(Contributor.organisation),
        selectinload(Meeting.attendances)
        .joinedload(Attendance.person)
        .joinedload(Person.organisation),
        selectinload(Meeting.attendances).joinedload(Attendance.organisation),
        selectinload(Meeting.points),
        selectinload(Meeting.notes),
        selectinload(Meeting.levers),
        selectinload(Meeting.harvest_items).joinedload(HarvestItem.theme),
        selectinload(Meeting.harvest_items).joinedload(HarvestItem.partner_organisation),
    ]


def _photos(s: Session, meeting_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Photo]]:
    out: dict[uuid.UUID, list[Photo]] = defaultdict(list)
    if not meeting_ids:
        return out
    rows = s.execute(
        select(Attachment.meeting_id, Attachment.filename, Attachment.caption, Attachment.data)
        .where(
            Attachment.meeting_id.in_(meeting_ids),
            Attachment.media_type.like("image/%"),
        )
        .order_by(Attachment.position)
    ).all()
    for meeting_id, filename, caption, data in rows:
        out[meeting_id].append(Photo(filename=filename, caption=caption, data=data))
    return out


def _minutes(
    m: Meeting,
    calendar: _Calendar,
    indicators: Sequence[IndicatorItem],
    photos: Sequence[Photo],
    naming: _Naming = _BY_CONSENT,
) -> Minutes:
    role_names: dict[e.ContributorRole, list[str]] = defaultdict(list)
    for c in m.contributors:
        name = _contributor_name(c, naming)
        if name and name not in role_names[c.role]:
            role_names[c.role].append(name)
    touched = []
    for ind in indicators:
        agreed = tuple(
            replace(o, wording=naming.optional(o.wording))
            for o in ind.objectives
            if o.agreed_in == m.id
        )
        if agreed or ind.adopted_in == m.id:
            touched.append(replace(ind, objectives=agreed))
    notes = tuple(
        NoteItem(
            text=naming.text(n.text),
            follow_up=n.follow_up,
            answer=naming.optional(n.answer),
            carried_to=_renamed_or_none(calendar.by_id.get(n.carried_to_id), naming)
            if n.carried_to_id
            else None,
        )
        for n in m.notes
    )
    return Minutes(
        session=_renamed(_with_title(calendar.by_id[m.id], m), naming),
        speakers=tuple(role_names[e.ContributorRole.SPEAKER]),
        co_facilitators=tuple(role_names[e.ContributorRole.CO_FACILITATOR]),
        graphic_facilitators=tuple(role_names[e.ContributorRole.GRAPHIC_FACILITATOR]),
        attendance=_attendance(m.attendances, naming),
        background=naming.text(m.background or ""),
        points=tuple(
            PointItem(p.kind, naming.text(p.text))
            for p in m.points
            if p.kind is not e.PointKind.OPEN_QUESTION
        ),
        open_questions=tuple(
            naming.text(p.text) for p in m.points if p.kind is e.PointKind.OPEN_QUESTION
        ),
        indicators=tuple(touched),
        levers=tuple(
            LeverItem(naming.optional(lv.heading), naming.text(lv.text)) for lv in m.levers
        ),
        notes=notes,
        harvest=_harvest(m.harvest_items, naming),
        photos=tuple(
            replace(p, caption=naming.optional(p.caption), filename=naming.text(p.filename))
            for p in photos
        ),
        next_session=_renamed_or_none(calendar.next_after(m.id), naming),
        public=naming is not _BY_CONSENT,
    )


def _with_title(info: SessionInfo, m: Meeting) -> SessionInfo:
    return replace(info, title=session_title(m))


def _renamed(info: SessionInfo, naming: _Naming) -> SessionInfo:
    # A title or a place may name someone (« Atelier chez Jeanne Martin »).
    if naming is _BY_CONSENT:
        return info
    return replace(info, title=naming.text(info.title), location=naming.optional(info.location))


def _renamed_or_none(info: SessionInfo | None, naming: _Naming) -> SessionInfo | None:
    return None if info is None else _renamed(info, naming)


def _free_texts(m: Meeting, photos: Sequence[Photo], calendar: _Calendar) -> Iterator[str]:
    """Every text of a session's minutes that someone typed, where a name may appear."""
    yield from (m.title, m.location or "", m.background or "")
    for c in m.contributors:
        yield c.label or ""
    for p in m.points:
        yield p.text
    for n in m.notes:
        yield n.text
        yield n.answer or ""
    for lv in m.levers:
        yield lv.heading or ""
        yield lv.text
    for h in m.harvest_items:
        yield from (h.text, h.partner_label or "", h.facilitated_by or "")
    for photo in photos:
        yield photo.caption or ""
        yield photo.filename
    nxt = calendar.next_after(m.id)
    if nxt is not None:
        yield from (nxt.title, nxt.location or "")


def _pseudonymiser(s: Session, m: Meeting, texts: Sequence[str], lang: str) -> Pseudonymiser:
    """Pseudonyms for everyone the public minutes would otherwise name or quote.

    Numbered in the order of the attendance annex (organisation by organisation, people in
    an order that reveals nothing of their names), then the other people the minutes list
    (speakers, co-facilitators, the excused without an organisation), then the people of
    the directory the texts mention (the author of a signed note among them), in the
    order they first appear: so « Participant·e 1, 2, 3… » run down the annex, and nobody
    who is not in the document takes a number.
    """
    order: list[uuid.UUID] = []

    def take(person_id: uuid.UUID | None) -> None:
        if person_id is not None and person_id not in order:
            order.append(person_id)

    for _org, rows in _present_by_organisation(m.attendances):
        for a in sorted(rows, key=lambda a: str(a.person_id)):
            take(a.person_id)
    for c in m.contributors:
        take(c.person_id)
    for a in sorted(m.attendances, key=lambda a: str(a.person_id)):
        # The excused are listed by organisation; only those without one by name.
        if (
            a.status is e.AttendanceStatus.EXCUSED
            and (a.organisation or a.person.organisation) is None
        ):
            take(a.person_id)

    con = s.connection()
    # Every spelling a person ever had here, so that a text written before a correction
    # of their name is still caught.
    known = {pid: replace(identity_of(con, pid), key=pid) for pid in order}
    others = [
        replace(identity_of(con, pid), key=pid)
        for pid in s.scalars(select(Person.id).order_by(Person.id))
        if pid not in known
    ]
    # A mention is found only through the first word of a last name or an address (that
    # is how the finder files its patterns): the people none of whose such words the texts
    # hold cannot be mentioned, and compiling their patterns would cost most of the time
    # on a directory of thousands.
    words = {w for text in texts for w in _WORDS.findall(fold(text))}
    others = [p for p in others if _may_be_mentioned(p, words)]
    first_seen: dict[Hashable, tuple[int, int]] = {}
    finder = MentionFinder(others)
    if finder:
        for n, text in enumerate(texts):
            for mention in finder.find(text):
                first_seen.setdefault(mention.key, (n, mention.start))
    mentioned = sorted((p for p in others if p.key in first_seen), key=lambda p: first_seen[p.key])
    people: list[PersonName] = [known[pid] for pid in order] + mentioned
    return Pseudonymiser(people, lang)


_WORDS = re.compile(r"\w+")


def _may_be_mentioned(person: PersonName, words: set[str]) -> bool:
    lasts = {person.last_name, *(last for _first, last in person.other_names)}
    for value in (*lasts, *person.emails):
        found = _WORDS.findall(fold(value))
        if found and found[0] in words:
            return True
    return False


def _public_naming(pseudonyms: Pseudonymiser, lang: str) -> _Naming:
    # « Camille Exemple (camille@…) » gives the pseudonym twice once the name and the
    # address are both replaced: said once, it reads as the original did.
    stem = re.escape(pseudonym(1, lang).removesuffix("1"))
    repeated = re.compile(rf"({stem}\d+)\s*([(<\[])\s*\1\s*[)>\]]")

    def person(p: Person) -> str:
        return pseudonyms.name(p.id)

    def text(value: str) -> str:
        return repeated.sub(r"\1", pseudonyms.text(value))

    return _Naming(person, text)


def build_minutes(
    db: Database, meeting_id: uuid.UUID, *, with_photos: bool = True, public: bool = False
) -> Minutes:
    """The minutes of one session, read in one short transaction.

    Args:
        db: the database to read.
        meeting_id: the session.
        with_photos: read the session's pictures (the summary does without).
        public: the public version: every person named by a stable pseudonym
            (« Participant·e 1 »), and the names and e-mail addresses of the people of
            the directory replaced in every free text; organisations keep their names.

    Raises:
        KnownError: the session no longer exists.
    """
    with db.read() as s:
        m = s.scalar(select(Meeting).where(Meeting.id == meeting_id).options(*_meeting_options()))
        if m is None:
            raise KnownError(t("Cette séance n'existe plus.", "This session no longer exists."))
        calendar = _Calendar(s)
        photos = _photos(s, [m.id]).get(m.id, []) if with_photos else []
        notice = read_notice(s) if notice_in_minutes(s) else None
        naming = _BY_CONSENT
        if public:
            texts = [*_free_texts(m, photos, calendar), notice or ""]
            lang = language()
            naming = _public_naming(_pseudonymiser(s, m, texts, lang), lang)
        minutes = _minutes(m, calendar, _indicators(s), photos, naming)
        return replace(minutes, notice=naming.optional(notice))


def _progress(calendar: _Calendar, year_end: dt.date) -> tuple[ThemeProgress, ...]:
    rows = []
    for theme in e.Theme:
        cells = []
        for stage in e.Stage:
            sessions = [
                i
                for i in calendar.ordered
                if i.theme is theme and i.stage is stage and i.kind is e.SessionKind.WORKSHOP
            ]
            done = [
                i for i in sessions if i.status is e.SessionStatus.CLOSED and i.date <= year_end
            ]
            planned = [i for i in sessions if i.status is not e.SessionStatus.CLOSED]
            if done:
                cells.append(ProgressCell(Progress.DONE, done[-1]))
            elif planned:
                cells.append(ProgressCell(Progress.PLANNED, planned[0]))
            else:
                cells.append(ProgressCell(Progress.NOT_STARTED))
        rows.append(ThemeProgress(theme, tuple(cells)))
    return tuple(rows)


def _series(s: Session, indicators: Sequence[IndicatorItem], year: int) -> tuple[Series, ...]:
    by_indicator: dict[uuid.UUID, list[Measurement]] = defaultdict(list)
    for ms in s.scalars(
        select(Measurement).where(Measurement.year <= year).order_by(Measurement.year)
    ):
        by_indicator[ms.indicator_id].append(ms)
    out = []
    for ind in indicators:
        values = by_indicator.get(ind.id)
        if not values:
            continue
        keys = list(ind.breakdown) + sorted(
            {v.breakdown_key for v in values} - set(ind.breakdown), key=str.casefold
        )
        lines = []
        for key in keys:
            pts = tuple((v.year, v.value) for v in values if v.breakdown_key == key)
            if pts:
                lines.append((key or ind.name, pts))
        out.append(
            Series(
                indicator=ind.name,
                unit=ind.unit,
                theme=ind.theme,
                lines=tuple(lines),
                illustrative=any(v.illustrative for v in values),
                sources=tuple(sorted({v.source for v in values if v.source})),
            )
        )
    return tuple(out)


def build_year_report(db: Database, year: int) -> YearReport:
    """The yearly progress report's content.

    Raises:
        KnownError: no session took place in that year.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with db.read() as s:
        meetings = list(
            s.scalars(
                select(Meeting)
                .where(Meeting.date >= start, Meeting.date <= end)
                .options(*_meeting_options())
            ).unique()
        )
        if not meetings:
            years = sorted({d.year for d in s.scalars(select(Meeting.date))})
            known = ", ".join(str(y) for y in years) or t("aucune", "none")
            raise KnownError(
                t(
                    f"Aucune séance en {year} (années enregistrées : {known}).",
                    f"No session in {year} (years on record: {known}).",
                )
            )
        calendar = _Calendar(s)
        meetings.sort(key=lambda m: _order(calendar.by_id[m.id]))
        indicators = _indicators(s, up_to=end)
        photos = _photos(s, [m.id for m in meetings])
        minutes = [_minutes(m, calendar, indicators, photos.get(m.id, [])) for m in meetings]
        series = _series(s, indicators, year)
        survey = s.scalar(select(func.count(func.distinct(SurveyResponse.organisation_id)))) or 0

    by_theme: dict[e.Theme, list[Minutes]] = defaultdict(list)
    others = []
    for mn in minutes:
        if mn.session.theme is not None:
            by_theme[mn.session.theme].append(mn)
        else:
            others.append(mn)
    # Themes in the order the year took them up, as the Alliance's report tells it.
    sections = tuple(
        ThemeSection(
            theme=th,
            sessions=tuple(sessions),
            indicators=tuple(i for i in indicators if i.theme is th),
        )
        for th, sessions in by_theme.items()
    )
    progress = _progress(calendar, end)
    with_indicators = {i.theme for i in indicators}
    missing = Missing(
        themes_not_started=tuple(
            p.theme for p in progress if all(c.state is not Progress.DONE for c in p.cells)
        ),
        themes_without_indicators=tuple(th for th in e.Theme if th not in with_indicators),
        indicators_without_objectives=tuple(i for i in indicators if not i.objectives),
        indicators_without_data=tuple(i for i in indicators if not i.has_data),
    )
    return YearReport(
        year=year,
        sessions=tuple(minutes),
        progress=progress,
        themes=sections,
        other_sessions=tuple(others),
        indicators=tuple(indicators),
        missing=missing,
        series=series,
        survey_answers=int(survey),
    )


# --- rows for spreadsheets ------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """Which sessions a table covers: one session, one year, or everything."""

    meeting_id: uuid.UUID | None = None
    year: int | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The SQL conditions on ``Meeting`` this filter stands for."""
        cond: list[ColumnElement[bool]] = []
        if self.meeting_id is not None:
            cond.append(Meeting.id == self.meeting_id)
        if self.year is not None:
            cond.append(Meeting.date >= dt.date(self.year, 1, 1))
            cond.append(Meeting.date <= dt.date(self.year, 12, 31))
        return cond


@dataclass(frozen=True)
class SessionColumns:
    """The columns every per-session table starts with."""

    date: dt.date
    number: int | None
    title: str
    theme: e.Theme | None
    stage: e.Stage | None


def _session_columns(m: Meeting) -> SessionColumns:
    return SessionColumns(
        m.date,
        m.number,
        session_title(m),
        m.theme.code if m.theme is not None else None,
        m.stage.code if m.stage is not None else None,
    )


def _meeting_order() -> tuple[InstrumentedAttribute[dt.date], InstrumentedAttribute[int | None]]:
    return (Meeting.date, Meeting.number)


def attendance_rows(db: Database, flt: Filter) -> list[tuple[SessionColumns, Attendance]]:
    """One row per invited person and session; the caller applies the consent rule."""
    with db.read() as s:
        rows = s.execute(
            select(Attendance, Meeting)
            .join(Meeting, Attendance.meeting_id == Meeting.id)
            .where(*flt.where())
            .options(
                joinedload(Attendance.person).joinedload(Person.organisation),
                joinedload(Attendance.organisation),
                joinedload(Meeting.theme),
                joinedload(Meeting.stage),
            )
            .order_by(*_meeting_order())
        ).all()
        return [(_session_columns(m), a) for a, m in rows]


def point_rows(db: Database, flt: Filter) -> list[tuple[SessionColumns, Point]]:
    """Every point of the boards, in session then board order."""
    with db.read() as s:
        rows = s.execute(
            select(Point, Meeting)
            .join(Meeting, Point.meeting_id == Meeting.id)
            .where(*flt.where())
            .options(joinedload(Meeting.theme), joinedload(Meeting.stage))
            .order_by(*_meeting_order(), Point.position)
        ).all()
        return [(_session_columns(m), p) for p, m in rows]


def note_rows(db: Database, flt: Filter) -> list[tuple[SessionColumns, ListeningNote]]:
    """Every listening note (the signer is never exported)."""
    with db.read() as s:
        rows = s.execute(
            select(ListeningNote, Meeting)
            .join(Meeting, ListeningNote.meeting_id == Meeting.id)
            .where(*flt.where())
            .options(joinedload(Meeting.theme), joinedload(Meeting.stage))
            .order_by(*_meeting_order(), ListeningNote.position)
        ).all()
        return [(_session_columns(m), n) for n, m in rows]


def indicator_items(db: Database) -> tuple[list[IndicatorItem], dict[uuid.UUID, dt.date]]:
    """All indicators with their objectives, and each session's date by id."""
    with db.read() as s:
        dates = dict(s.execute(select(Meeting.id, Meeting.date)).all())
        return _indicators(s), dates


@dataclass(frozen=True)
class MeasurementRow:
    """One recorded value with the indicator it belongs to."""

    theme: e.Theme
    indicator: str
    unit: str | None
    breakdown_key: str
    year: int
    value: float
    source: str | None
    illustrative: bool


def measurement_rows(db: Database) -> list[MeasurementRow]:
    """Every recorded value, by theme, indicator, breakdown and year."""
    with db.read() as s:
        rows = s.execute(
            select(Measurement, Indicator, ThemeRow.code)
            .join(Indicator, Measurement.indicator_id == Indicator.id)
            .join(ThemeRow, Indicator.theme_id == ThemeRow.id)
            .order_by(
                ThemeRow.position,
                Indicator.position,
                Indicator.name,
                Measurement.breakdown_key,
                Measurement.year,
            )
        ).all()
        return [
            MeasurementRow(
                theme=theme,
                indicator=ind.name,
                unit=ind.unit,
                breakdown_key=ms.breakdown_key,
                year=ms.year,
                value=ms.value,
                source=ms.source or ind.source,
                illustrative=ms.illustrative,
            )
            for ms, ind, theme in rows
        ]
