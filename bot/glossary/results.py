"""What a lookup answers: the terms it matched, how, and for a miss the closest terms in meaning. Plain values,
shared by lookup.py and everything that shows an answer (Slack, the terminal, MCP, analytics)."""

from __future__ import annotations

from dataclasses import dataclass

from .model import LookupStatus, MatchHow, Term
from .terminology import UsageNote


@dataclass(frozen=True)
class Match:
    term: Term
    score: float  # 100 for an exact match; lower for a typo, an inflection or a search
    matched: str  # the name or alias that matched, as the glossary writes it


@dataclass(frozen=True)
class LookupResult:
    status: LookupStatus
    query: str
    matches: tuple[Match, ...] = ()
    how: MatchHow = MatchHow.NONE
    # A miss's nearest terms in meaning, shown as "closest in the glossary", never as an answer.
    closest: tuple[Match, ...] = ()
    # The label asked for is deprecated or forbidden: the hit is the term to say instead (terminology.py).
    usage: UsageNote | None = None

    @property
    def term(self) -> Term | None:
        return self.matches[0].term if self.status == LookupStatus.HIT else None

    @property
    def compared(self) -> tuple[Term, Term] | None:
        """Both terms of a comparison ("X vs Y"), else None."""
        if self.status == LookupStatus.COMPARISON and len(self.matches) == 2:
            return self.matches[0].term, self.matches[1].term
        return None

    @property
    def offer(self) -> str:
        """What a non-hit offers the asker: "choice" (ambiguous), "did_you_mean" (typos),
        "matching_definitions" (a question answered by search), "comparison" or "nothing" (a miss)."""
        if self.status == LookupStatus.AMBIGUOUS:
            return "choice"
        if self.status == LookupStatus.COMPARISON:
            return "comparison"
        if self.status == LookupStatus.SUGGESTIONS:
            return "matching_definitions" if self.how == MatchHow.SEARCH else "did_you_mean"
        return "nothing"

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "query": self.query,
            "how": self.how,
            "terms": [_match_dict(m) for m in self.matches],
            "closest": [_match_dict(m) for m in self.closest],
            **({"usage": self.usage.as_dict(), "say_instead": self.usage.sentence} if self.usage else {}),
        }


def _match_dict(m: Match) -> dict[str, object]:
    return {"slug": m.term.slug, "term": m.term.term, "score": round(m.score, 1), "matched": m.matched}
