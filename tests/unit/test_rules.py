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


def test_french_and_english_dates() -> None:
    assert dates.long_date(dt.date(2024, 5, 29), "fr") == "29 mai 2024"
    assert dates.long_date(dt.date(2024, 2, 6), "fr") == "6 février 2024"
    assert dates.long_date(dt.date(2024, 5, 29), "en") == "29 May 2024"
    i18n.set_language("en")
    try:
        assert rules.check_plan(dt.time(18), dt.time(19, 30))[0].message.startswith("The session")
    finally:
        i18n.set_language("fr")
