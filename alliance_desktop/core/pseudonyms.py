"""Finding people's names and e-mail addresses in free text, to pseudonymise or erase them."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# What an erased name or address becomes in the texts that mentioned it.
ERASED_NAME: Final = "[nom effacé]"
ERASED_EMAIL: Final = "[adresse effacée]"
# A last name shorter than this, alone, is too likely to be an ordinary word (« Ba », « Li »
# are names, « la », « le » are not, and both fold the same); such names are still found
# in full (first and last name together).
MIN_ALONE: Final = 3

_LIGATURES: Final = {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"}


_COMBINING: Final = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_WORD: Final = re.compile(r"\w+")
_LIGATURE_TABLE: Final = str.maketrans(_LIGATURES)


def fold(text: str) -> str:
    """Lower case without accents: « Hélène » and "HELENE" both give "helene"."""
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURE_TABLE).casefold())
    return _COMBINING.sub("", folded)


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch) if not unicodedata.combining(ch) else ""


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            out.append(c)
            where.append(i)
    return "".join(out), where


class MentionKind(StrEnum):
    """How a person is mentioned in a text."""

    FULL_NAME = "full_name"
    LAST_NAME = "last_name"
    EMAIL = "email"


@dataclass(frozen=True)
class PersonName:
    """What identifies a person in a text: names and e-mail addresses, any key of ours."""

    key: Hashable
    first_name: str = ""
    last_name: str = ""
    emails: tuple[str, ...] = ()
    # Earlier spellings (before a rectification, from another laptop): found as well.
    other_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Mention:
    """Where a text mentions a person: ``text[start:end]``."""

    start: int
    end: int
    key: Hashable
    kind: MentionKind


def _words(name: str) -> str:
    # Names are matched word for word, whatever spaces or hyphens separate their parts.
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", fold(name).strip()) if p]
    return r"[\s\-]+".join(parts)


class MentionFinder:
    """Finds the mentions of a set of people in texts, ignoring case and accents.

    A person is found by their first and last name together (in either order), by an
    e-mail address, and by their last name alone when it is written with a capital.
    Each pattern is filed under a word it cannot match without (the last name's first
    word, the address's first word), so that a text is folded and searched only when it
    contains one of those words: scanning thousands of texts stays fast.
    """

    def __init__(self, people: Iterable[PersonName]) -> None:
        """Prepare the patterns of ``people`` (their key is returned with each mention)."""
        self._by_word: dict[str, list[tuple[re.Pattern[str], Hashable, MentionKind]]] = {}
        for p in people:
            names = {(p.first_name, p.last_name), *p.other_names}
            for first, last in sorted(names):
                words = _WORD.findall(fold(last))
                if not words:
                    continue
                f, la = _words(first), _words(last)
                # A name glued to another word by a hyphen is part of another name or
                # word: « Petit-duc scops » is a bird, « Jean Petit-Martin » someone else.
                if f:
                    self._add(
                        words[0],
                        rf"(?<!\w)(?<!\w-){f}[\s\-]+{la}(?!\w)(?!-\w)",
                        p.key,
                        MentionKind.FULL_NAME,
                    )
                    self._add(
                        words[0],
                        rf"(?<!\w)(?<!\w-){la}[\s\-]+{f}(?!\w)(?!-\w)",
                        p.key,
                        MentionKind.FULL_NAME,
                    )
                if len(fold(last).strip()) >= MIN_ALONE:
                    self._add(
                        words[0],
                        rf"(?<!\w)(?<!\w-){la}(?!\w)(?!-\w)",
                        p.key,
                        MentionKind.LAST_NAME,
                    )
            for email in p.emails:
                e = fold(email).strip()
                words = _WORD.findall(e)
                if words:
                    pattern = rf"(?<![\w.+\-]){re.escape(e)}(?![\w\-])"
                    self._add(words[0], pattern, p.key, MentionKind.EMAIL)

    def _add(self, word: str, pattern: str, key: Hashable, kind: MentionKind) -> None:
        entry = (re.compile(pattern), key, kind)
        patterns = self._by_word.setdefault(word, [])
        if not any(x[0].pattern == pattern and x[1] == key for x in patterns):
            patterns.append(entry)

    def __bool__(self) -> bool:
        """Whether there is anything to look for."""
        return bool(self._by_word)

    def find(self, text: str | None) -> list[Mention]:
        """The mentions in ``text``, in order, overlapping ones resolved to the longest."""
        if not text or not self._by_word:
            return []
        candidates = [
            entry
            for word in set(_WORD.findall(fold(text)))
            for entry in self._by_word.get(word, ())
        ]
        if not candidates:
            return []
        folded, where = _fold_with_positions(text)
        found: list[Mention] = []
        for pattern, key, kind in candidates:
            for hit in pattern.finditer(folded):
                start, end = where[hit.start()], where[hit.end() - 1] + 1
                # A last name alone counts only as a proper noun: « M. Blanc », not « blanc ».
                if kind is MentionKind.LAST_NAME and not any(c.isupper() for c in text[start:end]):
                    continue
                found.append(Mention(start, end, key, kind))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        for mention in found:
            if kept and mention.start < kept[-1].end:
                continue
            kept.append(mention)
        return kept

    def mentions(self, text: str | None) -> bool:
        """Whether ``text`` mentions any of the people."""
        return bool(self.find(text))

    def replace(self, text: str, by: Callable[[Mention], str]) -> str:
        """``text`` with each mention replaced by what ``by`` returns for it."""
        mentions = self.find(text)
        if not mentions:
            return text
        out: list[str] = []
        pos = 0
        for m in mentions:
            out.append(text[pos : m.start])
            out.append(by(m))
            pos = m.end
        out.append(text[pos:])
        return "".join(out)


def erase_mentions(text: str, finder: MentionFinder) -> str:
    """``text`` with the names and addresses found replaced by neutral markers."""
    return finder.replace(
        text, lambda m: ERASED_EMAIL if m.kind is MentionKind.EMAIL else ERASED_NAME
    )


def pseudonym(n: int, lang: str = "fr") -> str:
    """The ``n``-th pseudonym (1-based): « Participant·e 1 », "Participant 1"."""
    return f"Participant·e {n}" if lang == "fr" else f"Participant {n}"


class Pseudonymiser:
    """Replaces people by stable pseudonyms in a public version of a document.

    Pseudonyms are numbered in the order the people are given (the order of the
    attendance list, say), so the same list always gives the same pseudonyms.
    """

    def __init__(self, people: Sequence[PersonName], lang: str = "fr") -> None:
        """Number ``people`` in order; a key given twice keeps its first number."""
        self._names: dict[Hashable, str] = {}
        for p in people:
            if p.key not in self._names:
                self._names[p.key] = pseudonym(len(self._names) + 1, lang)
        self._finder = MentionFinder(people)

    def name(self, key: Hashable) -> str:
        """The pseudonym of the person with ``key``.

        Raises:
            KeyError: the person was not given to the pseudonymiser.
        """
        return self._names[key]

    def text(self, text: str) -> str:
        """``text`` with every mention of the people replaced by their pseudonym."""
        return self._finder.replace(text, lambda m: self._names[m.key])
