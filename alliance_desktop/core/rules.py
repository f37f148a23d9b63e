"""The Alliance's rules for a workshop: at most two hours, never past 19:00."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from alliance_desktop.core.i18n import t

MAX_DURATION = dt.timedelta(hours=2)
LATEST_END = dt.time(19, 0)
WARNING_BEFORE_END = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class PlanWarning:
    """A rule the plan breaks; the facilitator may still go on."""

    code: str
    message: str


class EndLimit(StrEnum):
    """Which rule sets the end of a running session."""

    TWO_HOURS = "two_hours"  # two hours after the actual start
    PLANNED_END = "planned_end"
    LATEST_END = "latest_end"  # 19:00


@dataclass(frozen=True)
class SessionEnd:
    """When a running session must end, and which rule says so."""

    at: dt.datetime
    limit: EndLimit


def session_end(started: dt.datetime, planned_end: dt.datetime | None) -> SessionEnd:
    """The end a session started at ``started`` must keep to (naive local times).

    It is the earliest of two hours after the start, the planned end and 19:00 that day.
    A planned end that is not after the start (a session started late, or on another day
    than planned) is left out: it would put the session in overtime from its first minute.
    On a tie 19:00 wins, then the plan, as the more telling reason to give.
    """
    candidates = [
        SessionEnd(dt.datetime.combine(started.date(), LATEST_END), EndLimit.LATEST_END),
        SessionEnd(started + MAX_DURATION, EndLimit.TWO_HOURS),
    ]
    if planned_end is not None and planned_end > started:
        candidates.insert(1, SessionEnd(planned_end, EndLimit.PLANNED_END))
    return min(candidates, key=lambda end: end.at)  # min keeps the first of equals


def _minutes(t_: dt.time) -> int:
    return t_.hour * 60 + t_.minute


def check_plan(start: dt.time | None, planned_end: dt.time | None) -> list[PlanWarning]:
    """Warnings for a planned start and end (empty when the plan keeps the rules)."""
    warnings: list[PlanWarning] = []
    if start is None or planned_end is None:
        return warnings
    duration = _minutes(planned_end) - _minutes(start)
    if duration <= 0:
        warnings.append(
            PlanWarning(
                "end_before_start",
                t("La fin prévue précède le début.", "The planned end is before the start."),
            )
        )
        return warnings
    if duration > MAX_DURATION.total_seconds() / 60:
        warnings.append(
            PlanWarning(
                "too_long",
                t(
                    f"La séance dure {duration // 60} h {duration % 60:02d} : "
                    "l'Alliance s'en tient à deux heures.",
                    f"The session lasts {duration // 60} h {duration % 60:02d}: "
                    "the Alliance keeps to two hours.",
                ),
            )
        )
    if _minutes(planned_end) > _minutes(LATEST_END):
        warnings.append(
            PlanWarning(
                "too_late",
                t(
                    "La séance finit après 19 h : l'Alliance ne se réunit pas au-delà.",
                    "The session ends after 19:00: the Alliance never meets later.",
                ),
            )
        )
    return warnings
