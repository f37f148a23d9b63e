"""Report models: plain data read once from the database, then handed to the renderers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from alliance_desktop.core import enums as e


@dataclass(frozen=True)
class SessionInfo:
    """What identifies a session in a document: number, date, title, theme, stage."""

    id: uuid.UUID
    number: int | None
    date: dt.date
    title: str
    kind: e.SessionKind
    theme: e.Theme | None
    stage: e.Stage | None
    status: e.SessionStatus
    location: str | None = None
    start_time: dt.time | None = None
    planned_end: dt.time | None = None
    present: int = 0


@dataclass(frozen=True)
class OrgAttendance:
    """The people present for one organisation; only consenting people are named."""

    organisation: str
    count: int
    named: tuple[str, ...] = ()

    @property
    def unnamed(self) -> int:
        """How many of them are counted but not named."""
        return self.count - len(self.named)


@dataclass(frozen=True)
class AttendanceSummary:
    """Who came, counted by organisation, by role and by mode of participation."""

    present: int
    organisations: tuple[OrgAttendance, ...]
    by_role: tuple[tuple[e.Role, int], ...]
    by_mode: tuple[tuple[e.ParticipationMode, int], ...]
    excused: tuple[str, ...]

    @property
    def organisation_count(self) -> int:
        """How many organisations had someone present."""
        return len(self.organisations)


@dataclass(frozen=True)
class PointItem:
    """A point of the board."""

    kind: e.PointKind
    text: str


@dataclass(frozen=True)
class NoteItem:
    """An active-listening note, always without its author."""

    text: str
    follow_up: e.FollowUp
    answer: str | None = None
    carried_to: SessionInfo | None = None


@dataclass(frozen=True)
class ObjectiveItem:
    """An objective on an indicator, with the figures needed to word it."""

    indicator: str
    unit: str | None
    kind: e.ObjectiveKind
    breakdown_key: str | None = None
    target_value: float | None = None
    horizon_year: int | None = None
    change_percent: float | None = None
    baseline_year: int | None = None
    direction: e.Direction | None = None
    wording: str | None = None
    source: str | None = None
    validated: bool = False
    agreed_in: uuid.UUID | None = None


@dataclass(frozen=True)
class IndicatorItem:
    """An indicator, its objectives and whether any value has been recorded."""

    id: uuid.UUID
    theme: e.Theme
    name: str
    unit: str | None
    definition: str | None
    breakdown_label: str | None
    breakdown: tuple[str, ...]
    source: str | None
    adopted_in: uuid.UUID | None
    objectives: tuple[ObjectiveItem, ...]
    has_data: bool


@dataclass(frozen=True)
class LeverItem:
    """An action lever, under its heading if it has one."""

    heading: str | None
    text: str


@dataclass(frozen=True)
class HarvestBlock:
    """One harvest table of the Rencontres: a theme and its three columns."""

    theme: e.Theme | None
    facilitated_by: str | None
    what_is_missing: tuple[str, ...]
    who_is_missing: tuple[str, ...]
    partner_actions: tuple[str, ...]


@dataclass(frozen=True)
class Photo:
    """A picture kept in the database (a graphic-facilitation board)."""

    filename: str
    caption: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Minutes:
    """Everything the minutes of one session say.

    ``indicators`` are those adopted or given an objective during the session, each
    carrying only the objectives agreed there.
    """

    session: SessionInfo
    speakers: tuple[str, ...]
    co_facilitators: tuple[str, ...]
    graphic_facilitators: tuple[str, ...]
    attendance: AttendanceSummary
    background: str
    points: tuple[PointItem, ...]
    open_questions: tuple[str, ...]
    indicators: tuple[IndicatorItem, ...]
    levers: tuple[LeverItem, ...]
    notes: tuple[NoteItem, ...]
    harvest: tuple[HarvestBlock, ...]
    photos: tuple[Photo, ...]
    next_session: SessionInfo | None
    # The public version: people appear under pseudonyms and free texts were rewritten.
    public: bool = False
    # The information notice for participants, when the minutes are to carry it.
    notice: str | None = None

    @property
    def objectives(self) -> tuple[ObjectiveItem, ...]:
        """The objectives agreed during this session."""
        return tuple(o for ind in self.indicators for o in ind.objectives)

    @property
    def carried_over(self) -> tuple[NoteItem, ...]:
        """The notes the group chose to take up again at a later session."""
        return tuple(n for n in self.notes if n.follow_up is e.FollowUp.CARRIED_OVER)

    def points_of(self, kind: e.PointKind) -> tuple[PointItem, ...]:
        """The points of one kind, in board order."""
        return tuple(p for p in self.points if p.kind is kind)


class Progress(StrEnum):
    """Where a theme stands at one stage."""

    DONE = "done"
    PLANNED = "planned"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class ProgressCell:
    """One cell of the theme × stage table."""

    state: Progress
    session: SessionInfo | None = None


@dataclass(frozen=True)
class ThemeProgress:
    """One row of the theme × stage table, one cell per stage in stage order."""

    theme: e.Theme
    cells: tuple[ProgressCell, ...]


@dataclass(frozen=True)
class ThemeSection:
    """A theme's part of the yearly report: its sessions and its indicators."""

    theme: e.Theme
    sessions: tuple[Minutes, ...]
    indicators: tuple[IndicatorItem, ...]


@dataclass(frozen=True)
class Series:
    """The recorded values of one indicator, by breakdown key, for a chart."""

    indicator: str
    unit: str | None
    theme: e.Theme
    lines: tuple[tuple[str, tuple[tuple[int, float], ...]], ...]
    illustrative: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Missing:
    """What the report must show as still missing."""

    themes_not_started: tuple[e.Theme, ...]
    themes_without_indicators: tuple[e.Theme, ...]
    indicators_without_objectives: tuple[IndicatorItem, ...]
    indicators_without_data: tuple[IndicatorItem, ...]


class ThemeAnswersLike(Protocol):
    """What the report reads of one theme of a questionnaire synthesis."""

    @property
    def theme(self) -> e.Theme:
        """The theme."""

    @property
    def organisations(self) -> Sequence[str]:
        """The organisations that act on it."""


class SurveyLike(Protocol):
    """What the report reads of a questionnaire synthesis (the services' one fits)."""

    @property
    def year(self) -> int | None:
        """The year the answers were kept for; None for all."""

    @property
    def answered(self) -> int:
        """Organisations with at least one answer."""

    @property
    def members(self) -> int:
        """Member organisations in the directory."""

    @property
    def members_answered(self) -> int:
        """Member organisations with at least one answer."""

    @property
    def themes(self) -> Sequence[ThemeAnswersLike]:
        """Each theme and who acts on it."""

    @property
    def general_only(self) -> Sequence[str]:
        """Organisations that answered without naming a theme."""


@dataclass(frozen=True)
class ThemeActors:
    """The organisations that told the questionnaire they act on one theme."""

    theme: e.Theme
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class SurveyOverview:
    """The members' questionnaire in a few figures, as the yearly report prints it.

    Built by the caller (exports do not read the questionnaire's rules themselves):
    ``answered`` counts the organisations with at least one answer, members or not;
    ``members`` the member organisations of the directory, ``members_answered`` those of
    them who answered; ``general_only`` the organisations that answered without naming
    any theme.
    """

    answered: int
    members: int
    members_answered: int
    themes: tuple[ThemeActors, ...]
    general_only: tuple[str, ...] = ()
    year: int | None = None

    @classmethod
    def of(cls, synthesis: SurveyLike) -> SurveyOverview:
        """A frozen copy of a synthesis shaped like :class:`SurveyLike`."""
        return cls(
            answered=synthesis.answered,
            members=synthesis.members,
            members_answered=synthesis.members_answered,
            themes=tuple(
                ThemeActors(item.theme, tuple(item.organisations)) for item in synthesis.themes
            ),
            general_only=tuple(synthesis.general_only),
            year=synthesis.year,
        )


@dataclass(frozen=True)
class YearReport:
    """Everything the yearly progress report says."""

    year: int
    sessions: tuple[Minutes, ...]
    progress: tuple[ThemeProgress, ...]
    themes: tuple[ThemeSection, ...]
    other_sessions: tuple[Minutes, ...]
    indicators: tuple[IndicatorItem, ...]
    missing: Missing
    series: tuple[Series, ...]
    survey_answers: int = 0
    survey: SurveyOverview | None = None
