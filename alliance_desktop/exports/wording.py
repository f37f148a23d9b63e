"""How documents word sessions, objectives and counts, in the Alliance's own phrasing."""

from __future__ import annotations

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import clock, long_date
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.exports.model import IndicatorItem, ObjectiveItem, SessionInfo
from alliance_desktop.exports.text import NBSP, number, percent

DASH = "–"


def plural(n: int, one: str, many: str) -> str:
    """« 1 personne », « 12 personnes »."""
    return f"{n}{NBSP}{one if n == 1 else many}"


def session_ref(info: SessionInfo, lang: str) -> str:
    """« n° 5 du 29 mai 2024 » or, without a number, « du 10 octobre 2024 »."""
    day = long_date(info.date, lang)
    if info.number is None:
        return t(f"du {day}", f"of {day}")
    return t(f"n°{NBSP}{info.number} du {day}", f"no.{NBSP}{info.number} of {day}")


def session_line(info: SessionInfo, lang: str) -> str:
    """« 5 | Atelier 2 sur la réduction des gaz à effet de serre – 29 mai 2024 »."""
    head = f"{info.number} | " if info.number is not None else ""
    return f"{head}{info.title} {DASH} {long_date(info.date, lang)}"


def when(info: SessionInfo, lang: str) -> str:
    """« 29 mai 2024, 17:00–19:00 »."""
    day = long_date(info.date, lang)
    if info.start_time and info.planned_end:
        return f"{day}, {clock(info.start_time, lang)}{DASH}{clock(info.planned_end, lang)}"
    if info.start_time:
        return f"{day}, {clock(info.start_time, lang)}"
    return day


def meetings_phrase(numbers: list[int]) -> str:
    """« Réunion 3 », « Réunions 2 et 5 », « Réunions 2, 5 et 9 »."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return t(f"Réunion {numbers[0]}", f"Meeting {numbers[0]}")
    head = ", ".join(str(n) for n in numbers[:-1])
    return t(f"Réunions {head} et {numbers[-1]}", f"Meetings {head} and {numbers[-1]}")


def indicator_name(o: ObjectiveItem) -> str:
    """The indicator, narrowed to one breakdown key when the objective is about one."""
    if o.breakdown_key:
        return f"{o.indicator} {DASH} {o.breakdown_key}"
    return o.indicator


def objective_value(o: ObjectiveItem, lang: str) -> str:
    """The objective itself: « 787 kt CO2e », « −69 % », « Hausse »."""
    if o.kind is e.ObjectiveKind.TARGET and o.target_value is not None:
        unit = f"{NBSP}{o.unit}" if o.unit else ""
        return f"{number(o.target_value, lang)}{unit}"
    if o.kind is e.ObjectiveKind.CHANGE and o.change_percent is not None:
        return percent(o.change_percent, lang)
    if o.direction is not None:
        return label(o.direction, lang)
    return o.wording or t("non chiffré", "not quantified")


def objective_horizon(o: ObjectiveItem) -> str:
    """Horizon and baseline: « 2030 », « 2030 (réf. 2005) », « — »."""
    parts = []
    if o.horizon_year is not None:
        parts.append(t(f"horizon {o.horizon_year}", f"by {o.horizon_year}"))
    if o.baseline_year is not None:
        parts.append(t(f"réf. {o.baseline_year}", f"baseline {o.baseline_year}"))
    return ", ".join(parts) or "—"


def objective_sentence(o: ObjectiveItem, lang: str) -> str:
    """The objective in one phrase, the Alliance's own wording when it has one."""
    if o.wording:
        return o.wording
    value = objective_value(o, lang)
    if o.kind is e.ObjectiveKind.CHANGE and o.baseline_year is not None:
        by = t(f" en {o.horizon_year}", f" by {o.horizon_year}") if o.horizon_year else ""
        value += t(f"{by} par rapport à {o.baseline_year}", f"{by} compared with {o.baseline_year}")
    elif o.horizon_year is not None:
        value += t(f" à l'horizon {o.horizon_year}", f" by {o.horizon_year}")
    return value


def column_heading(source: str | None, horizon: int | None, baseline: int | None) -> str:
    """A pivot column: « Objectifs PREPA 2030 (/2005) », as the Alliance titles it."""
    parts = [t("Objectifs", "Objectives")]
    if source:
        parts.append(source)
    if horizon is not None:
        parts.append(str(horizon))
    head = " ".join(parts)
    return f"{head} (/{baseline})" if baseline is not None else head


def indicator_summary(ind: IndicatorItem) -> str:
    """« Émissions de GES par secteur (kt CO2e) »."""
    return f"{ind.name} ({ind.unit})" if ind.unit else ind.name
