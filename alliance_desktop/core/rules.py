"""The Alliance's rules for a workshop: at most two hours, never past 19:00."""

import datetime as dt
from dataclasses import dataclass

from alliance_desktop.core.i18n import t

MAX_DURATION = dt.timedelta(hours=2)
LATEST_END = dt.time(19, 0)
WARNING_BEFORE_END = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class PlanWarning:
    """A rule the plan breaks; the facilitator may still go on."""

    code: str
    message: str


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
