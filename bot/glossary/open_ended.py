"""The last step of a lookup, for text that names no term: close spellings of names, full-text search and the
meaning lane, ranked together, or a miss that lists the terms closest in meaning.

Neither lane alone makes a confident answer here: a close spelling is "did you mean", terms found by their
text or their meaning are offered. What the scores are worth (the floors, when the two lanes agree) is
calibrated in ranking.py; this module only applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import meaning
from .meaning import MeaningIndex, Vectors
from .model import LookupStatus, MatchHow, Term
from .names import normalise
from .questions import machine_text
from .ranking import CONTEXT_FLOOR, CONTEXT_WORDS, MEANING_CANDIDATES, MEANING_CLOSEST, Ranker
from .results import LookupResult, Match
from .text_search import TextSearch
from .variants import stem, words

SUGGESTION_LIMIT = 5
CLOSEST_SHOWN = 3  # a miss lists at most this many terms closest in meaning


@dataclass
class Reading:
    """A text's words and their stems, worked out once for every term homonyms() checks against it."""

    said: list[str]
    stems: list[str]
    candidates: tuple[str, ...]  # where the rest's meaning is looked for; () for the whole glossary

    @classmethod
    def of(cls, text: str, candidates: tuple[str, ...] = ()) -> Reading:
        said = words(normalise(text))
        return cls(said, [stem(w) for w in said], candidates)


class OpenEnded:
    """One glossary version's open-ended step. Read-only: safe to share between threads."""

    def __init__(
        self, terms: Mapping[str, Term], ranker: Ranker, text_search: TextSearch, meaning_index: MeaningIndex | None
    ):
        self.terms = terms
        self.ranker = ranker
        self.text_search = text_search
        self.meaning = meaning_index

    def answer(self, query: str, key: str, *, described: str = "") -> LookupResult:
        """Suggestions for `key` (the normalised text, a question's frame dropped), or a miss below every floor.
        `described`: the whole text as typed, which is what the meaning lane reads."""
        typos = self.ranker.typos(key)
        vector = self.vector(described or key)  # None when the lane is off: one embedding for both uses below
        meant = self.meant(vector)
        floor = self.ranker.meaning_floor(key)
        near = floor - self.ranker.shared_words_margin
        offered = [
            (slug, score)
            for slug, score in meant
            if score >= floor or (score >= near and self.ranker.shares_words(slug, key))
        ]
        if offered and self.ranker.flat(key, [score for _, score in meant]):
            offered = []  # a long text close to many terms alike (a pasted status update) is about none of them
        # With a close spelling found, only terms holding every word may join it: any-word search is for
        # text that names no term, and would only add noise (and time) to a typo.
        searched = self.text_search.find(key, SUGGESTION_LIMIT, floor=self.ranker.search_floor, any_word=not typos)
        if vector is not None:
            searched = self._agreed(searched, vector)
        # A term's everyday name, as its own text gives it ("AI lying" for hallucination; said_names.py).
        loosely_named = self.ranker.said_in(described or query)
        if machine_text(described or query):  # a pasted log line: only a name it spells (above) counts
            offered, searched, loosely_named = [], [], []
        if offered or searched:
            reading = Reading.of(described or query, tuple(slug for slug, _ in meant))
            everyday = self.homonyms([slug for slug, _ in [*offered, *searched]], reading)
            offered = [(slug, score) for slug, score in offered if slug not in everyday]
            searched = [(slug, score) for slug, score in searched if slug not in everyday]
        if not typos and not searched and not offered and not loosely_named:
            closest = [m for m in meant if m[1] >= MEANING_CLOSEST][:CLOSEST_SHOWN]
            return LookupResult(LookupStatus.MISS, query, closest=self._matches(closest))
        seen: set[str] = set()
        matches: list[Match] = []
        for slug, score, spelling in typos:
            seen.add(slug)
            matches.append(Match(self.terms[slug], score, spelling))
        # What the text means comes before what merely shares its words (see ranking.py's calibration); an everyday
        # name sits between: the term's own wording, though it did not reach the meaning floor. Put before it, it took
        # first place from the right term in six development lines that use such a name in passing ("a 70B model").
        meaning_of = dict(meant)
        named = [(slug, meaning_of.get(slug, 0.0)) for slug in loosely_named]
        for slug, score in [*offered, *named, *searched]:
            if slug not in seen:
                seen.add(slug)
                matches.append(self._matches([(slug, score)])[0])
        # A close spelling of a name outranks a term whose definition merely shares words.
        # An everyday name is found in the term's own text, as a search finds words: SEARCH, with the lane on or off.
        how = MatchHow.FUZZY if typos else MatchHow.MEANING if offered else MatchHow.SEARCH
        return LookupResult(LookupStatus.SUGGESTIONS, query, tuple(matches[:SUGGESTION_LIMIT]), how)

    def homonyms(self, slugs: list[str], reading: Reading) -> set[str]:
        """Those of `slugs` the text names with a word in its everyday sense: with the term's name taken out,
        what is left says enough (CONTEXT_WORDS) and is close to nothing in the glossary (CONTEXT_FLOOR).
        "spent sunday pruning the roses" is not about pruning a model; "does pruning hurt our edge model" keeps
        its term. None with the meaning lane off: without it there is no reading of the rest."""
        if self.meaning is None or not meaning.enabled():
            return set()
        rests: dict[str, tuple[str, ...]] = {}
        for slug in slugs:
            named = self.ranker.name_stems(slug)
            if named.isdisjoint(reading.stems):
                continue
            rest = tuple(w for w, s in zip(reading.said, reading.stems, strict=True) if s not in named)
            if len(self.ranker.content_words(" ".join(rest))) >= CONTEXT_WORDS:
                rests[slug] = rest
        if not rests:
            return set()
        distinct = list(dict.fromkeys(rests.values()))  # many names share "model": each rest is read once
        vectors = meaning.shared_embedder().embed([" ".join(rest) for rest in distinct])
        about = {rest: self._best(vector, reading.candidates) for rest, vector in zip(distinct, vectors, strict=True)}
        return {slug for slug, rest in rests.items() if about[rest] < CONTEXT_FLOOR}

    def _best(self, vector: Vectors, candidates: tuple[str, ...]) -> float:
        """The best meaning score of a text in the glossary: among `candidates` (the whole text's closest terms,
        which hold whatever the rest is about, at the cost of a few terms' sentences), or all terms."""
        if self.meaning is None:
            return 100.0
        if not candidates:
            best = self.meant(vector)[:1]
            return best[0][1] if best else -100.0
        return 100.0 * max(self.meaning.score(vector, candidates).values(), default=-1.0)

    def vector(self, text: str) -> Vectors | None:
        """The text's meaning vector, or None when the meaning lane is off or the glossary has no vectors."""
        if self.meaning is None or not meaning.enabled():
            return None
        vector: Vectors = meaning.shared_embedder().embed([text])[0]
        return vector

    def meant(self, vector: Vectors | None) -> list[tuple[str, float]]:
        """The terms closest in meaning to a text's vector (scores -100 to 100); none without a vector."""
        if vector is None or self.meaning is None:
            return []
        return [(slug, 100.0 * score) for slug, score in self.meaning.rank(vector, MEANING_CANDIDATES)]

    def _agreed(self, searched: list[tuple[str, float]], vector: Vectors) -> list[tuple[str, float]]:
        """Full-text results the meaning lane does not contradict: both signals decide the floor, so a term that
        shares a word with a text about something else ("learning rate", "turing test") is not offered."""
        if not searched or self.meaning is None:
            return searched
        agree = self.meaning.score(vector, [slug for slug, _ in searched])
        return [
            (slug, score)
            for slug, score in searched
            if score >= self.ranker.agreed_search_floor and 100.0 * agree.get(slug, 0.0) >= self.ranker.agreement
        ]

    def _matches(self, scored: list[tuple[str, float]]) -> tuple[Match, ...]:
        return tuple(Match(self.terms[slug], score, self.terms[slug].term) for slug, score in scored)
