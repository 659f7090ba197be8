"""Finding the term someone means: exact names, aliases, typos, then the words of the definitions.

`normalise()` is the one notion of "the same text" used everywhere: by lookup, by the loader when it
resolves relationships, and by the request workflow when it asks whether a term already exists.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlite_utils.db import Database

from .model import Term

log = logging.getLogger(__name__)

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
_WORD = re.compile(r"\w+")

MAX_QUERY = 200  # no glossary name is longer; longer input is a question or a paste, not a name
FUZZY_CUTOFF = 75  # below this rapidfuzz's ratio pairs unrelated words (pizza, kubernetes)
FUZZY_LIMIT = 5
SEARCH_LIMIT = 10

# Words that carry no meaning in a question; left in, they make every definition match.
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from how i in is it me my of on or our so that the
    their them this to us was we what when where which who why will with you your""".split()
)


def normalise(text: str) -> str:
    """Fold case, Unicode compatibility forms, quotes and dashes; treat - _ and spaces alike."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") or ch.isspace())
    text = _SEPARATORS.sub(" ", text)
    return text.strip(_EDGE_PUNCTUATION)


def squash(key: str) -> str:
    """A normalised key with its separators removed: `fine tuning` and `finetuning` meet here."""
    return key.replace(" ", "")


@dataclass(frozen=True)
class Match:
    term: Term
    score: float  # 100 for an exact match; rapidfuzz's ratio for a typo; relevance for a search
    matched: str  # the name or alias that matched, as the glossary writes it


@dataclass(frozen=True)
class LookupResult:
    status: str  # "hit" | "ambiguous" | "suggestions" | "miss"
    query: str
    matches: tuple[Match, ...] = ()
    how: str = ""  # name | alias | squashed | fuzzy | search

    @property
    def term(self) -> Term | None:
        return self.matches[0].term if self.status == "hit" else None

    @property
    def offer(self) -> str:
        """What a non-hit offers the asker: "choice" (ambiguous), "did_you_mean" (typos),
        "matching_definitions" (a question answered by search) or "nothing" (a miss)."""
        if self.status == "ambiguous":
            return "choice"
        if self.status == "suggestions":
            return "matching_definitions" if self.how == "search" else "did_you_mean"
        return "nothing"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "query": self.query,
            "how": self.how,
            "terms": [
                {"slug": m.term.slug, "term": m.term.term, "score": round(m.score, 1), "matched": m.matched}
                for m in self.matches
            ],
        }


class NameIndex:
    """Exact-match keys for names and aliases, in precedence order.

    A term's own name always beats another term's alias; an alias that belongs to several terms is
    ambiguous. Used without the fuzzy step to resolve relationship targets.
    """

    def __init__(self, terms: list[Term]):
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

    def resolve(self, text: str) -> tuple[str, list[str], str]:
        """(how, slugs, key): slugs is empty when nothing matches exactly, several when ambiguous."""
        key = normalise(text)
        if not key:
            return "", [], key
        if key in self.by_name:
            return "name", [self.by_name[key]], key
        if key in self.by_alias:
            return "alias", self.by_alias[key], key
        flat = squash(key)
        if flat in self.by_squashed_name:
            return "squashed", self.by_squashed_name[flat], key
        if flat in self.by_squashed_alias:
            return "squashed", self.by_squashed_alias[flat], key
        return "", [], key


def _add(index: dict[str, list[str]], key: str, slug: str) -> None:
    slugs = index.setdefault(key, [])
    if slug not in slugs:
        slugs.append(slug)


class Glossary:
    """The loaded glossary, indexed for lookup. Built once per glossary version; read-only after."""

    def __init__(self, terms: list[Term], *, version: str = "", db_path: Path | None = None):
        self.terms: dict[str, Term] = {t.slug: t for t in terms}
        self.version = version
        self.db_path = db_path
        self.names = NameIndex(terms)
        # Fuzzy choices prepared once: every name and alias, normalised, with the term it points to.
        pairs = sorted({(key, slug) for (key, slug) in self.names.spelling})
        self._choice_keys = [key for key, _ in pairs]
        self._choice_slugs = [slug for _, slug in pairs]

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, slug: str) -> Term | None:
        return self.terms.get(slug)

    def resolve(self, name: str) -> LookupResult:
        """Exact rules only (name, alias, separators removed): no typo, no search."""
        how, slugs, key = self.names.resolve(name[:MAX_QUERY])
        if not slugs:
            return LookupResult("miss", name)
        matches = tuple(
            Match(self.terms[s], 100.0, self.names.spelling.get((key, s), self.terms[s].term)) for s in slugs
        )
        return LookupResult("hit" if len(slugs) == 1 else "ambiguous", name, matches, how)

    def find(self, query: str) -> LookupResult:
        """hit | ambiguous | suggestions | miss, for anything a person might type."""
        exact = self.resolve(query)
        if exact.status != "miss":
            return exact
        key = normalise(query[:MAX_QUERY])
        if not key:
            return LookupResult("miss", query)
        fuzzy = self._fuzzy(key)
        if fuzzy:
            return LookupResult("suggestions", query, fuzzy, "fuzzy")
        if len(_WORD.findall(key)) > 1:
            found = self._fts(query, FUZZY_LIMIT)
            if found:
                return LookupResult("suggestions", query, found, "search")
        return LookupResult("miss", query)

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> LookupResult:
        """Terms whose text mentions the words, best first; an exact name comes first of all."""
        exact = self.resolve(query)
        found = list(exact.matches)
        seen = {m.term.slug for m in found}
        for m in self._fts(query, limit):
            if m.term.slug not in seen:
                found.append(m)
                seen.add(m.term.slug)
        found = found[:limit]
        return LookupResult("suggestions" if found else "miss", query, tuple(found), "search")

    def complete(self, text: str, limit: int = 20) -> list[Term]:
        """Terms for a type-ahead menu: names or aliases containing what was typed, then close spellings."""
        key = normalise(text[:MAX_QUERY])
        if not key:
            return list(self.terms.values())[:limit]
        # partial_ratio scores 100 when the typed text appears inside a name: "quant" in "quantization"
        hits = process.extract(key, self._choice_keys, scorer=fuzz.partial_ratio, score_cutoff=85, limit=limit * 4)
        ranked = sorted(hits, key=lambda h: (-h[1], not self._choice_keys[h[2]].startswith(key), len(h[0])))
        found = [self.terms[self._choice_slugs[i]] for _, _, i in ranked]
        found += [m.term for m in self.find(text).matches]
        return list({t.slug: t for t in found}.values())[:limit]

    def _fuzzy(self, key: str) -> tuple[Match, ...]:
        # One rapidfuzz call over all names and aliases; several keys may point at one term.
        hits = process.extract(
            key, self._choice_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT * 4
        )
        best: dict[str, Match] = {}
        for choice, score, index in hits:
            slug = self._choice_slugs[index]
            if slug not in best:
                best[slug] = Match(self.terms[slug], float(score), self.names.spelling[(choice, slug)])
        return tuple(sorted(best.values(), key=lambda m: -m.score)[:FUZZY_LIMIT])

    def _fts(self, query: str, limit: int) -> tuple[Match, ...]:
        words = [w for w in _WORD.findall(normalise(query[:1000])) if w not in STOPWORDS][:16]
        if not words or self.db_path is None:
            return ()
        db = Database(sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True))
        try:
            # Each word quoted by sqlite-utils, so FTS syntax typed by a person is only ever text.
            match = " OR ".join(db.quote_fts(w) for w in words)
            rows = db.execute(
                "select t.slug, bm25(term_search_fts, 10.0, 8.0, 3.0, 1.0, 2.0, 2.0) as rank "
                "from term_search_fts join term_search t on t.rowid = term_search_fts.rowid "
                "where term_search_fts match ? order by rank limit ?",
                [match, limit],
            ).fetchall()
        except sqlite3.Error:
            log.exception("full-text search failed for %r", query[:100])
            return ()
        finally:
            db.conn.close()
        return tuple(
            Match(self.terms[slug], round(-rank, 2), self.terms[slug].term) for slug, rank in rows if slug in self.terms
        )
