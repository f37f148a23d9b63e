"""Where an objective stands: on track, off track or not measurable, from its measurements."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from babel.numbers import format_decimal

from alliance_desktop.core.enums import Direction, ObjectiveKind
from alliance_desktop.core.i18n import t

# Measurement series are usually sparse (yearly inventories published two years late, a
# biodiversity count every few years): five years catch a trend without reaching back
# to another decade's policies.
DEFAULT_TREND_YEARS = 5
# A relative change of at most 1 % a year counts as stable.
DEFAULT_STABLE_TOLERANCE = 0.01
# Relative slack when comparing with the trajectory, so that a value lying exactly on it
# is not declared late because of floating-point rounding.
_EPSILON = 1e-9


class Status(StrEnum):
    """The three answers the dashboard gives for an objective."""

    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NOT_MEASURABLE = "not_measurable"


_STATUS_LABELS = {
    Status.ON_TRACK: ("en bonne voie", "on track"),
    Status.OFF_TRACK: ("en retard", "off track"),
    Status.NOT_MEASURABLE: ("non mesurable", "not measurable"),
}


def status_label(status: Status) -> str:
    """« en bonne voie », « en retard » or « non mesurable » in the interface language."""
    fr, en = _STATUS_LABELS[status]
    return t(fr, en)


@dataclass(frozen=True)
class YearValue:
    """One measured (or derived) value of an indicator for one year."""

    year: int
    value: float


@dataclass(frozen=True)
class ObjectiveSpec:
    """An objective as agreed: the fields of ``storage.models.Objective`` that matter here.

    ``change_percent`` is signed: −69 for « −69 % par rapport à 2005 ».
    """

    kind: ObjectiveKind
    target_value: float | None = None
    horizon_year: int | None = None
    change_percent: float | None = None
    baseline_year: int | None = None
    direction: Direction | None = None


@dataclass(frozen=True)
class Assessment:
    """What the data say about one objective, with an explanation in both languages.

    Attributes:
        status: on track, off track or not measurable.
        explanation_fr: one or two sentences for the facilitators, in French.
        explanation_en: the same in English.
        latest: the most recent measurement, if any.
        baseline: where the trajectory starts (target and change objectives).
        target_value: the value aimed at; derived from the baseline for a change.
        horizon_year: the year by which the target should be reached.
        expected: the trajectory's value in the latest measured year.
        gap: ``latest - expected``, in the indicator's unit.
        required_rate: the yearly change still needed from the latest value to reach the
            target by the horizon (negative: a decrease); None once reached or passed.
        pace: the yearly change observed from the baseline to the latest value.
        reached: the latest value already meets the target.
        trend: the observed direction (up, down or stable) for a direction objective.
        slope: the least-squares slope in units a year, for a direction objective.
        relative_slope: ``slope`` over the mean absolute level of the window (0.02: 2 % a year).
        window: first and last years the trend was computed over.
    """

    status: Status
    explanation_fr: str
    explanation_en: str
    latest: YearValue | None = None
    baseline: YearValue | None = None
    target_value: float | None = None
    horizon_year: int | None = None
    expected: float | None = None
    gap: float | None = None
    required_rate: float | None = None
    pace: float | None = None
    reached: bool = False
    trend: Direction | None = None
    slope: float | None = None
    relative_slope: float | None = None
    window: tuple[int, int] | None = None

    @property
    def explanation(self) -> str:
        """The explanation in the interface language."""
        return t(self.explanation_fr, self.explanation_en)

    @property
    def label(self) -> str:
        """The status in words, in the interface language."""
        return status_label(self.status)

    def expected_at(self, year: float) -> float | None:
        """The trajectory's value in ``year`` (flat at the target after the horizon)."""
        b, target, horizon = self.baseline, self.target_value, self.horizon_year
        if b is None or target is None or horizon is None or horizon <= b.year:
            return None
        if year >= horizon:
            return target
        return b.value + (target - b.value) * (year - b.year) / (horizon - b.year)


# --- formatting -----------------------------------------------------------------------


def _num(x: float, lang: str) -> str:
    # Decimals by magnitude: « 1 328 kt », « 974,8 kt », « 18,11 kt »; below 1, two
    # significant digits. A thousand and more with decimals only looks falsely precise.
    magnitude = abs(x)
    if magnitude >= 1000:
        decimals = 0
    elif magnitude >= 100:
        decimals = 1
    elif magnitude >= 1 or magnitude == 0:
        decimals = 2
    else:
        decimals = min(6, 1 - math.floor(math.log10(magnitude)))
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(x, format=pattern, locale="en_GB" if lang == "en" else "fr_FR")


def _qty(x: float, unit: str | None, lang: str) -> str:
    return f"{_num(x, lang)}\u00a0{unit}" if unit else _num(x, lang)


def _signed_pct(x: float, lang: str) -> str:
    sign = "+" if x > 0 else "−" if x < 0 else ""
    return f"{sign}{_num(abs(x), lang)}\u00a0%"


def _not_measurable(
    fr: str,
    en: str,
    *,
    latest: YearValue | None = None,
    baseline: YearValue | None = None,
    target_value: float | None = None,
    horizon_year: int | None = None,
) -> Assessment:
    return Assessment(
        Status.NOT_MEASURABLE,
        f"Non mesurable : {fr}",
        f"Not measurable: {en}",
        latest=latest,
        baseline=baseline,
        target_value=target_value,
        horizon_year=horizon_year,
    )


# --- the three kinds ------------------------------------------------------------------


def assess(
    spec: ObjectiveSpec,
    measurements: Iterable[YearValue],
    *,
    baseline: YearValue | None = None,
    unit: str | None = None,
    trend_years: int = DEFAULT_TREND_YEARS,
    stable_tolerance: float = DEFAULT_STABLE_TOLERANCE,
) -> Assessment:
    """Assess one objective against the measurements of its indicator.

    The caller passes the series that the objective is about: for an objective on one
    pollutant, only that breakdown key's values.

    Args:
        spec: the objective.
        measurements: one value per year, in any order.
        baseline: a baseline known from elsewhere (a report's 2005 figure), used instead
            of the measurement of the baseline year.
        unit: the indicator's unit, for the explanations.
        trend_years: how many recent years a direction's trend is computed over.
        stable_tolerance: the relative yearly change still counted as stable.

    Raises:
        ValueError: two measurements for one year, or a value that is not finite.
    """
    series = sorted(measurements, key=lambda m: m.year)
    years = [m.year for m in series]
    if len(set(years)) != len(years):
        raise ValueError("one measurement per year expected")
    if not all(math.isfinite(m.value) for m in series):
        raise ValueError("measurements must be finite numbers")
    if spec.kind is ObjectiveKind.DIRECTION:
        return _assess_direction(spec, series, unit, trend_years, stable_tolerance)
    if not series:
        return _not_measurable("aucune mesure.", "no measurement yet.")
    if spec.kind is ObjectiveKind.CHANGE:
        return _assess_change(spec, series, baseline, unit, stable_tolerance)
    return _assess_target(spec, series, baseline, unit, stable_tolerance)


def _find_baseline(
    series: list[YearValue], year: int | None, given: YearValue | None
) -> YearValue | None:
    if given is not None:
        return given
    if year is None:
        return series[0]
    return next((m for m in series if m.year == year), None)


def _assess_target(
    spec: ObjectiveSpec,
    series: list[YearValue],
    given: YearValue | None,
    unit: str | None,
    tolerance: float,
) -> Assessment:
    if spec.target_value is None:
        return _not_measurable(
            "l'objectif n'a pas de valeur cible.", "the objective has no target value."
        )
    base = _find_baseline(series, spec.baseline_year, given)
    if base is None:
        return _not_measurable(
            f"aucune mesure pour l'année de référence {spec.baseline_year}.",
            f"no measurement for the baseline year {spec.baseline_year}.",
        )
    return _towards(
        base,
        spec.target_value,
        spec.horizon_year,
        _better(spec.direction, spec.target_value - base.value),
        series,
        unit,
        tolerance,
        None,
    )


def _assess_change(
    spec: ObjectiveSpec,
    series: list[YearValue],
    given: YearValue | None,
    unit: str | None,
    tolerance: float,
) -> Assessment:
    if spec.change_percent is None or (spec.baseline_year is None and given is None):
        return _not_measurable(
            "l'objectif n'a pas de pourcentage ou pas d'année de référence.",
            "the objective lacks a percentage or a baseline year.",
        )
    base = _find_baseline(series, spec.baseline_year, given)
    if base is None:
        return _not_measurable(
            f"aucune mesure pour l'année de référence {spec.baseline_year} ; "
            "la cible ne peut pas être calculée.",
            f"no measurement for the baseline year {spec.baseline_year}, "
            "so the target cannot be computed.",
        )
    target = base.value * (1 + spec.change_percent / 100)
    pct = spec.change_percent
    context = (
        f"{_signed_pct(pct, 'fr')} par rapport à {base.year}, soit {_qty(target, unit, 'fr')}",
        f"{_signed_pct(pct, 'en')} against {base.year}, that is {_qty(target, unit, 'en')}",
    )
    sense = _better(spec.direction, spec.change_percent)
    return _towards(base, target, spec.horizon_year, sense, series, unit, tolerance, context)


def _better(direction: Direction | None, goal: float) -> int:
    """−1 when lower values are better, +1 when higher ones are, 0 to hold a level.

    An explicit direction wins: « 787 kt en 2030 » is a ceiling even when the first
    measurement is already below it. Otherwise the sign of the way to go decides.
    """
    if direction in (Direction.DOWN, Direction.DOWN_OR_STABLE):
        return -1
    if direction is Direction.UP:
        return 1
    if direction is Direction.STABLE or goal == 0:
        return 0
    return 1 if goal > 0 else -1


def _towards(
    base: YearValue,
    target: float,
    horizon: int | None,
    better: int,
    series: list[YearValue],
    unit: str | None,
    tolerance: float,
    context: tuple[str, str] | None,
) -> Assessment:
    """Where the latest value stands on the straight line from the baseline to the target."""
    latest = series[-1]
    if latest.year < base.year:
        return _not_measurable(
            f"aucune mesure depuis l'année de référence {base.year}.",
            f"no measurement since the baseline year {base.year}.",
            baseline=base,
            target_value=target,
            horizon_year=horizon,
        )
    eps = _EPSILON * max(abs(base.value), abs(target), abs(latest.value))
    goal = target - base.value
    if better < 0:
        reached = latest.value <= target + eps
    elif better > 0:
        reached = latest.value >= target - eps
    else:
        reached = abs(latest.value - target) <= tolerance * abs(target) + eps
    elapsed = latest.year - base.year
    pace = (latest.value - base.value) / elapsed if elapsed > 0 else None
    line = horizon is not None and horizon > base.year and latest.year < horizon
    expected = (
        base.value + goal * elapsed / (horizon - base.year)
        if line and horizon is not None
        else None
    )
    gap = latest.value - expected if expected is not None else None
    required = (
        (target - latest.value) / (horizon - latest.year)
        if horizon is not None and latest.year < horizon and not reached
        else None
    )

    def result(status: Status, fr: str, en: str) -> Assessment:
        return Assessment(
            status,
            fr,
            en,
            latest=latest,
            baseline=base,
            target_value=target,
            horizon_year=horizon,
            expected=expected,
            gap=gap,
            required_rate=required,
            pace=pace,
            reached=reached,
        )

    by = (f" en {horizon}", f" by {horizon}") if horizon is not None else ("", "")
    if context is None:
        aim = (
            f"cible {_qty(target, unit, 'fr')}{by[0]}",
            f"target {_qty(target, unit, 'en')}{by[1]}",
        )
    else:
        aim = (context[0] + by[0], context[1] + by[1])
    now = (
        f"{_qty(latest.value, unit, 'fr')} en {latest.year}",
        f"{_qty(latest.value, unit, 'en')} in {latest.year}",
    )
    need = (
        (
            f" Il faut désormais {_rate(required, unit, 'fr')} par an.",
            f" From now on it takes {_rate(required, unit, 'en')} a year.",
        )
        if required is not None
        else ("", "")
    )

    if reached:
        return result(
            Status.ON_TRACK,
            f"En bonne voie : objectif atteint, {now[0]} ({aim[0]}).",
            f"On track: objective reached, {now[1]} ({aim[1]}).",
        )
    if horizon is not None and latest.year >= horizon:
        return result(
            Status.OFF_TRACK,
            f"En retard : l'échéance {horizon} est passée et l'objectif n'est pas atteint, "
            f"{now[0]} ({aim[0]}).",
            f"Off track: the {horizon} deadline has passed without reaching the objective, "
            f"{now[1]} ({aim[1]}).",
        )
    if elapsed == 0:
        return result(
            Status.NOT_MEASURABLE,
            f"Non mesurable : une seule mesure depuis la référence ({now[0]}), il en faut "
            f"une seconde pour se situer ({aim[0]}).{need[0]}",
            f"Not measurable: only one measurement since the baseline ({now[1]}), a second "
            f"one is needed to tell ({aim[1]}).{need[1]}",
        )
    if better == 0 or goal * better <= eps:
        # Nothing to travel: the level was to be held, or the baseline already met the
        # target; either way the latest value has drifted to the wrong side.
        return result(
            Status.OFF_TRACK,
            f"En retard : {now[0]}, la valeur s'est écartée de la cible ({aim[0]}).",
            f"Off track: {now[1]}, the value has drifted away from the target ({aim[1]}).",
        )
    if gap is None:
        # No line to follow (no deadline): judge the movement since the baseline.
        toward = (latest.value - base.value) * better > 0
        if toward:
            return result(
                Status.ON_TRACK,
                f"En bonne voie : sans échéance, seul le sens compte ; {now[0]}, la valeur "
                f"se rapproche de la cible ({aim[0]}).",
                f"On track: with no deadline only the movement counts; {now[1]}, the value "
                f"moves towards the target ({aim[1]}).",
            )
        return result(
            Status.OFF_TRACK,
            f"En retard : sans échéance, seul le sens compte ; {now[0]}, la valeur ne se "
            f"rapproche pas de la cible ({aim[0]}).",
            f"Off track: with no deadline only the movement counts; {now[1]}, the value "
            f"does not move towards the target ({aim[1]}).",
        )
    assert expected is not None
    where = (
        f"trajectoire : {_qty(expected, unit, 'fr')} attendus en {latest.year}",
        f"trajectory: {_qty(expected, unit, 'en')} expected in {latest.year}",
    )
    ahead = gap * better >= -eps
    if ahead:
        return result(
            Status.ON_TRACK,
            f"En bonne voie : {now[0]}, sur la trajectoire ou en avance "
            f"({where[0]} ; {aim[0]}).{need[0]}",
            f"On track: {now[1]}, on or ahead of the trajectory ({where[1]}; {aim[1]}).{need[1]}",
        )
    return result(
        Status.OFF_TRACK,
        f"En retard : {now[0]}, en retard sur la trajectoire ({where[0]} ; {aim[0]}).{need[0]}",
        f"Off track: {now[1]}, behind the trajectory ({where[1]}; {aim[1]}).{need[1]}",
    )


def _rate(rate: float, unit: str | None, lang: str) -> str:
    if lang == "en":
        verb = "a decrease of" if rate < 0 else "an increase of"
    else:
        verb = "baisser de" if rate < 0 else "augmenter de"
    return f"{verb} {_qty(abs(rate), unit, lang)}"


# --- direction only -------------------------------------------------------------------


def least_squares_slope(points: list[YearValue]) -> float:
    """The slope of the least-squares line through the points, in units a year."""
    n = len(points)
    if n < 2:
        raise ValueError("at least two points are needed for a slope")
    mean_x = sum(p.year for p in points) / n
    mean_y = sum(p.value for p in points) / n
    sxx = sum((p.year - mean_x) ** 2 for p in points)
    sxy = sum((p.year - mean_x) * (p.value - mean_y) for p in points)
    return sxy / sxx


_TREND_WORDS = {
    Direction.UP: ("en hausse", "rising"),
    Direction.DOWN: ("en baisse", "falling"),
    Direction.STABLE: ("stable", "stable"),
}
_WANTED_WORDS = {
    Direction.UP: ("la hausse", "a rise"),
    Direction.DOWN: ("la baisse", "a fall"),
    Direction.DOWN_OR_STABLE: ("la baisse ou la stabilité", "a fall or stability"),
    Direction.STABLE: ("la stabilité", "stability"),
}
_GOOD_TRENDS = {
    Direction.UP: {Direction.UP},
    Direction.DOWN: {Direction.DOWN},
    Direction.DOWN_OR_STABLE: {Direction.DOWN, Direction.STABLE},
    Direction.STABLE: {Direction.STABLE},
}


def _assess_direction(
    spec: ObjectiveSpec,
    series: list[YearValue],
    unit: str | None,
    trend_years: int,
    tolerance: float,
) -> Assessment:
    if spec.direction is None:
        return _not_measurable(
            "l'objectif n'a pas de sens d'évolution.", "the objective has no direction."
        )
    if not series:
        return _not_measurable("aucune mesure.", "no measurement yet.")
    latest = series[-1]
    if len(series) < 2:
        return _not_measurable(
            f"une seule mesure ({_qty(latest.value, unit, 'fr')} en {latest.year}) : "
            "il en faut deux pour une tendance.",
            f"only one measurement ({_qty(latest.value, unit, 'en')} in {latest.year}): "
            "a trend needs two.",
            latest=latest,
        )
    window = [m for m in series if m.year > latest.year - trend_years]
    if len(window) < 2:
        # Sparse surveys: fall back on the two most recent values rather than giving up.
        window = series[-2:]
    slope = least_squares_slope(window)
    level = sum(abs(m.value) for m in window) / len(window)
    relative = slope / level if level > 0 else 0.0
    if relative > tolerance:
        trend = Direction.UP
    elif relative < -tolerance:
        trend = Direction.DOWN
    else:
        trend = Direction.STABLE
    good = trend in _GOOD_TRENDS[spec.direction]
    first, last = window[0].year, window[-1].year
    seen_fr, seen_en = _TREND_WORDS[trend]
    want_fr, want_en = _WANTED_WORDS[spec.direction]
    pct = relative * 100
    fr = (
        f"{seen_fr} ({_signed_pct(pct, 'fr')} par an sur {first}–{last}, "
        f"{len(window)} mesures) ; l'objectif est {want_fr}."
    )
    en = (
        f"{seen_en} ({_signed_pct(pct, 'en')} a year over {first}–{last}, "
        f"{len(window)} measurements); the objective is {want_en}."
    )
    return Assessment(
        Status.ON_TRACK if good else Status.OFF_TRACK,
        f"{'En bonne voie' if good else 'En retard'} : {fr}",
        f"{'On track' if good else 'Off track'}: {en}",
        latest=latest,
        trend=trend,
        slope=slope,
        relative_slope=relative,
        window=(first, last),
    )
