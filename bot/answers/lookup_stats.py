"""What `/define stats` and `python -m bot stats` report: lookups, hit rate, surfaces, top terms, top misses,
and how helpful people found each card (the "Helpful?" votes, the terms with the most 👎 first).

One function computes it for both, so Slack and the terminal never disagree. A miss is listed with how
often it was asked and the request filed for it, if any: the glossary's to-do list, with no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..glossary.lookup import Glossary
from ..state.lookups import FOUND, LookupLog
from ..state.rollups import day_of, midnight
from ..state.store import now

DEFAULT_DAYS = 30
MAX_DAYS = 3650
TOP = 10


@dataclass(frozen=True)
class TermCount:
    slug: str
    term: str  # the term's name, or its slug when it has left the glossary since
    count: int


@dataclass(frozen=True)
class MissCount:
    query: str  # normalised, as stored
    count: int
    request: int | None = None  # the number of the request filed for this term, if any
    request_status: str | None = None


@dataclass(frozen=True)
class TermFeedback:
    """The "Helpful?" votes on one term's card, all time: one vote per person, their latest."""

    slug: str
    term: str  # the term's name, or its slug when it has left the glossary since
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class LookupStats:
    days: int
    since: dt.datetime
    total: int
    found: int  # lookups that showed a term (a hit or a comparison)
    by_outcome: dict[str, int]
    by_surface: dict[str, int]
    top_terms: tuple[TermCount, ...]
    top_misses: tuple[MissCount, ...]
    feedback: tuple[TermFeedback, ...] = ()  # the terms with the most 👎 first; all time, not `days`

    @property
    def hit_rate(self) -> float:
        """The share of lookups that showed a term, 0 to 1 (0 when there were none)."""
        return self.found / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "days": self.days,
            "since": self.since.isoformat(),
            "lookups": self.total,
            "hit_rate": round(self.hit_rate, 4),
            "by_outcome": self.by_outcome,
            "by_surface": self.by_surface,
            "top_terms": [{"slug": t.slug, "term": t.term, "count": t.count} for t in self.top_terms],
            "top_misses": [
                {"query": m.query, "count": m.count, "request": m.request, "request_status": m.request_status}
                for m in self.top_misses
            ],
            "feedback": [
                {"slug": f.slug, "term": f.term, "helpful": f.helpful, "not_helpful": f.not_helpful}
                for f in self.feedback
            ],
        }


def helpfulness(counts: dict[str, tuple[int, int]], glossary: Glossary, limit: int = TOP) -> tuple[TermFeedback, ...]:
    """The terms people voted on, those with the most 👎 first (then the most votes): the cards to fix first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][1], -(kv[1][0] + kv[1][1]), kv[0]))
    found = []
    for slug, (helpful, not_helpful) in ranked:
        if helpful + not_helpful == 0:
            continue
        term = glossary.get(slug)
        found.append(TermFeedback(slug, term.term if term else slug, helpful, not_helpful))
    return tuple(found[:limit])


def lookup_stats(
    lookups: LookupLog,
    glossary: Glossary,
    days: int = DEFAULT_DAYS,
    limit: int = TOP,
    feedback: dict[str, tuple[int, int]] | None = None,
) -> LookupStats:
    since = midnight(day_of(now() - dt.timedelta(days=days)))  # whole days: what the daily counts hold
    by_outcome: dict[str, int] = {}
    by_surface: dict[str, int] = {}
    for (surface, outcome), n in lookups.counts(since).items():
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        by_surface[surface] = by_surface.get(surface, 0) + n
    top_terms = []
    for slug, n in list(lookups.counts_by_slug(since).items())[:limit]:
        term = glossary.get(slug)
        top_terms.append(TermCount(slug, term.term if term else slug, n))
    misses = lookups.top_misses(since, limit)
    requested = lookups.requests_for(q for q, _ in misses)
    top_misses = tuple(MissCount(q, n, *requested.get(q, (None, None))) for q, n in misses)
    return LookupStats(
        days=days,
        since=since,
        total=sum(by_outcome.values()),
        found=sum(by_outcome.get(o, 0) for o in FOUND),
        by_outcome=_most_first(by_outcome),
        by_surface=_most_first(by_surface),
        top_terms=tuple(top_terms),
        top_misses=top_misses,
        feedback=helpfulness(feedback or {}, glossary, limit),
    )


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def stats_days(days: str, most: int = MAX_DAYS) -> int:
    """The days `stats [days]` asks for, from what follows the word (bot/ask.py reads the word itself).

    Raises ValueError, with the usage and the allowed range in words, for anything but nothing or a number
    of days from 1 to `most` (the lookup retention: older lookups are gone, so a longer window would quietly
    report fewer days than asked). A term called "stats" stays reachable in quotes: `/define "stats"`.
    """
    days = days.strip()
    most = max(1, min(most, MAX_DAYS))
    if not days:
        return min(DEFAULT_DAYS, most)
    if days.isdigit() and 1 <= int(days) <= most:
        return int(days)
    kept = f" (lookups are kept {most} days)" if most < MAX_DAYS else ""
    raise ValueError(f"`/define stats` or `/define stats 7`: a number of days from 1 to {most}{kept}")
