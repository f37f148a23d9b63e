"""The Alliance's rules for a session plan, and French date formatting."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from alliance_desktop.core import dates, i18n, rules


def codes(start: dt.time, end: dt.time) -> set[str]:
    return {w.code for w in rules.check_plan(start, end)}


def test_two_hours_ending_at_seven_is_fine() -> None:
    assert codes(dt.time(17, 0), dt.time(19, 0)) == set()


def test_too_long_and_too_late() -> None:
    assert codes(dt.time(16, 30), dt.time(18, 45)) == {"too_long"}
    assert codes(dt.time(18, 0), dt.time(19, 30)) == {"too_late"}
    assert codes(dt.time(17, 0), dt.time(19, 15)) == {"too_long", "too_late"}
    assert codes(dt.time(18, 0), dt.time(17, 0)) == {"end_before_start"}


@given(st.times(), st.times())
def test_warnings_match_the_arithmetic(start: dt.time, end: dt.time) -> None:
    start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    found = codes(start, end)
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        assert found == {"end_before_start"}
    else:
        assert ("too_long" in found) == (minutes > 120)
        assert ("too_late" in found) == (end > dt.time(19, 0))


def test_session_end_is_the_earliest_of_two_hours_the_plan_and_seven() -> None:
    day = dt.date(2024, 5, 29)
    at = dt.datetime.combine

    def end(start: dt.time, planned: dt.time | None) -> tuple[dt.time, rules.EndLimit]:
        found = rules.session_end(at(day, start), at(day, planned) if planned else None)
        return found.at.time(), found.limit

    assert end(dt.time(14, 23), dt.time(19, 0)) == (dt.time(16, 23), rules.EndLimit.TWO_HOURS)
    assert end(dt.time(17, 0), dt.time(18, 30)) == (dt.time(18, 30), rules.EndLimit.PLANNED_END)
    assert end(dt.time(17, 30), None) == (dt.time(19, 0), rules.EndLimit.LATEST_END)
    assert end(dt.time(17, 0), dt.time(19, 0)) == (dt.time(19, 0), rules.EndLimit.LATEST_END)
    # A planned end before the start is no limit: the two hours and 19:00 still are.
    assert end(dt.time(15, 0), dt.time(14, 0)) == (dt.time(17, 0), rules.EndLimit.TWO_HOURS)


_DAYS = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1))


@given(_DAYS, st.one_of(st.none(), _DAYS))
def test_session_end_never_exceeds_two_hours_nor_seven(
    start: dt.datetime, planned: dt.datetime | None
) -> None:
    found = rules.session_end(start, planned).at
    assert found <= start + rules.MAX_DURATION
    assert found <= dt.datetime.combine(start.date(), rules.LATEST_END)
    if planned is not None and planned > start:
        assert found <= planned


def test_french_and_english_dates() -> None:
    assert dates.long_date(dt.date(2024, 5, 29), "fr") == "29 mai 2024"
    assert dates.long_date(dt.date(2024, 2, 6), "fr") == "6 février 2024"
    assert dates.long_date(dt.date(2024, 5, 29), "en") == "29 May 2024"
    i18n.set_language("en")
    try:
        assert rules.check_plan(dt.time(18), dt.time(19, 30))[0].message.startswith("The session")
    finally:
        i18n.set_language("fr")
