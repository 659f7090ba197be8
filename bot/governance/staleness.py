"""When a term is due for review. Its last verification is the later of the file's `last_reviewed` and the
latest "Still accurate" recorded in Slack; it is due from the day its status's interval runs out
(verified on 1 January with a 30-day interval: due from 31 January)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..glossary.model import Term
from .intervals import ReviewIntervals


@dataclass(frozen=True)
class Verification:
    """One "Still accurate": who said it, and on which day (in the team's time zone)."""

    slug: str
    by: str
    on: dt.date


@dataclass(frozen=True)
class ReviewState:
    slug: str
    last_verified: dt.date | None  # None: the file's date cannot be read and nobody verified it in Slack
    due_since: dt.date | None  # None: never due (a deprecated term), or no date to count from
    stale: bool
    verified_by: str | None = None  # who last said "Still accurate" in Slack, when that is the latest word
    verified_on: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "stale": self.stale,
            "due_since": _iso(self.due_since),
            "last_verified": _iso(self.last_verified),
            "verified_by": self.verified_by,
            "verified_on": _iso(self.verified_on),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def file_date(term: Term) -> dt.date | None:
    try:
        return dt.date.fromisoformat(term.last_reviewed.strip())
    except ValueError:
        return None


def review_state(
    term: Term, verification: Verification | None, intervals: ReviewIntervals, today: dt.date
) -> ReviewState:
    written = file_date(term)
    slack = verification.on if verification else None
    last = max((d for d in (written, slack) if d), default=None)
    # Slack's word is shown when it is the latest (or the same day: someone looked at it again).
    by = verification.by if verification and slack and (written is None or slack >= written) else None
    days = intervals.days(term.status)
    if days is None:
        return ReviewState(term.slug, last, None, False, by, slack if by else None)
    if last is None:
        return ReviewState(term.slug, None, None, True)
    due = last + dt.timedelta(days=days)
    return ReviewState(term.slug, last, due, today >= due, by, slack if by else None)


def review_states(
    terms: Mapping[str, Term],
    verifications: Mapping[str, Verification],
    intervals: ReviewIntervals,
    today: dt.date,
) -> dict[str, ReviewState]:
    return {slug: review_state(t, verifications.get(slug), intervals, today) for slug, t in terms.items()}


def day_words(day: dt.date, today: dt.date) -> str:
    """ "12 March" this year, "12 March 2024" otherwise: quiet enough for a card's facts line."""
    return f"{day.day} {day:%B}" + ("" if day.year == today.year else f" {day.year}")
