"""What a new request may already be: a term the glossary has under another name, or an open request for the
same thing in other words. Shown to the person before they file ("LLM hallucinations" -> hallucination; "AI
coding vibes" -> the open request for vibe coding, with a vote instead of a duplicate), and to reviewers in
triage as likely duplicates. Offers only: the person still decides, and nothing is filed or merged here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from ..glossary import meaning
from ..glossary.lookup import Glossary
from ..glossary.model import LookupStatus, Term
from ..glossary.names import normalise
from .rules import RequestKind, TermRequest

SHOWN = 3
# How close in meaning (cosine, -1 to 1) an open request's words must be to count as the same ask. Measured on
# pairs of short names: "vibe coding" / "AI coding vibes" 0.76, "knowledge cutoff" / "training data cutoff
# date" 0.55, "red teaming" / "blue team" 0.36, unrelated names about 0. A static model misses paraphrases that
# share no word ("AI gateway" / "LLM proxy" 0.06): reviewers still see every open request in triage.
SAME_ASK = 0.5
SAME_SPELLING = 88  # rapidfuzz ratio of the normalised names: "vibe codeing" is "vibe coding"


@dataclass(frozen=True)
class Similar:
    terms: tuple[Term, ...] = ()  # in the glossary already, best first
    requests: tuple[TermRequest, ...] = ()  # open requests for the same thing, best first

    def __bool__(self) -> bool:
        return bool(self.terms or self.requests)


def similar_to(typed: str, glossary: Glossary, active: Iterable[TermRequest], *, exclude: int | None = None) -> Similar:
    """The glossary's terms and the open new-term requests that `typed` (a requested term) may already be."""
    return Similar(tuple(existing_terms(typed, glossary)), tuple(similar_requests(typed, active, exclude=exclude)))


def existing_terms(typed: str, glossary: Glossary) -> list[Term]:
    """Terms a request for `typed` would duplicate or overlap: what the lookup answers, offers or lists as
    closest with the meaning lane's agreement ("LLM hallucinations" -> hallucination)."""
    if not typed.strip():
        return []
    # The names inside the requested words, the last first: in a name the last word is the head ("LLM
    # hallucinations" are hallucinations), then what the lookup offers for the whole.
    named = [f.term for f in reversed(glossary.scan(typed))]
    found = glossary.ask(typed)
    offered = []
    if found.status in (LookupStatus.HIT, LookupStatus.AMBIGUOUS, LookupStatus.COMPARISON, LookupStatus.SUGGESTIONS):
        offered = [m.term for m in found.matches]
    return list({t.slug: t for t in [*named, *offered]}.values())[:SHOWN]


def similar_requests(typed: str, active: Iterable[TermRequest], *, exclude: int | None = None) -> list[TermRequest]:
    """Open new-term requests whose term means what `typed` means: the same words, or close in meaning."""
    key = normalise(typed)
    candidates = [r for r in active if r.active and r.kind == RequestKind.NEW and r.id != exclude]
    if not key or not candidates:
        return []
    same = [r for r in candidates if r.term_key == key or fuzz.ratio(r.term_key, key) >= SAME_SPELLING]
    rest = [r for r in candidates if r not in same]
    if not rest or not meaning.enabled():
        return same[:SHOWN]
    embedder = meaning.shared_embedder()
    vectors = embedder.embed([typed, *(r.term for r in rest)])
    scores = vectors[1:] @ vectors[0]
    close = [rest[i] for i in np.argsort(-scores) if scores[i] >= SAME_ASK]
    return (same + close)[:SHOWN]
