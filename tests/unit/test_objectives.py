"""Status of objectives: target, change against a baseline year, direction only."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from alliance_desktop.core.enums import Direction, ObjectiveKind
from alliance_desktop.core.i18n import set_language
from alliance_desktop.core.objectives import (
    Assessment,
    ObjectiveSpec,
    Status,
    YearValue,
    assess,
    least_squares_slope,
    status_label,
)

GES_2030 = ObjectiveSpec(ObjectiveKind.TARGET, target_value=787, horizon_year=2030)
NOX_PREPA = ObjectiveSpec(
    ObjectiveKind.CHANGE, change_percent=-69, baseline_year=2005, horizon_year=2030
)


def series(*pairs: tuple[int, float]) -> list[YearValue]:
    return [YearValue(y, v) for y, v in pairs]


def both_languages_say(a: Assessment, fr: str, en: str) -> None:
    assert fr in a.explanation_fr, a.explanation_fr
    assert en in a.explanation_en, a.explanation_en


# --- target ---------------------------------------------------------------------------


def test_target_ahead_of_trajectory_is_on_track() -> None:
    a = assess(GES_2030, series((2015, 1100), (2018, 1000), (2021, 950)), unit="kt CO2e")
    assert a.status is Status.ON_TRACK
    assert a.baseline == YearValue(2015, 1100)
    # 1100 → 787 over 15 years: 20.87 a year, so 974.8 expected in 2021.
    assert a.expected == pytest.approx(974.8)
    assert a.gap == pytest.approx(950 - 974.8)
    assert a.required_rate == pytest.approx((787 - 950) / 9)
    assert a.pace == pytest.approx((950 - 1100) / 6)
    assert not a.reached
    both_languages_say(a, "En bonne voie", "On track")
    assert "974,8\u00a0kt CO2e attendus en 2021" in a.explanation_fr
    assert "baisser de 18,11\u00a0kt CO2e par an" in a.explanation_fr
    assert "a decrease of 18.11\u00a0kt CO2e a year" in a.explanation_en


def test_target_behind_trajectory_is_off_track() -> None:
    a = assess(GES_2030, series((2015, 1100), (2021, 1050)))
    assert a.status is Status.OFF_TRACK
    assert a.gap is not None and a.gap > 0
    both_languages_say(a, "en retard sur la trajectoire", "behind the trajectory")


def test_target_rising_indicator() -> None:
    # Renatured river length: higher is better, inferred from baseline < target.
    spec = ObjectiveSpec(ObjectiveKind.TARGET, target_value=30, horizon_year=2030)
    assert assess(spec, series((2020, 10), (2022, 15))).status is Status.ON_TRACK
    assert assess(spec, series((2020, 10), (2022, 12))).status is Status.OFF_TRACK


def test_target_with_a_given_baseline_value() -> None:
    a = assess(GES_2030, series((2021, 950)), baseline=YearValue(2015, 1100))
    assert a.status is Status.ON_TRACK
    assert a.baseline == YearValue(2015, 1100)


def test_target_with_a_baseline_year_that_has_no_value() -> None:
    spec = ObjectiveSpec(
        ObjectiveKind.TARGET, target_value=787, horizon_year=2030, baseline_year=2010
    )
    a = assess(spec, series((2015, 1100), (2021, 950)))
    assert a.status is Status.NOT_MEASURABLE
    both_languages_say(a, "2010", "2010")


def test_single_measurement_is_not_measurable_but_gives_the_rate() -> None:
    a = assess(GES_2030, series((2022, 900)), unit="kt CO2e")
    assert a.status is Status.NOT_MEASURABLE
    assert a.required_rate == pytest.approx((787 - 900) / 8)
    both_languages_say(a, "une seule mesure", "only one measurement")


def test_no_measurement_is_not_measurable() -> None:
    for spec in (
        GES_2030,
        NOX_PREPA,
        ObjectiveSpec(ObjectiveKind.DIRECTION, direction=Direction.UP),
    ):
        a = assess(spec, [])
        assert a.status is Status.NOT_MEASURABLE
        both_languages_say(a, "aucune mesure", "no measurement")


def test_target_already_reached() -> None:
    a = assess(GES_2030, series((2015, 1100), (2022, 780)))
    assert a.status is Status.ON_TRACK
    assert a.reached
    assert a.required_rate is None
    both_languages_say(a, "objectif atteint", "objective reached")


def test_target_reached_on_the_first_measurement() -> None:
    ceiling = ObjectiveSpec(
        ObjectiveKind.TARGET, target_value=787, horizon_year=2030, direction=Direction.DOWN
    )
    a = assess(ceiling, series((2022, 700)))
    assert a.status is Status.ON_TRACK and a.reached


def test_without_a_direction_the_way_to_the_target_is_inferred() -> None:
    # A lone 700 under a target of 787 reads as "rise to 787": not reached, not judged.
    a = assess(GES_2030, series((2022, 700)))
    assert a.status is Status.NOT_MEASURABLE
    assert a.required_rate is not None and a.required_rate > 0


def test_a_ceiling_stays_a_ceiling_when_the_baseline_is_below_it() -> None:
    # With the direction given, 787 is a ceiling: 700 then 760 is still fine, 800 is not.
    spec = ObjectiveSpec(
        ObjectiveKind.TARGET, target_value=787, horizon_year=2030, direction=Direction.DOWN
    )
    assert assess(spec, series((2015, 700), (2021, 760))).status is Status.ON_TRACK
    a = assess(spec, series((2015, 700), (2021, 800)))
    assert a.status is Status.OFF_TRACK
    both_languages_say(a, "écartée", "drifted")


def test_horizon_passed_and_not_reached() -> None:
    a = assess(GES_2030, series((2015, 1100), (2031, 800)))
    assert a.status is Status.OFF_TRACK
    assert a.required_rate is None
    assert a.expected is None
    both_languages_say(a, "l'échéance 2030 est passée", "the 2030 deadline has passed")


def test_horizon_passed_and_reached() -> None:
    a = assess(GES_2030, series((2015, 1100), (2031, 700)))
    assert a.status is Status.ON_TRACK and a.reached


def test_target_without_horizon_follows_the_movement() -> None:
    spec = ObjectiveSpec(ObjectiveKind.TARGET, target_value=0)
    assert assess(spec, series((2020, 12), (2022, 9))).status is Status.ON_TRACK
    a = assess(spec, series((2020, 12), (2022, 13)))
    assert a.status is Status.OFF_TRACK
    both_languages_say(a, "sans échéance", "no deadline")


def test_target_without_value_is_not_measurable() -> None:
    spec = ObjectiveSpec(ObjectiveKind.TARGET, horizon_year=2030)
    assert assess(spec, series((2020, 1))).status is Status.NOT_MEASURABLE


def test_expected_at_draws_the_line() -> None:
    a = assess(GES_2030, series((2015, 1100), (2021, 950)))
    assert a.expected_at(2015) == 1100
    assert a.expected_at(2030) == 787
    assert a.expected_at(2040) == 787
    assert a.expected_at(2022.5) == pytest.approx(1100 - 313 / 2)


# --- change against a baseline year ---------------------------------------------------


def test_change_derives_the_target_from_the_baseline_year() -> None:
    a = assess(NOX_PREPA, series((2005, 3000), (2015, 2000), (2020, 1500)), unit="t")
    assert a.target_value == pytest.approx(930)
    assert a.status is Status.ON_TRACK
    assert a.expected == pytest.approx(3000 - 2070 * 15 / 25)
    both_languages_say(a, "−69\u00a0% par rapport à 2005", "−69\u00a0% against 2005")
    assert "930\u00a0t en 2030" in a.explanation_fr


def test_change_behind() -> None:
    a = assess(NOX_PREPA, series((2005, 3000), (2020, 2500)))
    assert a.status is Status.OFF_TRACK


def test_change_without_a_value_for_the_baseline_year() -> None:
    a = assess(NOX_PREPA, series((2010, 3000), (2020, 1500)))
    assert a.status is Status.NOT_MEASURABLE
    assert a.target_value is None
    both_languages_say(a, "année de référence 2005", "baseline year 2005")


def test_change_with_a_baseline_known_from_a_report() -> None:
    a = assess(NOX_PREPA, series((2020, 1500)), baseline=YearValue(2005, 3000))
    assert a.status is Status.ON_TRACK
    assert a.target_value == pytest.approx(930)


def test_change_only_the_baseline_measured() -> None:
    a = assess(NOX_PREPA, series((2005, 3000)))
    assert a.status is Status.NOT_MEASURABLE
    assert a.target_value == pytest.approx(930)


def test_change_incomplete_objective() -> None:
    spec = ObjectiveSpec(ObjectiveKind.CHANGE, change_percent=-50)
    assert assess(spec, series((2005, 1), (2020, 0.5))).status is Status.NOT_MEASURABLE


def test_change_zero_baseline() -> None:
    # −50 % of nothing is nothing: the objective is kept as long as the value stays at 0.
    spec = ObjectiveSpec(
        ObjectiveKind.CHANGE, change_percent=-50, baseline_year=2005, horizon_year=2030
    )
    kept = assess(spec, series((2005, 0), (2020, 0)))
    assert kept.status is Status.ON_TRACK and kept.reached
    lost = assess(spec, series((2005, 0), (2020, 4)))
    assert lost.status is Status.OFF_TRACK


def test_change_horizon_passed() -> None:
    a = assess(NOX_PREPA, series((2005, 3000), (2031, 1000)))
    assert a.status is Status.OFF_TRACK
    both_languages_say(a, "passée", "passed")


# --- direction ------------------------------------------------------------------------


def direction(d: Direction) -> ObjectiveSpec:
    return ObjectiveSpec(ObjectiveKind.DIRECTION, direction=d)


RISING = series((2018, 100), (2019, 104), (2020, 108), (2021, 113), (2022, 117))
FALLING = series((2018, 117), (2019, 113), (2020, 108), (2021, 104), (2022, 100))
FLAT = series((2018, 100), (2019, 100.4), (2020, 99.8), (2021, 100.3), (2022, 100))


@pytest.mark.parametrize(
    ("wanted", "data", "status"),
    [
        (Direction.UP, RISING, Status.ON_TRACK),
        (Direction.UP, FALLING, Status.OFF_TRACK),
        (Direction.UP, FLAT, Status.OFF_TRACK),
        (Direction.DOWN, FALLING, Status.ON_TRACK),
        (Direction.DOWN, FLAT, Status.OFF_TRACK),
        (Direction.DOWN, RISING, Status.OFF_TRACK),
        (Direction.DOWN_OR_STABLE, FALLING, Status.ON_TRACK),
        (Direction.DOWN_OR_STABLE, FLAT, Status.ON_TRACK),
        (Direction.DOWN_OR_STABLE, RISING, Status.OFF_TRACK),
        (Direction.STABLE, FLAT, Status.ON_TRACK),
        (Direction.STABLE, RISING, Status.OFF_TRACK),
        (Direction.STABLE, FALLING, Status.OFF_TRACK),
    ],
)
def test_direction(wanted: Direction, data: list[YearValue], status: Status) -> None:
    a = assess(direction(wanted), data)
    assert a.status is status
    assert a.window == (2018, 2022)
    assert a.explanation_fr.startswith(
        "En bonne voie" if status is Status.ON_TRACK else "En retard"
    )


def test_direction_uses_only_the_last_years() -> None:
    # A fall long ago, then a steady rise: the recent trend is what counts.
    data = series((2000, 500), (2005, 300), (2018, 100), (2020, 110), (2022, 120))
    a = assess(direction(Direction.UP), data, trend_years=5)
    assert a.status is Status.ON_TRACK
    assert a.window == (2018, 2022)
    assert a.slope == pytest.approx(5)


def test_direction_falls_back_on_the_last_two_sparse_values() -> None:
    a = assess(direction(Direction.DOWN), series((2010, 50), (2020, 40)))
    assert a.status is Status.ON_TRACK
    assert a.window == (2010, 2020)
    both_languages_say(a, "2 mesures", "2 measurements")


def test_direction_single_measurement() -> None:
    a = assess(direction(Direction.UP), series((2022, 5)))
    assert a.status is Status.NOT_MEASURABLE
    both_languages_say(a, "une seule mesure", "only one measurement")


def test_direction_tolerance() -> None:
    data = series((2020, 100), (2021, 101.5), (2022, 103))
    assert assess(direction(Direction.STABLE), data).status is Status.OFF_TRACK
    loose = assess(direction(Direction.STABLE), data, stable_tolerance=0.02)
    assert loose.status is Status.ON_TRACK


def test_direction_all_zero_is_stable() -> None:
    a = assess(direction(Direction.DOWN_OR_STABLE), series((2020, 0), (2022, 0)))
    assert a.status is Status.ON_TRACK
    assert a.trend is Direction.STABLE


def test_direction_missing() -> None:
    spec = ObjectiveSpec(ObjectiveKind.DIRECTION)
    assert assess(spec, RISING).status is Status.NOT_MEASURABLE


# --- input checks and wording ---------------------------------------------------------


def test_duplicate_years_are_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="one measurement per year"):
        assess(GES_2030, series((2020, 1), (2020, 2)))


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        assess(GES_2030, series((2020, float("nan"))))


def test_slope_needs_two_points() -> None:
    with pytest.raises(ValueError):
        least_squares_slope(series((2020, 1)))
    assert least_squares_slope(series((2020, 1), (2022, 5))) == pytest.approx(2)


def test_labels_and_explanation_follow_the_language() -> None:
    a = assess(GES_2030, series((2015, 1100), (2021, 950)))
    try:
        assert status_label(Status.OFF_TRACK) == "en retard"
        assert a.label == "en bonne voie"
        assert a.explanation == a.explanation_fr
        set_language("en")
        assert a.label == "on track"
        assert status_label(Status.NOT_MEASURABLE) == "not measurable"
        assert a.explanation == a.explanation_en
    finally:
        set_language("fr")


def test_results_are_frozen() -> None:
    a = assess(GES_2030, series((2015, 1100), (2021, 950)))
    with pytest.raises(AttributeError):
        a.status = Status.OFF_TRACK  # type: ignore[misc]


# --- properties -----------------------------------------------------------------------

years = st.integers(min_value=1990, max_value=2040)
levels = st.integers(min_value=1, max_value=10_000)


@given(
    start=years,
    span=st.integers(min_value=2, max_value=40),
    base=levels,
    target=st.integers(min_value=0, max_value=10_000),
    data=st.data(),
)
def test_a_series_exactly_on_the_trajectory_is_on_track(
    start: int, span: int, base: int, target: int, data: st.DataObject
) -> None:
    assume(target != base)
    horizon = start + span
    spec = ObjectiveSpec(ObjectiveKind.TARGET, target_value=target, horizon_year=horizon)
    picked = data.draw(
        st.lists(st.integers(min_value=1, max_value=span - 1), min_size=1, unique=True)
    )
    points = [YearValue(start, base)]
    points += [YearValue(start + i, base + (target - base) * i / span) for i in sorted(picked)]
    a = assess(spec, points)
    assert a.status is Status.ON_TRACK, a.explanation_en
    assert a.gap == pytest.approx(0, abs=1e-6 * max(base, target))


@given(
    start=years,
    span=st.integers(min_value=2, max_value=40),
    base=levels,
    target=st.integers(min_value=0, max_value=10_000),
    at=st.integers(min_value=1),
    miss=st.integers(min_value=1, max_value=1_000),
)
def test_a_series_behind_the_trajectory_is_off_track(
    start: int, span: int, base: int, target: int, at: int, miss: int
) -> None:
    assume(target != base)
    horizon = start + span
    i = 1 + at % (span - 1)
    on_line = base + (target - base) * i / span
    late = on_line + miss if target < base else on_line - miss
    spec = ObjectiveSpec(ObjectiveKind.TARGET, target_value=target, horizon_year=horizon)
    a = assess(spec, [YearValue(start, base), YearValue(start + i, late)])
    assert a.status is Status.OFF_TRACK, a.explanation_en


@given(
    base=levels,
    target=st.integers(min_value=0, max_value=10_000),
    latest=st.integers(min_value=0, max_value=20_000),
    horizon=st.integers(min_value=2021, max_value=2060),
)
def test_the_required_rate_lands_on_the_target(
    base: int, target: int, latest: int, horizon: int
) -> None:
    spec = ObjectiveSpec(ObjectiveKind.TARGET, target_value=target, horizon_year=horizon)
    a = assess(spec, [YearValue(2010, base), YearValue(2020, latest)])
    if a.reached:
        assert a.required_rate is None
    else:
        assert a.required_rate is not None
        assert latest + a.required_rate * (horizon - 2020) == pytest.approx(target, abs=1e-9)


kinds = st.sampled_from(
    [
        GES_2030,
        NOX_PREPA,
        ObjectiveSpec(ObjectiveKind.TARGET, target_value=50),
        ObjectiveSpec(ObjectiveKind.TARGET, target_value=0, horizon_year=2025),
        ObjectiveSpec(
            ObjectiveKind.CHANGE, change_percent=30, baseline_year=2005, horizon_year=2040
        ),
        *(direction(d) for d in Direction),
    ]
)
measured = st.dictionaries(
    st.integers(min_value=2000, max_value=2035),
    st.integers(min_value=0, max_value=5_000),
    max_size=8,
)


@given(spec=kinds, values=measured, power=st.integers(min_value=-20, max_value=20))
def test_scaling_the_values_does_not_change_the_status(
    spec: ObjectiveSpec, values: dict[int, int], power: int
) -> None:
    # Powers of two scale floats exactly, so only the arithmetic's logic is under test.
    factor = 2.0**power
    scaled_spec = ObjectiveSpec(
        spec.kind,
        target_value=None if spec.target_value is None else spec.target_value * factor,
        horizon_year=spec.horizon_year,
        change_percent=spec.change_percent,
        baseline_year=spec.baseline_year,
        direction=spec.direction,
    )
    plain = assess(spec, [YearValue(y, v) for y, v in values.items()])
    scaled = assess(scaled_spec, [YearValue(y, v * factor) for y, v in values.items()])
    assert scaled.status is plain.status
    assert scaled.reached == plain.reached


@given(
    spec=kinds,
    values=st.dictionaries(
        st.integers(min_value=1990, max_value=2100),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
        max_size=10,
    ),
)
def test_any_series_gets_a_status_and_two_explanations(
    spec: ObjectiveSpec, values: dict[int, float]
) -> None:
    a = assess(spec, [YearValue(y, v) for y, v in values.items()])
    assert a.status in Status
    assert a.explanation_fr and a.explanation_en
    prefix = {
        Status.ON_TRACK: ("En bonne voie", "On track"),
        Status.OFF_TRACK: ("En retard", "Off track"),
        Status.NOT_MEASURABLE: ("Non mesurable", "Not measurable"),
    }[a.status]
    assert a.explanation_fr.startswith(prefix[0])
    assert a.explanation_en.startswith(prefix[1])


def test_large_quantities_have_no_needless_decimals() -> None:
    a = assess(GES_2030, series((2015, 1800.5), (2022, 1595)), unit="kt CO2e")
    assert a.expected is not None and a.expected > 1000
    expected = f"{round(a.expected):,}".replace(",", "\u202f")
    assert f"{expected}\u00a0kt CO2e attendus en 2022" in a.explanation_fr
