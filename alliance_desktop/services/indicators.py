"""Indicators, objectives and measurements: the dashboard's reading and editing use cases."""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Final, TypeVar

from babel.numbers import format_decimal
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.core.objectives import (
    Assessment,
    ObjectiveSpec,
    Status,
    YearValue,
    assess,
    least_squares_slope,
)
from alliance_desktop.imports.common import normalise
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.errors import translate_error

# The mapped models load with the first edit (see « reading » below).
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from alliance_desktop.storage.models import Indicator, Objective

T = TypeVar("T")

# The years a value or an objective may concern: the measurement import's range.
FIRST_YEAR: Final = 1990
LAST_YEAR: Final = 2100
# Inventories (ATMO, the regional observatory) publish a year's figures about two years
# later: a series whose latest value is older than this is « sans donnée récente ».
RECENT_YEARS: Final = 3
NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"


# --- formatting -----------------------------------------------------------------------


def format_number(value: float, decimals: int | None = None, lang: str | None = None) -> str:
    """A number as French users write it: « 1 234,5 » (narrow no-break space, decimal comma).

    Args:
        value: the number.
        decimals: exactly this many decimals; None for up to two, as needed.
        lang: ``fr`` or ``en``; the interface language by default.
    """
    return _format_number(value, decimals, lang or language())


@lru_cache(maxsize=8192)
def _format_number(value: float, decimals: int | None, lang: str) -> str:
    if decimals is None:
        pattern = "#,##0.##"
    elif decimals <= 0:
        pattern = "#,##0"
    else:
        pattern = "#,##0." + "0" * decimals
    # Babel writes "-0" for a tiny negative rounded away; nobody wants to read « −0 ».
    if round(value, 2 if decimals is None else max(decimals, 0)) == 0:
        value = 0.0
    text = format_decimal(value, format=pattern, locale="en_GB" if lang == "en" else "fr_FR")
    return text.replace("-", MINUS) if lang == "fr" else text


def format_quantity(value: float, unit: str | None, decimals: int | None = None) -> str:
    """« 1 234,5 kt CO2e »: the number, a no-break space, the unit."""
    number = format_number(value, decimals)
    return f"{number}{NBSP}{unit}" if unit else number


def format_percent(value: float, decimals: int | None = None) -> str:
    """A signed percentage: « −69 % », « +3,5 % »."""
    sign = "+" if value > 0 else ""
    return f"{sign}{format_number(value, decimals)}{NBSP}%"


# --- plain records --------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRef:
    """The session an indicator was adopted or an objective agreed in."""

    id: uuid.UUID
    number: int | None
    date: dt.date
    title: str

    def describe(self) -> str:
        """« Atelier 2 sur … (29 mai 2024) »."""
        return f"{self.title} ({long_date(self.date)})" if self.title else long_date(self.date)


@dataclass(frozen=True)
class IndicatorInfo:
    """What the catalogue says of one indicator."""

    id: uuid.UUID
    theme: e.Theme
    name: str
    unit: str | None
    definition: str | None
    breakdown_label: str | None
    breakdown: tuple[str, ...]
    source: str | None
    adopted_in: MeetingRef | None
    position: int

    @property
    def additive(self) -> bool:
        """Whether the breakdown's parts add up to a meaningful whole.

        A shared unit says they do (tonnes of each sector's emissions); without one
        (hedgerow length next to a count of road kills) a sum would mean nothing.
        """
        return bool(self.breakdown) and bool(self.unit)


@dataclass(frozen=True)
class ObjectiveInfo:
    """An objective as recorded: one of the three shapes, with its source and session."""

    id: uuid.UUID
    indicator_id: uuid.UUID
    kind: e.ObjectiveKind
    breakdown_key: str | None
    target_value: float | None
    horizon_year: int | None
    change_percent: float | None
    baseline_year: int | None
    direction: e.Direction | None
    wording: str | None
    source: str | None
    agreed_in: MeetingRef | None
    validated: bool

    @property
    def spec(self) -> ObjectiveSpec:
        """The fields the status rules need; ``direction`` tells a ceiling from a floor."""
        return ObjectiveSpec(
            kind=self.kind,
            target_value=self.target_value,
            horizon_year=self.horizon_year,
            change_percent=self.change_percent,
            baseline_year=self.baseline_year,
            direction=self.direction,
        )

    def summary(self, unit: str | None) -> str:
        """The objective in a few words: « 787 kt CO2e en 2030 », « NOx : −69 % … »."""
        if self.kind is e.ObjectiveKind.TARGET and self.target_value is not None:
            text = format_quantity(self.target_value, unit)
            if self.horizon_year is not None:
                text += t(f" en {self.horizon_year}", f" by {self.horizon_year}")
        elif self.kind is e.ObjectiveKind.CHANGE and self.change_percent is not None:
            text = format_percent(self.change_percent)
            if self.horizon_year is not None:
                text += t(f" en {self.horizon_year}", f" by {self.horizon_year}")
            if self.baseline_year is not None:
                text += t(f" par rapport à {self.baseline_year}", f" against {self.baseline_year}")
        elif self.direction is not None:
            text = label(self.direction)
        else:
            text = self.wording or label(self.kind)
        return f"{self.breakdown_key}{NBSP}: {text}" if self.breakdown_key else text


@dataclass(frozen=True)
class MeasurementInfo:
    """One recorded value."""

    id: uuid.UUID
    year: int
    value: float
    breakdown_key: str
    source: str | None
    illustrative: bool


@dataclass(frozen=True)
class ObjectiveState:
    """An objective and what its indicator's data say about it."""

    objective: ObjectiveInfo
    assessment: Assessment
    series: tuple[YearValue, ...]
    illustrative: bool

    @property
    def status(self) -> Status:
        """On track, off track or not measurable."""
        return self.assessment.status

    @property
    def latest_year(self) -> int | None:
        """The year of the most recent value the status rests on."""
        return self.series[-1].year if self.series else None


def worst_status(statuses: Iterable[Status]) -> Status:
    """One status for several objectives: late if any is late.

    An indicator with a PREPA 2030 and a PPA 2027 objective is « en retard » as soon as
    one of them is; « en bonne voie » needs at least one objective measured and on track.
    """
    seen = set(statuses)
    if Status.OFF_TRACK in seen:
        return Status.OFF_TRACK
    if Status.ON_TRACK in seen:
        return Status.ON_TRACK
    return Status.NOT_MEASURABLE


@dataclass(frozen=True)
class IndicatorState:
    """An indicator with its objectives' status and every value recorded."""

    info: IndicatorInfo
    objectives: tuple[ObjectiveState, ...]
    measurements: tuple[MeasurementInfo, ...]

    @property
    def status(self) -> Status:
        """The status shown on the catalogue's chip."""
        return worst_status(o.status for o in self.objectives)

    @property
    def illustrative(self) -> bool:
        """Whether any recorded value is illustrative (demo data, not official figures)."""
        return any(m.illustrative for m in self.measurements)

    @property
    def latest_year(self) -> int | None:
        """The most recent year with a value, if any."""
        return max((m.year for m in self.measurements), default=None)

    @property
    def keys_with_data(self) -> tuple[str, ...]:
        """Breakdown keys holding values, in the indicator's order, then any other."""
        found = {m.breakdown_key for m in self.measurements if m.breakdown_key}
        ordered = [k for k in self.info.breakdown if k in found]
        return tuple(ordered + sorted(found - set(ordered), key=str.casefold))

    def series(self, key: str | None = None) -> tuple[YearValue, ...]:
        """One value a year: of one breakdown key, or of the whole (see :func:`series_of`)."""
        return series_of(self.measurements, key, self.info)

    def status_text(self) -> str:
        """Why the chip says what it says, for a tooltip."""
        if not self.objectives:
            return t("Aucun objectif n'est fixé.", "No objective is set.")
        return "\n".join(
            f"{o.objective.summary(self.info.unit)} — {o.assessment.explanation}"
            for o in self.objectives
        )


def series_of(
    measurements: Sequence[MeasurementInfo], key: str | None, info: IndicatorInfo
) -> tuple[YearValue, ...]:
    """One value a year for a breakdown key, or for the indicator as a whole.

    The whole is the value recorded without a key when there is one; otherwise, for an
    additive breakdown, the sum of the keys in the years where every key measured at all
    has a value: a year missing a sector would read as a fall in emissions.
    """
    if key:
        return tuple(
            YearValue(m.year, m.value)
            for m in sorted(measurements, key=lambda m: m.year)
            if m.breakdown_key == key
        )
    totals = {m.year: m.value for m in measurements if not m.breakdown_key}
    if info.additive:
        keys = {m.breakdown_key for m in measurements if m.breakdown_key}
        by_year: dict[int, dict[str, float]] = defaultdict(dict)
        for m in measurements:
            if m.breakdown_key:
                by_year[m.year][m.breakdown_key] = m.value
        for year, parts in by_year.items():
            if year not in totals and set(parts) == keys:
                totals[year] = math.fsum(parts.values())
    return tuple(YearValue(y, totals[y]) for y in sorted(totals))


def assess_objective(
    objective: ObjectiveInfo, info: IndicatorInfo, measurements: Sequence[MeasurementInfo]
) -> ObjectiveState:
    """Turn a stored objective and its indicator's measurements into a status.

    The series is the objective's breakdown key, or the whole indicator. An objective on
    a breakdown that does not add up (no shared unit) and without a key is assessed on
    each key in turn: the indicator's parts must each go the agreed way.
    """
    used = [
        m
        for m in measurements
        if not objective.breakdown_key or m.breakdown_key == objective.breakdown_key
    ]
    illustrative = any(m.illustrative for m in used)
    if objective.breakdown_key or not info.breakdown or info.additive:
        series = series_of(measurements, objective.breakdown_key, info)
        result = assess(objective.spec, series, unit=info.unit)
        return ObjectiveState(objective, result, series, illustrative)
    return _assess_each_key(objective, info, measurements, illustrative)


def _assess_each_key(
    objective: ObjectiveInfo,
    info: IndicatorInfo,
    measurements: Sequence[MeasurementInfo],
    illustrative: bool,
) -> ObjectiveState:
    parts: list[tuple[str, Assessment]] = []
    for key in info.breakdown:
        series = series_of(measurements, key, info)
        if series:
            parts.append((key, assess(objective.spec, series, unit=info.unit)))
    own = series_of(measurements, None, info)
    if own:
        parts.append((t("ensemble", "whole"), assess(objective.spec, own, unit=info.unit)))
    if not parts:
        return ObjectiveState(objective, assess(objective.spec, (), unit=info.unit), (), False)
    status = worst_status(a.status for _, a in parts)
    if all(a.status is Status.NOT_MEASURABLE for _, a in parts):
        status = Status.NOT_MEASURABLE
    fr = " ; ".join(f"{k} — {a.explanation_fr}" for k, a in parts)
    en = "; ".join(f"{k} — {a.explanation_en}" for k, a in parts)
    latest = max((a.latest for _, a in parts if a.latest), key=lambda v: v.year, default=None)
    combined = Assessment(status, fr, en, latest=latest)
    series = (latest,) if latest is not None else ()
    return ObjectiveState(objective, combined, series, illustrative)


# --- what is missing and where each theme stands ----------------------------------------


class MissingKind(StrEnum):
    """The gaps « Ce qui manque » lists, as the progress report asks them to be shown."""

    THEME_WITHOUT_INDICATORS = "theme_without_indicators"
    INDICATOR_WITHOUT_OBJECTIVES = "indicator_without_objectives"
    OBJECTIVE_WITHOUT_DATA = "objective_without_data"
    OBJECTIVE_WITHOUT_RECENT_DATA = "objective_without_recent_data"


@dataclass(frozen=True)
class MissingItem:
    """One gap, in words, with what to select to fill it."""

    kind: MissingKind
    theme: e.Theme
    text: str
    indicator_id: uuid.UUID | None = None
    objective_id: uuid.UUID | None = None


def missing_items(
    theme: e.Theme, states: Sequence[IndicatorState], today: dt.date
) -> list[MissingItem]:
    """The gaps of one theme, in catalogue order."""
    if not states:
        return [
            MissingItem(
                MissingKind.THEME_WITHOUT_INDICATORS,
                theme,
                # The short name, as every other line of the list begins.
                t(
                    f"{short_theme(theme)}\u00a0: aucun indicateur n'a encore été choisi.",
                    f"{short_theme(theme)}: no indicator has been chosen yet.",
                ),
            )
        ]
    items: list[MissingItem] = []
    oldest = today.year - RECENT_YEARS
    for st in states:
        name = st.info.name
        if not st.objectives:
            items.append(
                MissingItem(
                    MissingKind.INDICATOR_WITHOUT_OBJECTIVES,
                    theme,
                    t(f"« {name} » n'a pas d'objectif.", f"“{name}” has no objective."),
                    st.info.id,
                )
            )
            continue
        for o in st.objectives:
            what = o.objective.summary(st.info.unit)
            latest = o.latest_year
            if latest is None:
                items.append(
                    MissingItem(
                        MissingKind.OBJECTIVE_WITHOUT_DATA,
                        theme,
                        t(
                            f"« {name} » ({what}) : aucune mesure.",
                            f"“{name}” ({what}): no measurement.",
                        ),
                        st.info.id,
                        o.objective.id,
                    )
                )
            elif latest < oldest:
                items.append(
                    MissingItem(
                        MissingKind.OBJECTIVE_WITHOUT_RECENT_DATA,
                        theme,
                        t(
                            f"« {name} » ({what}) : pas de mesure récente (dernière : {latest}).",
                            f"“{name}” ({what}): no recent measurement (latest: {latest}).",
                        ),
                        st.info.id,
                        o.objective.id,
                    )
                )
    return items


class StageState(StrEnum):
    """Where a theme stands at one stage."""

    DONE = "done"
    PLANNED = "planned"
    NOT_STARTED = "not_started"


_STAGE_STATE_LABELS: Final = {
    StageState.DONE: ("fait", "done"),
    StageState.PLANNED: ("prévu", "planned"),
    StageState.NOT_STARTED: ("pas commencé", "not started"),
}


def stage_state_label(state: StageState) -> str:
    """« fait », « prévu » or « pas commencé »."""
    fr, en = _STAGE_STATE_LABELS[state]
    return t(fr, en)


@dataclass(frozen=True)
class StageCell:
    """One cell of the theme × stage table, with the session that settles it."""

    state: StageState
    meeting: MeetingRef | None = None


@dataclass(frozen=True)
class ThemeOverview:
    """One row of the overview: the three stages and the indicators' statuses."""

    theme: e.Theme
    stages: tuple[StageCell, ...]  # in e.Stage order
    indicators: int
    statuses: tuple[tuple[Status, int], ...]  # in Status order

    def count(self, status: Status) -> int:
        """How many of the theme's indicators carry this status."""
        return dict(self.statuses).get(status, 0)


@dataclass(frozen=True)
class ThemeDashboard:
    """Everything the dashboard shows for one theme."""

    theme: e.Theme
    indicators: tuple[IndicatorState, ...]
    missing: tuple[MissingItem, ...]
    today: dt.date

    def indicator(self, indicator_id: uuid.UUID) -> IndicatorState | None:
        """The indicator with this id, if it belongs to the theme."""
        return next((i for i in self.indicators if i.info.id == indicator_id), None)


@dataclass(frozen=True)
class Overview:
    """Where every theme stands, and everything missing across themes."""

    themes: tuple[ThemeOverview, ...]
    missing: tuple[MissingItem, ...]


# --- reading ----------------------------------------------------------------------------
#
# Plain SQL, as for the list of sessions: opening the dashboard then needs neither the
# ORM nor the mapped models, which cost about 200 ms to load and set up the first time.
# Edits go through the ORM (below), which the sharing engine listens to.

_WHERE: Final = {
    "theme": "i.theme_id = (SELECT id FROM theme WHERE code = :key)",
    "one": "i.id = :key",
    "all": "1 = 1",
}


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(hex=value) if value else None


def _date(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _meetings(con: Connection) -> dict[uuid.UUID, MeetingRef]:
    # Every session: a few dozen a year, cheaper in one query than looked up one by one.
    return {
        ref.id: ref
        for ref in (
            MeetingRef(uuid.UUID(hex=mid), number, _date(date), title or "")
            for mid, number, date, title in con.execute(
                text("SELECT id, number, date, title FROM meeting")
            )
        )
    }


def _read_states(con: Connection, scope: str, key: str | None = None) -> list[IndicatorState]:
    where = _WHERE[scope]
    params = {"key": key}
    ind_rows = con.execute(
        text(
            "SELECT i.id, t.code, i.name, i.unit, i.definition, i.breakdown_label, "
            "i.breakdown, i.source, i.adopted_in_id, i.position FROM indicator i "
            f"JOIN theme t ON t.id = i.theme_id WHERE {where} "
            "ORDER BY t.position, i.position, i.name"
        ),
        params,
    ).all()
    if not ind_rows:
        return []
    objectives: dict[str, list[ObjectiveInfo]] = defaultdict(list)
    meetings = _meetings(con)
    for row in con.execute(
        text(
            "SELECT o.id, o.indicator_id, o.kind, o.breakdown_key, o.target_value, "
            "o.horizon_year, o.change_percent, o.baseline_year, o.direction, o.wording, "
            "o.source, o.agreed_in_id, o.validated FROM objective o "
            f"JOIN indicator i ON i.id = o.indicator_id WHERE {where} "
            "ORDER BY o.position, o.created_at"
        ),
        params,
    ):
        agreed = _uuid(row[11])
        objectives[row[1]].append(
            ObjectiveInfo(
                id=uuid.UUID(hex=row[0]),
                indicator_id=uuid.UUID(hex=row[1]),
                kind=e.ObjectiveKind(row[2]),
                breakdown_key=row[3] or None,
                target_value=row[4],
                horizon_year=row[5],
                change_percent=row[6],
                baseline_year=row[7],
                direction=e.Direction(row[8]) if row[8] else None,
                wording=row[9],
                source=row[10],
                agreed_in=meetings.get(agreed) if agreed else None,
                validated=bool(row[12]),
            )
        )
    measurements: dict[str, list[MeasurementInfo]] = defaultdict(list)
    for mid, ind_id, year, value, bkey, source, illustrative in con.execute(
        text(
            "SELECT m.id, m.indicator_id, m.year, m.value, m.breakdown_key, m.source, "
            "m.illustrative FROM measurement m "
            f"JOIN indicator i ON i.id = m.indicator_id WHERE {where} "
            "ORDER BY m.year, m.breakdown_key"
        ),
        params,
    ):
        measurements[ind_id].append(
            MeasurementInfo(uuid.UUID(hex=mid), year, value, bkey or "", source, bool(illustrative))
        )
    states = []
    for row in ind_rows:
        adopted = _uuid(row[8])
        info = IndicatorInfo(
            id=uuid.UUID(hex=row[0]),
            theme=e.Theme(row[1]),
            name=row[2],
            unit=row[3],
            definition=row[4],
            breakdown_label=row[5],
            breakdown=tuple(json.loads(row[6]) if row[6] else ()),
            source=row[7],
            adopted_in=meetings.get(adopted) if adopted else None,
            position=row[9],
        )
        values = tuple(measurements.get(row[0], ()))
        states.append(
            IndicatorState(
                info,
                tuple(assess_objective(o, info, values) for o in objectives.get(row[0], ())),
                values,
            )
        )
    return states


def _read(db: Database, work: Callable[[Connection], T]) -> T:
    try:
        with db.engine.connect() as con:
            return work(con)
    except SQLAlchemyError as exc:
        raise translate_error(exc, db.path) from exc


def theme_dashboard(
    db: Database, theme: e.Theme, *, today: dt.date | None = None
) -> ThemeDashboard:
    """The catalogue of one theme, each objective's status, and what is missing.

    Raises:
        KnownError: the database cannot be read.
    """
    day = today or dt.date.today()
    states = _read(db, lambda con: _read_states(con, "theme", theme.value))
    return ThemeDashboard(theme, tuple(states), tuple(missing_items(theme, states, day)), day)


def indicator_state(db: Database, indicator_id: uuid.UUID) -> IndicatorState | None:
    """One indicator's state, or None if it no longer exists."""
    states = _read(db, lambda con: _read_states(con, "one", indicator_id.hex))
    return states[0] if states else None


def catalogue_states(db: Database) -> list[IndicatorState]:
    """Every indicator of every theme, with its objectives' status."""
    return _read(db, lambda con: _read_states(con, "all"))


def state_until(state: IndicatorState, year: int) -> IndicatorState:
    """The indicator as it stood at the end of ``year``: later values left out, reassessed.

    The yearly report shows each objective's status from the values it covers.
    """
    kept = tuple(m for m in state.measurements if m.year <= year)
    return IndicatorState(
        state.info,
        tuple(assess_objective(o.objective, state.info, kept) for o in state.objectives),
        kept,
    )


def _stage_cells(con: Connection) -> dict[e.Theme, list[StageCell]]:
    """The theme × stage table from the sessions.

    A closed workshop of the stage makes it done; a planned or running one, planned. The
    objectives stage is done as well once a closed session adopted an indicator or agreed
    an objective of the theme: the ZAN workshop chose its indicators during acculturation.
    """
    rows = con.execute(
        text(
            "SELECT m.id, m.number, m.date, m.title, t.code, s.code, m.status FROM meeting m "
            "JOIN theme t ON t.id = m.theme_id LEFT JOIN stage s ON s.id = m.stage_id "
            "WHERE m.kind = :workshop ORDER BY m.date"
        ),
        {"workshop": e.SessionKind.WORKSHOP.value},
    ).all()
    refs = {r[0]: MeetingRef(uuid.UUID(hex=r[0]), r[1], _date(r[2]), r[3] or "") for r in rows}
    closed = e.SessionStatus.CLOSED.value
    closed_ids = {r[0] for r in rows if r[6] == closed}
    done: dict[tuple[e.Theme, e.Stage], MeetingRef] = {}
    planned: dict[tuple[e.Theme, e.Stage], MeetingRef] = {}
    for mid, _n, _d, _t, theme_code, stage_code, status in rows:
        if stage_code is None:
            continue
        key = (e.Theme(theme_code), e.Stage(stage_code))
        if status == closed:
            done[key] = refs[mid]  # the latest, rows being in date order
        else:
            planned.setdefault(key, refs[mid])  # the soonest
    adopting = con.execute(
        text(
            "SELECT t.code, i.adopted_in_id FROM indicator i JOIN theme t ON t.id = i.theme_id "
            "WHERE i.adopted_in_id IS NOT NULL "
            "UNION ALL SELECT t.code, o.agreed_in_id FROM objective o "
            "JOIN indicator i ON i.id = o.indicator_id JOIN theme t ON t.id = i.theme_id "
            "WHERE o.agreed_in_id IS NOT NULL"
        )
    )
    for theme_code, meeting_id in adopting:
        if meeting_id in closed_ids:
            done.setdefault((e.Theme(theme_code), e.Stage.OBJECTIVES), refs[meeting_id])
    cells: dict[e.Theme, list[StageCell]] = {}
    for theme in e.Theme:
        cells[theme] = []
        for stage in e.Stage:
            if (theme, stage) in done:
                cells[theme].append(StageCell(StageState.DONE, done[(theme, stage)]))
            elif (theme, stage) in planned:
                cells[theme].append(StageCell(StageState.PLANNED, planned[(theme, stage)]))
            else:
                cells[theme].append(StageCell(StageState.NOT_STARTED))
    return cells


def overview(db: Database, *, today: dt.date | None = None) -> Overview:
    """Where every theme stands (stages, statuses) and every gap, theme by theme.

    Raises:
        KnownError: the database cannot be read.
    """
    day = today or dt.date.today()
    states, cells = _read(db, lambda con: (_read_states(con, "all"), _stage_cells(con)))
    by_theme: dict[e.Theme, list[IndicatorState]] = defaultdict(list)
    for st in states:
        by_theme[st.info.theme].append(st)
    rows = []
    missing: list[MissingItem] = []
    for theme in e.Theme:
        chosen = by_theme.get(theme, [])
        counts = {status: 0 for status in Status}
        for st in chosen:
            counts[st.status] += 1
        rows.append(ThemeOverview(theme, tuple(cells[theme]), len(chosen), tuple(counts.items())))
        missing += missing_items(theme, chosen, day)
    return Overview(tuple(rows), tuple(missing))


# --- charts, as plain data ----------------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    """A measured series on a chart."""

    label: str
    points: tuple[YearValue, ...]


@dataclass(frozen=True)
class ObjectivePath:
    """How an objective is drawn: the way from the baseline to the target, or a trend.

    ``points`` is the straight trajectory (baseline, then target at the horizon) for a
    target or a change, the fitted trend line for a direction; empty when nothing can be
    drawn. ``target`` and ``horizon`` are drawn as a level line and a year mark.
    """

    label: str
    status: Status
    points: tuple[tuple[float, float], ...]
    target: float | None
    horizon: int | None
    trend: bool = False


@dataclass(frozen=True)
class TrajectoryChart:
    """An indicator over the years against its objectives' paths.

    With ``stacked``, the lines are the parts of the whole (sectors) drawn as stacked
    areas and ``total`` is their sum.
    """

    title: str
    unit: str | None
    lines: tuple[ChartLine, ...]
    stacked: bool
    total: ChartLine | None
    paths: tuple[ObjectivePath, ...]
    illustrative: bool


@dataclass(frozen=True)
class TargetBar:
    """One breakdown key's change since the baseline year, in percent."""

    key: str
    change: float | None  # None: no value for the baseline year or since
    latest_year: int | None
    status: Status
    has_objective: bool


@dataclass(frozen=True)
class TargetMark:
    """One objective on one key, as a change in percent (PREPA 2030, PPA 2027…)."""

    key: str
    label: str  # the source and horizon, « PREPA 2030 »
    change: float
    status: Status


@dataclass(frozen=True)
class TargetsChart:
    """The keys of a breakdown against their objectives: the six pollutants' view."""

    title: str
    baseline_year: int | None
    bars: tuple[TargetBar, ...]
    marks: tuple[TargetMark, ...]
    illustrative: bool

    @property
    def mark_labels(self) -> tuple[str, ...]:
        """The distinct objective families (« PREPA 2030 », « PPA 2027 »), in first-seen order."""
        return tuple(dict.fromkeys(m.label for m in self.marks))


Chart = TrajectoryChart | TargetsChart


def objective_path(state: ObjectiveState, unit: str | None) -> ObjectivePath:
    """The drawing of one objective: trajectory, level and horizon, or fitted trend."""
    o, a = state.objective, state.assessment
    name = o.summary(unit) + (f" ({o.source})" if o.source else "")
    if o.kind is e.ObjectiveKind.DIRECTION:
        points: tuple[tuple[float, float], ...] = ()
        if a.window is not None and a.slope is not None:
            first, last = a.window
            window = [v for v in state.series if first <= v.year <= last]
            if len(window) >= 2:
                mean_x = sum(v.year for v in window) / len(window)
                mean_y = sum(v.value for v in window) / len(window)
                slope = least_squares_slope(window)
                points = (
                    (float(first), mean_y + slope * (first - mean_x)),
                    (float(last), mean_y + slope * (last - mean_x)),
                )
        return ObjectivePath(name, a.status, points, None, None, trend=True)
    horizon = a.horizon_year if a.horizon_year is not None else o.horizon_year
    target = a.target_value if a.target_value is not None else o.target_value
    points = ()
    base = a.baseline
    if base is not None and target is not None and horizon is not None and horizon > base.year:
        points = ((float(base.year), base.value), (float(horizon), target))
    return ObjectivePath(name, a.status, points, target, horizon)


def chart_views(state: IndicatorState) -> list[tuple[str | None, str]]:
    """The charts an indicator offers: the whole, then each key with values or objectives."""
    views: list[tuple[str | None, str]] = [(None, t("Vue d'ensemble", "Overview"))]
    keyed = {o.objective.breakdown_key for o in state.objectives if o.objective.breakdown_key}
    for key in state.info.breakdown:
        if key in keyed or key in state.keys_with_data:
            views.append((key, key))
    return views if len(views) > 1 else views[:1]


def chart_for(state: IndicatorState, key: str | None = None) -> Chart:
    """What the dashboard draws for an indicator, or for one key of its breakdown.

    A breakdown whose objectives each concern one key (the pollutants against PREPA
    and PPA) is drawn as the keys against their targets; an additive breakdown (the
    sectors) as stacked areas under the whole's trajectory; anything else as lines.
    """
    info = state.info
    title = info.name if key is None else f"{info.name} — {key}"
    illustrative = state.illustrative
    if key is not None:
        paths = tuple(
            objective_path(o, info.unit)
            for o in state.objectives
            if o.objective.breakdown_key == key
        )
        line = ChartLine(key, state.series(key))
        return TrajectoryChart(title, info.unit, (line,), False, None, paths, illustrative)
    keyed = [o for o in state.objectives if o.objective.breakdown_key]
    whole = [o for o in state.objectives if not o.objective.breakdown_key]
    keys = state.keys_with_data
    if keyed and not whole and info.breakdown:
        return _targets_chart(state, keyed)
    paths = tuple(objective_path(o, info.unit) for o in whole)
    if keys and info.additive:
        lines = tuple(ChartLine(k, state.series(k)) for k in keys)
        total = ChartLine(t("Total", "Total"), state.series(None))
        return TrajectoryChart(title, info.unit, lines, True, total, paths, illustrative)
    if keys:
        lines = tuple(ChartLine(k, state.series(k)) for k in keys)
        own = state.series(None)
        if own:
            lines += (ChartLine(info.name, own),)
        return TrajectoryChart(title, info.unit, lines, False, None, paths, illustrative)
    line = ChartLine(info.name, state.series(None))
    return TrajectoryChart(title, info.unit, (line,), False, None, paths, illustrative)


def _mark_label(o: ObjectiveInfo) -> str:
    parts = [o.source or t("Objectif", "Objective")]
    if o.horizon_year is not None:
        parts.append(str(o.horizon_year))
    return " ".join(parts)


def _targets_chart(state: IndicatorState, keyed: Sequence[ObjectiveState]) -> TargetsChart:
    info = state.info
    years = [o.objective.baseline_year for o in keyed if o.objective.baseline_year is not None]
    # The baseline most objectives share (2005 for PREPA and PPA).
    base_year = max(set(years), key=years.count) if years else None
    bars = []
    marks = []
    for key in info.breakdown:
        series = state.series(key)
        mine = [o for o in keyed if o.objective.breakdown_key == key]
        base = next((v for v in series if v.year == base_year), None) if base_year else None
        if base is None and series and base_year is None:
            base = series[0]
        latest = series[-1] if series else None
        change = None
        if base is not None and latest is not None and base.value and latest.year > base.year:
            change = (latest.value / base.value - 1) * 100
        status = worst_status(o.status for o in mine) if mine else Status.NOT_MEASURABLE
        bars.append(TargetBar(key, change, latest.year if latest else None, status, bool(mine)))
        for o in mine:
            pct = _as_change(o.objective, base)
            if pct is not None:
                marks.append(TargetMark(key, _mark_label(o.objective), pct, o.status))
    return TargetsChart(info.name, base_year, tuple(bars), tuple(marks), state.illustrative)


def _as_change(o: ObjectiveInfo, base: YearValue | None) -> float | None:
    if o.kind is e.ObjectiveKind.CHANGE:
        return o.change_percent
    if o.kind is e.ObjectiveKind.TARGET and o.target_value is not None and base and base.value:
        return (o.target_value / base.value - 1) * 100
    return None


# --- editing ------------------------------------------------------------------------------
#
# Through the ORM, one committed transaction each: the sharing engine records changes
# from the ORM's events. The models are imported inside the functions so that reading
# the dashboard does not load them.


@dataclass(frozen=True)
class IndicatorChanges:
    """What one edit changed: the theme to refresh and the indicator to show afterwards."""

    theme: e.Theme
    indicator_id: uuid.UUID | None


class Gone(KnownError):
    """The row to change no longer exists (deleted meanwhile, here or on another laptop)."""


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.replace("\r\n", "\n").strip()
    return cleaned or None


def _indicator_row(s: Session, indicator_id: uuid.UUID) -> Indicator:
    from alliance_desktop.storage.models import Indicator

    row = s.get(Indicator, indicator_id)
    if row is None:
        raise Gone(
            t(
                "Cet indicateur n'existe plus : il a été supprimé entre-temps.",
                "This indicator no longer exists: it was deleted meanwhile.",
            )
        )
    return row


@lru_cache(maxsize=1)
def _theme_of_id() -> dict[uuid.UUID, e.Theme]:
    from alliance_desktop.storage import reference

    return {reference.theme_id(th): th for th in e.Theme}


def _theme_of(row: Indicator) -> e.Theme:
    return _theme_of_id()[row.theme_id]


@dataclass(frozen=True)
class IndicatorFields:
    """An indicator as typed in the dialog."""

    name: str
    unit: str | None = None
    definition: str | None = None
    source: str | None = None
    breakdown_label: str | None = None
    breakdown: tuple[str, ...] = ()
    adopted_in_id: uuid.UUID | None = None


def _clean_breakdown(keys: Iterable[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    seen: dict[str, str] = {}
    for key in keys:
        k = key.strip()
        if not k:
            continue
        if len(k) > 64:
            raise KnownError(
                t(
                    f"La clé de ventilation « {k[:20]}… » dépasse 64 caractères.",
                    f"The breakdown key “{k[:20]}…” is longer than 64 characters.",
                )
            )
        n = normalise(k).replace(" ", "")
        if n in seen:
            raise KnownError(
                t(
                    f"« {k} » et « {seen[n]} » sont la même clé de ventilation.",
                    f"“{k}” and “{seen[n]}” are the same breakdown key.",
                )
            )
        seen[n] = k
        cleaned.append(k)
    return tuple(cleaned)


def _check_name(s: Session, name: str | None, own_id: uuid.UUID | None) -> str:
    if not name:
        raise KnownError(t("Donnez un nom à l'indicateur.", "Give the indicator a name."))
    from alliance_desktop.storage.models import Indicator

    wanted = normalise(name)
    for other_id, other in s.execute(select(Indicator.id, Indicator.name)):
        if other_id != own_id and normalise(other) == wanted:
            # The measurement import finds indicators by name: two alike would be ambiguous.
            raise KnownError(
                t(
                    f"Un indicateur s'appelle déjà « {other} » : choisissez un autre nom.",
                    f"An indicator is already called “{other}”: choose another name.",
                )
            )
    return name


def _apply_indicator(s: Session, row: Indicator, fields: IndicatorFields) -> None:
    from alliance_desktop.storage.models import Measurement, Objective

    name = _check_name(s, _text(fields.name), row.id)
    keys = _clean_breakdown(fields.breakdown)
    removed = set(row.breakdown or ()) - set(keys)
    if removed and row.id is not None:
        used = set(
            s.scalars(
                select(Measurement.breakdown_key).where(
                    Measurement.indicator_id == row.id, Measurement.breakdown_key.in_(removed)
                )
            )
        ) | set(
            s.scalars(
                select(Objective.breakdown_key).where(
                    Objective.indicator_id == row.id, Objective.breakdown_key.in_(removed)
                )
            )
        )
        if used:
            listed = ", ".join(f"« {k} »" for k in sorted(k for k in used if k))
            raise KnownError(
                t(
                    f"La ventilation {listed} a des mesures ou des objectifs : supprimez-les "
                    "avant de retirer la clé.",
                    f"The breakdown {listed} has measurements or objectives: delete them "
                    "before removing the key.",
                )
            )
    row.name = name
    row.unit = _text(fields.unit)
    row.definition = _text(fields.definition)
    row.source = _text(fields.source)
    row.breakdown_label = _text(fields.breakdown_label) if keys else None
    row.breakdown = list(keys)
    row.adopted_in_id = fields.adopted_in_id


def create_indicator(db: Database, theme: e.Theme, fields: IndicatorFields) -> IndicatorChanges:
    """Add an indicator at the end of the theme's catalogue (one committed transaction).

    Raises:
        KnownError: no name, a name already taken, or a repeated breakdown key.
    """
    from alliance_desktop.storage import reference
    from alliance_desktop.storage.models import Indicator

    with db.session() as s:
        position = s.scalar(
            select(func.coalesce(func.max(Indicator.position), -1) + 1).where(
                Indicator.theme_id == reference.theme_id(theme)
            )
        )
        row = Indicator(theme_id=reference.theme_id(theme), position=int(position or 0))
        _apply_indicator(s, row, fields)
        s.add(row)
        s.flush()
        return IndicatorChanges(theme, row.id)


def update_indicator(
    db: Database, indicator_id: uuid.UUID, fields: IndicatorFields
) -> IndicatorChanges:
    """Change an indicator's description (one committed transaction).

    Raises:
        KnownError: the indicator is gone, the name is empty or taken, or a breakdown key
            still holding measurements or objectives would be removed.
    """
    with db.session() as s:
        row = _indicator_row(s, indicator_id)
        _apply_indicator(s, row, fields)
        return IndicatorChanges(_theme_of(row), row.id)


def delete_indicator(db: Database, indicator_id: uuid.UUID) -> IndicatorChanges:
    """Delete an indicator with its objectives and measurements (one transaction)."""
    with db.session() as s:
        row = _indicator_row(s, indicator_id)
        theme = _theme_of(row)
        # Through the ORM, so that each objective and measurement deleted is recorded
        # for the other laptops, not only the indicator.
        s.delete(row)
        return IndicatorChanges(theme, None)


@dataclass(frozen=True)
class ObjectiveFields:
    """An objective as typed: a target, a change against a baseline year, or a direction.

    ``direction`` on a target or a change says whether the target is a ceiling (down) or
    a floor (up); left empty, the way from the baseline to the target decides.
    """

    kind: e.ObjectiveKind
    breakdown_key: str | None = None
    target_value: float | None = None
    horizon_year: int | None = None
    change_percent: float | None = None
    baseline_year: int | None = None
    direction: e.Direction | None = None
    wording: str | None = None
    source: str | None = None
    agreed_in_id: uuid.UUID | None = None
    validated: bool = True


def check_objective(fields: ObjectiveFields, breakdown: Sequence[str] = ()) -> list[str]:
    """Every reason the objective cannot be recorded as typed; empty when it can."""
    problems: list[str] = []
    kind = fields.kind
    if kind is e.ObjectiveKind.TARGET:
        if fields.target_value is None:
            problems.append(t("indiquez la valeur cible", "give the target value"))
        if fields.horizon_year is None:
            problems.append(t("indiquez l'année d'horizon", "give the horizon year"))
    elif kind is e.ObjectiveKind.CHANGE:
        if fields.change_percent is None:
            problems.append(t("indiquez le pourcentage d'évolution", "give the percentage"))
        elif fields.change_percent < -100:
            problems.append(
                t(
                    "une baisse ne peut dépasser −100 %",
                    "a decrease cannot go beyond −100 %",
                )
            )
        if fields.baseline_year is None:
            problems.append(t("indiquez l'année de référence", "give the baseline year"))
    elif fields.direction is None:
        problems.append(t("choisissez le sens d'évolution", "choose the direction"))
    for year, what in (
        (fields.horizon_year, t("d'horizon", "horizon")),
        (fields.baseline_year, t("de référence", "baseline")),
    ):
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                t(
                    f"l'année {what} doit être entre {FIRST_YEAR} et {LAST_YEAR}",
                    f"the {what} year must be between {FIRST_YEAR} and {LAST_YEAR}",
                )
            )
    if (
        kind is not e.ObjectiveKind.DIRECTION
        and fields.horizon_year is not None
        and fields.baseline_year is not None
        and fields.horizon_year <= fields.baseline_year
    ):
        problems.append(
            t(
                "l'horizon doit venir après l'année de référence",
                "the horizon must come after the baseline year",
            )
        )
    for value in (fields.target_value, fields.change_percent):
        if value is not None and not math.isfinite(value):
            problems.append(t("les valeurs doivent être des nombres", "values must be numbers"))
    if fields.breakdown_key and fields.breakdown_key not in breakdown:
        problems.append(
            t(
                f"« {fields.breakdown_key} » n'est pas une clé de ventilation de l'indicateur",
                f"“{fields.breakdown_key}” is not one of the indicator's breakdown keys",
            )
        )
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        text = " ; ".join(problems)
        raise KnownError(
            t(
                f"L'objectif ne peut pas être enregistré : {text}.",
                f"The objective cannot be recorded: {text}.",
            )
        )


def _apply_objective(row: Objective, fields: ObjectiveFields) -> None:
    kind = fields.kind
    row.kind = kind
    row.breakdown_key = fields.breakdown_key or None
    row.target_value = fields.target_value if kind is e.ObjectiveKind.TARGET else None
    row.change_percent = fields.change_percent if kind is e.ObjectiveKind.CHANGE else None
    row.horizon_year = fields.horizon_year if kind is not e.ObjectiveKind.DIRECTION else None
    # A target may start from a stated year too; a direction has no baseline.
    row.baseline_year = fields.baseline_year if kind is not e.ObjectiveKind.DIRECTION else None
    row.direction = fields.direction
    row.wording = _text(fields.wording)
    row.source = _text(fields.source)
    row.agreed_in_id = fields.agreed_in_id
    row.validated = fields.validated


def add_objective(
    db: Database, indicator_id: uuid.UUID, fields: ObjectiveFields
) -> IndicatorChanges:
    """Add an objective to an indicator (one committed transaction).

    Raises:
        KnownError: the indicator is gone, or :func:`check_objective` found a problem.
    """
    from alliance_desktop.storage.models import Objective

    with db.session() as s:
        ind = _indicator_row(s, indicator_id)
        _refuse(check_objective(fields, tuple(ind.breakdown or ())))
        position = s.scalar(
            select(func.coalesce(func.max(Objective.position), -1) + 1).where(
                Objective.indicator_id == ind.id
            )
        )
        row = Objective(indicator_id=ind.id, position=int(position or 0))
        _apply_objective(row, fields)
        s.add(row)
        return IndicatorChanges(_theme_of(ind), ind.id)


def _objective_row(s: Session, objective_id: uuid.UUID) -> Objective:
    from alliance_desktop.storage.models import Objective

    row = s.get(Objective, objective_id)
    if row is None:
        raise Gone(
            t(
                "Cet objectif n'existe plus : il a été supprimé entre-temps.",
                "This objective no longer exists: it was deleted meanwhile.",
            )
        )
    return row


def update_objective(
    db: Database, objective_id: uuid.UUID, fields: ObjectiveFields
) -> IndicatorChanges:
    """Change an objective (one committed transaction).

    Raises:
        KnownError: the objective is gone, or :func:`check_objective` found a problem.
    """
    with db.session() as s:
        row = _objective_row(s, objective_id)
        ind = _indicator_row(s, row.indicator_id)
        _refuse(check_objective(fields, tuple(ind.breakdown or ())))
        _apply_objective(row, fields)
        return IndicatorChanges(_theme_of(ind), ind.id)


def delete_objective(db: Database, objective_id: uuid.UUID) -> IndicatorChanges:
    """Delete an objective (one committed transaction)."""
    with db.session() as s:
        row = _objective_row(s, objective_id)
        ind = _indicator_row(s, row.indicator_id)
        s.delete(row)
        return IndicatorChanges(_theme_of(ind), ind.id)


def record_measurement(
    db: Database,
    indicator_id: uuid.UUID,
    year: int,
    value: float,
    breakdown_key: str = "",
    source: str | None = None,
    *,
    replaces: uuid.UUID | None = None,
) -> IndicatorChanges:
    """Record a typed-in value, replacing the one held for that year and key.

    A typed value is a real figure: it is never illustrative, even where it replaces
    a demonstration value. ``replaces`` is a value being corrected: if the year or the
    key changed, it is deleted in the same transaction.

    Raises:
        KnownError: the indicator is gone, the year is out of range, the value is not a
            number, or the key is not one of the indicator's.
    """
    from alliance_desktop.storage.models import Measurement

    problems = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            t(
                f"l'année doit être entre {FIRST_YEAR} et {LAST_YEAR}",
                f"the year must be between {FIRST_YEAR} and {LAST_YEAR}",
            )
        )
    if not math.isfinite(value):
        problems.append(t("la valeur doit être un nombre", "the value must be a number"))
    with db.session() as s:
        ind = _indicator_row(s, indicator_id)
        key = breakdown_key.strip()
        if key and key not in (ind.breakdown or ()):
            problems.append(
                t(
                    f"« {key} » n'est pas une clé de ventilation de l'indicateur",
                    f"“{key}” is not one of the indicator's breakdown keys",
                )
            )
        if problems:
            text = " ; ".join(problems)
            raise KnownError(
                t(
                    f"La mesure ne peut pas être enregistrée : {text}.",
                    f"The measurement cannot be recorded: {text}.",
                )
            )
        row = s.scalar(
            select(Measurement).where(
                Measurement.indicator_id == ind.id,
                Measurement.year == year,
                Measurement.breakdown_key == key,
            )
        )
        if replaces is not None and (row is None or row.id != replaces):
            old = s.get(Measurement, replaces)
            if old is not None and old.indicator_id == ind.id:
                s.delete(old)
        if row is None:
            row = Measurement(indicator_id=ind.id, year=year, breakdown_key=key)
            s.add(row)
        row.value = float(value)
        row.source = _text(source)
        row.illustrative = False
        return IndicatorChanges(_theme_of(ind), ind.id)


def delete_measurement(db: Database, measurement_id: uuid.UUID) -> IndicatorChanges:
    """Delete one recorded value (one committed transaction)."""
    from alliance_desktop.storage.models import Measurement

    with db.session() as s:
        row = s.get(Measurement, measurement_id)
        if row is None:
            raise Gone(
                t(
                    "Cette mesure n'existe plus : elle a été supprimée entre-temps.",
                    "This measurement no longer exists: it was deleted meanwhile.",
                )
            )
        ind = _indicator_row(s, row.indicator_id)
        s.delete(row)
        return IndicatorChanges(_theme_of(ind), ind.id)


def adopting_sessions(db: Database, theme: e.Theme | None = None) -> list[MeetingRef]:
    """Sessions that can adopt an indicator or agree an objective: the theme's first.

    Newest first; the theme's own workshops, then the other sessions.
    """
    rows = _read(
        db,
        lambda con: con.execute(
            text(
                "SELECT m.id, m.number, m.date, m.title, t.code FROM meeting m "
                "LEFT JOIN theme t ON t.id = m.theme_id"
            )
        ).all(),
    )
    own = theme.value if theme is not None else None
    refs = [(MeetingRef(uuid.UUID(hex=r[0]), r[1], _date(r[2]), r[3] or ""), r[4]) for r in rows]
    refs.sort(key=lambda pair: (pair[1] != own, -pair[0].date.toordinal()))
    return [ref for ref, _code in refs]
