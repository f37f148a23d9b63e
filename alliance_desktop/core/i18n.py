"""Interface language for the Qt-free layers: French by default, English on request."""

from typing import Final

SUPPORTED: Final = ("fr", "en")
_current = "fr"


def set_language(lang: str) -> None:
    """Choose the language of messages and documents (``fr`` or ``en``)."""
    global _current
    _current = lang if lang in SUPPORTED else "fr"


def language() -> str:
    """The language in force."""
    return _current


def t(fr: str, en: str) -> str:
    """Pick the French or English wording of one message.

    Messages live next to the code that raises them, in both languages, so that a
    sentence and its translation cannot drift apart.
    """
    return en if _current == "en" else fr
