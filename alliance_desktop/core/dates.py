"""Dates and times as the users write them (« 29 mai 2024 », « 17 h 30 »)."""

import datetime as dt

from babel.dates import format_date, format_time

from alliance_desktop.core.i18n import language


def long_date(day: dt.date, lang: str | None = None) -> str:
    """« 29 mai 2024 » in French, "29 May 2024" in English."""
    lang = lang or language()
    if lang == "en":
        return format_date(day, "d MMMM y", locale="en_GB")
    return format_date(day, "d MMMM y", locale="fr_FR")


def short_date(day: dt.date, lang: str | None = None) -> str:
    """« 29 mai » / "29 May", for lists where the year is shown elsewhere."""
    lang = lang or language()
    return format_date(day, "d MMM", locale="en_GB" if lang == "en" else "fr_FR")


def clock(t: dt.time, lang: str | None = None) -> str:
    """« 17:30 » in both languages: the 24-hour clock the Alliance uses."""
    return format_time(t, "HH:mm", locale="en_GB" if (lang or language()) == "en" else "fr_FR")
