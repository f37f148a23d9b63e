"""Dates and times as the users write them (« 29 mai 2024 », « 17 h 30 »)."""

import datetime as dt
from functools import lru_cache

from babel.dates import format_date, format_time

from alliance_desktop.core.i18n import language


def long_date(day: dt.date, lang: str | None = None) -> str:
    """« 29 mai 2024 » in French, "29 May 2024" in English."""
    return _long_date(day, lang or language())


# Lists repaint the same few dates over and over; Babel's formatting is not free.
@lru_cache(maxsize=4096)
def _long_date(day: dt.date, lang: str) -> str:
    if lang == "en":
        return format_date(day, "d MMMM y", locale="en_GB")
    return format_date(day, "d MMMM y", locale="fr_FR")


def short_date(day: dt.date, lang: str | None = None) -> str:
    """« 29 mai » / "29 May", for lists where the year is shown elsewhere."""
    return _short_date(day, lang or language())


@lru_cache(maxsize=4096)
def _short_date(day: dt.date, lang: str) -> str:
    return format_date(day, "d MMM", locale="en_GB" if lang == "en" else "fr_FR")


def clock(t: dt.time, lang: str | None = None) -> str:
    """« 17:30 » in both languages: the 24-hour clock the Alliance uses."""
    return format_time(t, "HH:mm", locale="en_GB" if (lang or language()) == "en" else "fr_FR")
