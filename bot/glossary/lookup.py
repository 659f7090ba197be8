"""Finding the term someone means: exact names, aliases, typos, then the words of the definitions.

The exact-name rules are `names.NameIndex` (shared with the loader); the full-text query is
`db.search`, beside the table it reads. This module ranks: exact, then fuzzy, then search.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from . import db
from .model import LookupStatus, MatchHow, Term
from .names import NameIndex, normalise
from .scan import Found, Scanner

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Match:
    term: Term
    score: float  # 100 for an exact match; rapidfuzz's ratio for a typo; relevance for a search
    matched: str  # the name or alias that matched, as the glossary writes it


@dataclass(frozen=True)
class LookupResult:
    status: LookupStatus
    query: str
    matches: tuple[Match, ...] = ()
    how: MatchHow = MatchHow.NONE

    @property
    def term(self) -> Term | None:
        return self.matches[0].term if self.status == LookupStatus.HIT else None

    @property
    def offer(self) -> str:
        """What a non-hit offers the asker: "choice" (ambiguous), "did_you_mean" (typos),
        "matching_definitions" (a question answered by search) or "nothing" (a miss)."""
        if self.status == LookupStatus.AMBIGUOUS:
            return "choice"
        if self.status == LookupStatus.SUGGESTIONS:
            return "matching_definitions" if self.how == MatchHow.SEARCH else "did_you_mean"
        return "nothing"

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "query": self.query,
            "how": self.how,
            "terms": [
                {"slug": m.term.slug, "term": m.term.term, "score": round(m.score, 1), "matched": m.matched}
                for m in self.matches
            ],
        }


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

    @cached_property
    def scanner(self) -> Scanner:
        """Every name and alias on one automaton: built on the first scan, once per glossary version."""
        return Scanner(self.terms.values())

    def scan(self, text: str) -> list[Found]:
        """Every term named in the text, in order of first appearance (see scan.py for what is skipped)."""
        return self.scanner.scan(text)

    def resolve(self, name: str) -> LookupResult:
        """Exact rules only (name, alias, separators removed): no typo, no search."""
        how, slugs, key = self.names.resolve(name[:MAX_QUERY])
        if not slugs:
            return LookupResult(LookupStatus.MISS, name)
        matches = tuple(
            Match(self.terms[s], 100.0, self.names.spelling.get((key, s), self.terms[s].term)) for s in slugs
        )
        status = LookupStatus.HIT if len(slugs) == 1 else LookupStatus.AMBIGUOUS
        return LookupResult(status, name, matches, how)

    def find(self, query: str) -> LookupResult:
        """hit | ambiguous | suggestions | miss, for anything a person might type."""
        exact = self.resolve(query)
        if exact.status != LookupStatus.MISS:
            return exact
        key = normalise(query[:MAX_QUERY])
        if not key:
            return LookupResult(LookupStatus.MISS, query)
        fuzzy = self._fuzzy(key)
        if fuzzy:
            return LookupResult(LookupStatus.SUGGESTIONS, query, fuzzy, MatchHow.FUZZY)
        if len(_WORD.findall(key)) > 1:
            found = self._fts(query, FUZZY_LIMIT)
            if found:
                return LookupResult(LookupStatus.SUGGESTIONS, query, found, MatchHow.SEARCH)
        return LookupResult(LookupStatus.MISS, query)

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
        status = LookupStatus.SUGGESTIONS if found else LookupStatus.MISS
        return LookupResult(status, query, tuple(found), MatchHow.SEARCH)

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
        try:
            found = db.search(self.db_path, words, limit)
        except sqlite3.Error:
            log.exception("full-text search failed for %r", query[:100])
            return ()
        return tuple(
            Match(self.terms[slug], score, self.terms[slug].term) for slug, score in found if slug in self.terms
        )
