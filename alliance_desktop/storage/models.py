"""SQLAlchemy models of the whole domain: what the facilitators record and share.

Every table has a UUID primary key (rows travel between laptops, so integer ids would
collide) and ``created_at`` / ``updated_at`` stamps in UTC. Enumerations are stored as
their short codes (see ``core.enums``). A workshop session is called ``Meeting`` here so
that it is never confused with SQLAlchemy's own ``Session``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from alliance_desktop.core import enums as e

# Stable names for constraints, so that Alembic batch migrations can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time in UTC, naive (SQLite has no time zones)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _enum(cls: type[StrEnum]) -> SAEnum:
    # Store the value ("consensus"), not the member name ("CONSENSUS"), and no CHECK
    # constraint: a newer version may add a value, and older files must still open.
    return SAEnum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Common base: UUID key and timestamps on every table."""

    metadata = MetaData(naming_convention=NAMING)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# Reference data gets ids derived from its code, so every laptop holds the same rows.
REFERENCE_NAMESPACE = uuid.UUID("4c1e0f0e-9a51-4a7e-8c7e-a11a1ce00000")


def reference_id(kind: str, code: str) -> uuid.UUID:
    """The fixed id of one row of reference data (a theme, a stage)."""
    return uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{code}")


class ThemeRow(Base):
    """One of the seven themes (reference data)."""

    __tablename__ = "theme"

    code: Mapped[e.Theme] = mapped_column(_enum(e.Theme), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name_fr: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    short_fr: Mapped[str] = mapped_column(String(64))
    short_en: Mapped[str] = mapped_column(String(64))


class StageRow(Base):
    """One of the three stages (reference data)."""

    __tablename__ = "stage"

    code: Mapped[e.Stage] = mapped_column(_enum(e.Stage), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name_fr: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)


class Organisation(Base):
    """An organisation: a member of the Alliance or a guest's employer."""

    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[e.OrganisationKind] = mapped_column(
        _enum(e.OrganisationKind), default=e.OrganisationKind.OTHER
    )
    is_member: Mapped[bool] = mapped_column(Boolean, default=False)
    member_since: Mapped[dt.date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        """The short name if there is one, else the full name."""
        return self.short_name or self.name


class Person(Base):
    """A participant; personal data, minimised and subject to consent."""

    __tablename__ = "person"

    first_name: Mapped[str] = mapped_column(Text, default="")
    last_name: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    function: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    consent_named: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")

    @property
    def full_name(self) -> str:
        """First and last name, as written in an attendance list."""
        return f"{self.first_name} {self.last_name}".strip()


class Meeting(Base):
    """A workshop session (« séance »), the launch, or the Rencontres."""

    __tablename__ = "meeting"

    number: Mapped[int | None] = mapped_column(Integer, unique=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    planned_end: Mapped[dt.time | None] = mapped_column(Time)
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[e.SessionKind] = mapped_column(
        _enum(e.SessionKind), default=e.SessionKind.WORKSHOP
    )
    theme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("theme.id"))
    stage_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stage.id"))
    location: Mapped[str | None] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)  # « Comprenons-nous bien… »
    status: Mapped[e.SessionStatus] = mapped_column(
        _enum(e.SessionStatus), default=e.SessionStatus.PLANNED
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    theme: Mapped[ThemeRow | None] = relationship()
    stage: Mapped[StageRow | None] = relationship()
    contributors: Mapped[list[Contributor]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Contributor.position"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    points: Mapped[list[Point]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Point.position"
    )
    notes: Mapped[list[ListeningNote]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="ListeningNote.position",
        foreign_keys="ListeningNote.meeting_id",
    )
    levers: Mapped[list[Lever]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Lever.position"
    )
    harvest_items: Mapped[list[HarvestItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="HarvestItem.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attachment.position"
    )


class Contributor(Base):
    """A speaker, co-facilitator or graphic facilitator of one session.

    Often an organisation rather than a person (« animée par The Shift Project »).
    """

    __tablename__ = "contributor"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[e.ContributorRole] = mapped_column(_enum(e.ContributorRole))
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    label: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="contributors")
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Attendance(Base):
    """One person's attendance at one session, with the organisation as it was that day."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    role: Mapped[e.Role] = mapped_column(_enum(e.Role), default=e.Role.MEMBER)
    status: Mapped[e.AttendanceStatus] = mapped_column(
        _enum(e.AttendanceStatus), default=e.AttendanceStatus.INVITED
    )
    arrived_at: Mapped[dt.time | None] = mapped_column(Time)
    left_at: Mapped[dt.time | None] = mapped_column(Time)
    mode: Mapped[e.ParticipationMode | None] = mapped_column(_enum(e.ParticipationMode))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Point(Base):
    """A salient point of the exchange: consensus, dissent, or an open question."""

    __tablename__ = "point"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[e.PointKind] = mapped_column(_enum(e.PointKind))
    text: Mapped[str] = mapped_column(Text)
    # A float, so that a point moved between two others needs no renumbering of the rest.
    position: Mapped[float] = mapped_column(Float, default=0.0)

    meeting: Mapped[Meeting] = relationship(back_populates="points")


class ListeningNote(Base):
    """A participant's written note from an active-listening grid."""

    __tablename__ = "listening_note"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    signed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    follow_up: Mapped[e.FollowUp] = mapped_column(_enum(e.FollowUp), default=e.FollowUp.OPEN)
    answer: Mapped[str | None] = mapped_column(Text)
    # The later session of the same theme that took over a carried-over note.
    carried_to_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )
    position: Mapped[float] = mapped_column(Float, default=0.0)

    meeting: Mapped[Meeting] = relationship(back_populates="notes", foreign_keys=[meeting_id])
    signed_by: Mapped[Person | None] = relationship()

    @property
    def anonymous(self) -> bool:
        """A note is anonymous unless someone signed it."""
        return self.signed_by_id is None


class Indicator(Base):
    """A shared unit of measure for a theme (« des unités de mesure communes »)."""

    __tablename__ = "indicator"

    theme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("theme.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(64))
    definition: Mapped[str | None] = mapped_column(Text)
    breakdown_label: Mapped[str | None] = mapped_column(String(64))  # « secteur », « polluant »
    breakdown: Mapped[list[str]] = mapped_column(JSON, default=list)  # the keys, in order
    source: Mapped[str | None] = mapped_column(Text)
    adopted_in_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    theme: Mapped[ThemeRow] = relationship()
    adopted_in: Mapped[Meeting | None] = relationship()
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Objective.position"
    )
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan"
    )


class Objective(Base):
    """An objective on an indicator: a target, a change against a baseline, or a direction."""

    __tablename__ = "objective"

    indicator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[e.ObjectiveKind] = mapped_column(_enum(e.ObjectiveKind))
    breakdown_key: Mapped[str | None] = mapped_column(String(64))  # e.g. "NOx"
    target_value: Mapped[float | None] = mapped_column(Float)
    horizon_year: Mapped[int | None] = mapped_column(Integer)
    change_percent: Mapped[float | None] = mapped_column(Float)  # -69 for −69 %
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[e.Direction | None] = mapped_column(_enum(e.Direction))
    wording: Mapped[str | None] = mapped_column(Text)  # the Alliance's own phrasing
    source: Mapped[str | None] = mapped_column(Text)
    agreed_in_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )
    validated: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    indicator: Mapped[Indicator] = relationship(back_populates="objectives")
    agreed_in: Mapped[Meeting | None] = relationship()


class Measurement(Base):
    """One value of an indicator for one year (and one breakdown key, if any)."""

    __tablename__ = "measurement"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "breakdown_key"),)

    indicator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    # "" rather than NULL for "no breakdown": SQLite treats NULLs as distinct in UNIQUE.
    breakdown_key: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")


class Lever(Base):
    """An action lever: a translation into acts of the objectives agreed."""

    __tablename__ = "lever"

    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("theme.id"))
    heading: Mapped[str | None] = mapped_column(Text)  # « Agir sur les paysages »
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[float] = mapped_column(Float, default=0.0)

    meeting: Mapped[Meeting | None] = relationship(back_populates="levers")
    theme: Mapped[ThemeRow | None] = relationship()


class HarvestItem(Base):
    """One line of a harvest table (« fresque de récolte ») at the Rencontres."""

    __tablename__ = "harvest_item"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("theme.id"))
    column: Mapped[e.HarvestColumn] = mapped_column(_enum(e.HarvestColumn))
    text: Mapped[str] = mapped_column(Text)
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    partner_label: Mapped[str | None] = mapped_column(Text)  # as written when not a known org
    facilitated_by: Mapped[str | None] = mapped_column(Text)  # the table's co-facilitation
    position: Mapped[float] = mapped_column(Float, default=0.0)

    meeting: Mapped[Meeting] = relationship(back_populates="harvest_items")
    theme: Mapped[ThemeRow | None] = relationship()
    partner_organisation: Mapped[Organisation | None] = relationship()


class Attachment(Base):
    """A photo of a graphic-facilitation board, or another file, kept in the database.

    Kept as bytes rather than as a path so that it travels with the data to the
    other laptops; images are normalised (size, orientation) before being stored.
    """

    __tablename__ = "attachment"

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[e.AttachmentKind] = mapped_column(
        _enum(e.AttachmentKind), default=e.AttachmentKind.BOARD_PHOTO
    )
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(64), default="image/jpeg")
    caption: Mapped[str | None] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[float] = mapped_column(Float, default=0.0)

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")


class SurveyResponse(Base):
    """A member's answer to the questionnaire, for one theme."""

    __tablename__ = "survey_response"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("theme.id"))
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    objectives: Mapped[str | None] = mapped_column(Text)
    strategies: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    theme: Mapped[ThemeRow | None] = relationship()


class Setting(Base):
    """A setting that belongs to the data rather than to one laptop (workspace id…)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[Any] = mapped_column(JSON)


Index("ix_attendance_person", Attendance.person_id)
