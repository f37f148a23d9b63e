"""Every string bound for a document or a spreadsheet passes through here, once."""

from __future__ import annotations

import re
from typing import Final

from babel.numbers import format_decimal

# What XML 1.0 forbids (python-docx and openpyxl raise on them), minus the controls that
# carry meaning and are translated below; lone surrogates; the two non-characters.
_FORBIDDEN: Final = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Word's manual line break arrives as \x0b from a copy-paste; a form feed is a page break.
_LINE_BREAKS: Final = re.compile("\r\n?|\x0b|\u2028")
_PARAGRAPH_BREAKS: Final = re.compile("\x0c|\u2029")

NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"
# Written as Word's own non-breaking hyphen (w:noBreakHyphen) by the document writer.
NB_HYPHEN: Final = "\u2011"

# « Note : », « quoi ? », but not « 17:30 », « https://… » or « :) ».
_SPACE_BEFORE: Final = re.compile(r"[ \u202f]?([;:!?])(?=\s|$|[»)\];:!?])")
_AFTER_OPEN_QUOTE: Final = re.compile(r"«[ \u202f]?")
_BEFORE_CLOSE_QUOTE: Final = re.compile(r"[ \u202f]?»")
# Cells a spreadsheet would run as a formula (CSV/formula injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _join_surrogate_pairs(text: str) -> str:
    # A pair of surrogates (an emoji that went through UTF-16) is a real character: keep
    # it; only the lone halves are dropped afterwards.
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return (
        text.encode("utf-16-le", "surrogatepass")
        .decode("utf-16-le", "replace")
        .replace("\ufffd", "")
    )


def clean(text: object) -> str:
    """A string any XML writer accepts: forbidden characters removed, breaks kept.

    Tabs stay tabs, every kind of line break becomes a newline and a form feed becomes a
    paragraph break (a blank line), so that text pasted from a PDF keeps its shape.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    s = _join_surrogate_pairs(s)
    s = _LINE_BREAKS.sub("\n", s)
    s = _PARAGRAPH_BREAKS.sub("\n\n", s)
    return _FORBIDDEN.sub("", s)


def _prev_is_word(text: str, start: int) -> bool:
    if start == 0:
        return False
    prev = text[start - 1]
    return not prev.isspace() and prev not in ";:!?«"


def french_typography(text: str) -> str:
    """Non-breaking spaces before « : ; ? ! » and inside guillemets."""
    if not any(c in text for c in ";:!?«»"):
        return text

    def before(m: re.Match[str]) -> str:
        if not _prev_is_word(text, m.start()):
            return m.group(0)
        return NBSP + m.group(1)

    text = _SPACE_BEFORE.sub(before, text)
    text = _AFTER_OPEN_QUOTE.sub("«" + NBSP, text)
    return _BEFORE_CLOSE_QUOTE.sub(NBSP + "»", text)


def prose(text: object, lang: str = "fr") -> str:
    """Clean text for a document, with French typography when the document is French."""
    s = clean(text)
    return french_typography(s) if lang == "fr" else s


def paragraphs(text: object) -> list[str]:
    """Split a cleaned text into paragraphs on blank lines, dropping empty ones."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", clean(text)) if p.strip()]


def spreadsheet_cell(value: object) -> str:
    """A text cell a spreadsheet will show as text, never evaluate as a formula."""
    raw = value if isinstance(value, str) else str(value)
    s = clean(raw)
    # Check before and after cleaning: a CR becomes a newline, and a stripped control
    # character may have hidden an « = ».
    if raw.startswith(_FORMULA_START) or s.startswith(_FORMULA_START):
        return "'" + s
    return s


def number(value: float, lang: str = "fr") -> str:
    """A number as the users write it: « 1 234,5 », « −69 »."""
    locale = "en_GB" if lang == "en" else "fr_FR"
    s = format_decimal(value, format="#,##0.##", locale=locale)
    return s.replace("-", MINUS) if lang == "fr" else s


def percent(value: float, lang: str = "fr") -> str:
    """A signed change in percent: « −69 % », "-69 %"."""
    sign = "+" if value > 0 else ""
    return f"{sign}{number(value, lang)}{NBSP}%"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def unbroken(name: str) -> str:
    """A name whose hyphens never end a line: « Clermont-Ferrand » stays whole."""
    return name.replace("-", NB_HYPHEN)
