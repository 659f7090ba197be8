"""When two pieces of text name the same thing: the one notion of sameness the glossary uses.

`normalise()` is used everywhere: by the validator (duplicate items), by the loader (relationship
targets, shared aliases), by lookup, and by the request workflow when it asks whether a term exists.
`NameIndex` is the exact-name part of lookup, with no typo step and no search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .model import MatchHow, Term

# Curly and typographic quotes fold to ASCII so that `organization’s` matches `organization's`.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
    }
)
# Hyphens of every kind, dashes, underscores and white space are all one separator.
_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]+")
# Punctuation around a query ("RAG?", "'LoRA'") is not part of the name.
_EDGE_PUNCTUATION = " '\"()[]{}<>?!.,;:*"


# ASCII's control characters that are not white space (white space becomes a separator below).
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def normalise(text: str) -> str:
    """Fold case, Unicode compatibility forms, quotes and dashes; treat - _ and spaces alike."""
    if text.isascii():
        # The common case, same result 10x faster: for ASCII, NFKC changes nothing, the quote table only
        # "`", casefold() is lower(), and the control characters to drop are ASCII's. A definition's line
        # breaks took every term's text down the slow path below: 40% of building the lookup index.
        if not text.isprintable():
            text = _ASCII_CONTROLS.sub("", text)
        return _SEPARATORS.sub(" ", text.replace("`", "'").lower()).strip(_EDGE_PUNCTUATION)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    if not text.isprintable():  # a printable text has no character of category C to drop
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") or ch.isspace())
    text = _SEPARATORS.sub(" ", text)
    return text.strip(_EDGE_PUNCTUATION)


def squash(key: str) -> str:
    """A normalised key with its separators removed: `fine tuning` and `finetuning` meet here."""
    return key.replace(" ", "")


class NameIndex:
    """Exact-match keys for names and aliases, in precedence order.

    A term's own name always beats another term's alias; an alias that belongs to several terms is
    ambiguous. Used without the fuzzy step to resolve relationship targets.
    """

    def __init__(self, terms: Iterable[Term]):
        self.by_name: dict[str, str] = {}
        self.by_alias: dict[str, list[str]] = {}
        self.by_squashed_name: dict[str, list[str]] = {}
        self.by_squashed_alias: dict[str, list[str]] = {}
        # the text each key came from, for "how it matched"
        self.spelling: dict[tuple[str, str], str] = {}
        for t in terms:
            for name in (t.term, t.slug):
                key = normalise(name)
                self.by_name.setdefault(key, t.slug)
                self.spelling.setdefault((key, t.slug), t.term)
                _add(self.by_squashed_name, squash(key), t.slug)
            for alias in t.aliases:
                key = normalise(alias)
                _add(self.by_alias, key, t.slug)
                self.spelling.setdefault((key, t.slug), alias)
                _add(self.by_squashed_alias, squash(key), t.slug)

    SAVED = ("by_name", "by_alias", "by_squashed_name", "by_squashed_alias", "spelling")

    @classmethod
    def from_state(cls, state: dict[str, object]) -> NameIndex:
        """An index from what `state()` returned: nothing is normalised again."""
        index = cls.__new__(cls)
        for name in cls.SAVED:
            setattr(index, name, state[name])
        return index

    def state(self) -> dict[str, object]:
        """The keys as plain dicts (saved with the glossary's index, see snapshot.py)."""
        return {name: getattr(self, name) for name in self.SAVED}

    def resolve(self, text: str) -> tuple[MatchHow, list[str], str]:
        """(how, slugs, key): slugs is empty when nothing matches exactly, several when ambiguous."""
        key = normalise(text)
        if not key:
            return MatchHow.NONE, [], key
        if key in self.by_name:
            return MatchHow.NAME, [self.by_name[key]], key
        if key in self.by_alias:
            return MatchHow.ALIAS, self.by_alias[key], key
        flat = squash(key)
        if flat in self.by_squashed_name:
            return MatchHow.SQUASHED, self.by_squashed_name[flat], key
        if flat in self.by_squashed_alias:
            return MatchHow.SQUASHED, self.by_squashed_alias[flat], key
        return MatchHow.NONE, [], key


def _add(index: dict[str, list[str]], key: str, slug: str) -> None:
    slugs = index.setdefault(key, [])
    if slug not in slugs:
        slugs.append(slug)
