"""One owner's weekly digest, decided without Slack: their terms due for review (most looked-up first),
the 👎 feedback and change requests on their terms, and the open requests in their categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..glossary.lookup import Glossary
from ..glossary.model import Term
from ..term_requests.rules import RequestKind, TermRequest
from .owners import Ownership, holds
from .staleness import ReviewState


def digest_moment(now: dt.datetime, weekday: int, hour: int) -> dt.datetime:
    """When this week's digest goes out: `weekday` (Monday = 0) at `hour`, in now's own time zone."""
    monday = now.date() - dt.timedelta(days=now.weekday())
    day = monday + dt.timedelta(days=weekday)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=now.tzinfo)


def digest_due(now: dt.datetime, weekday: int, hour: int) -> bool:
    """Whether this week's digest time has come (a bot started later in the week still sends it)."""
    return now >= digest_moment(now, weekday, hour)


def week_of(day: dt.date) -> str:
    """The ISO week a day falls in, "2025-W11": the key of that week's digest."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DueTerm:
    term: Term
    state: ReviewState
    lookups: int = 0
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Digest:
    owner: str  # the person it is for (a user id: group rules are expanded before this)
    week: str
    due: list[DueTerm] = field(default_factory=list)
    change_requests: list[TermRequest] = field(default_factory=list)  # active, on terms they own
    open_requests: list[TermRequest] = field(default_factory=list)  # active, about terms in their categories
    not_helpful: list[tuple[Term, int]] = field(default_factory=list)  # 👎 counts on terms they own
    feedback_known: bool = False  # False until the feedback counts exist (the explain-feedback work)

    @property
    def empty(self) -> bool:
        return not (self.due or self.change_requests or self.open_requests or self.not_helpful)


def due_terms(
    glossary: Glossary,
    states: Mapping[str, ReviewState],
    ownership: Ownership,
    lookups: Mapping[str, int],
    slugs: Iterable[str] | None = None,
) -> list[DueTerm]:
    """Terms due for review (of `slugs`, or all), most looked-up first, then longest overdue."""
    wanted = glossary.terms.keys() if slugs is None else slugs
    found = [
        DueTerm(glossary.terms[s], states[s], lookups.get(s, 0), ownership.of(s).ids)
        for s in wanted
        if s in glossary.terms and s in states and states[s].stale
    ]
    found.sort(key=lambda d: (-d.lookups, d.state.due_since or dt.date.min, d.term.slug))
    return found


def build_digest(
    owner: str,
    day: dt.date,
    *,
    glossary: Glossary,
    ownership: Ownership,
    states: Mapping[str, ReviewState],
    members: Callable[[str], Iterable[str]],
    requests: Iterable[TermRequest],
    lookups: Mapping[str, int],
    feedback: Mapping[str, tuple[int, int]] | None = None,
) -> Digest:
    """The digest for one person for the week `day` falls in. `requests` are the active ones; `feedback`
    is slug -> (helpful, not helpful), or None when feedback is not recorded yet."""
    mine = set(ownership.slugs_owned_by(owner, members))
    changes: list[TermRequest] = []
    in_categories: list[TermRequest] = []
    for request in requests:
        term = glossary.get(request.linked_slug) if request.linked_slug else None
        if term is None:
            continue  # a new-term request names no term, so it is in no category yet
        if request.kind == RequestKind.CHANGE and term.slug in mine:
            changes.append(request)
        elif holds(owner, ownership.category_owners(term.categories), members):
            in_categories.append(request)
    not_helpful = [
        (glossary.terms[s], (feedback or {})[s][1])
        for s in sorted(mine)
        if s in glossary.terms and (feedback or {}).get(s, (0, 0))[1] > 0
    ]
    not_helpful.sort(key=lambda pair: (-pair[1], pair[0].slug))
    return Digest(
        owner=owner,
        week=week_of(day),
        due=due_terms(glossary, states, ownership, lookups, mine),
        change_requests=changes,
        open_requests=in_categories,
        not_helpful=not_helpful,
        feedback_known=feedback is not None,
    )
