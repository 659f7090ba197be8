"""How often each kind of term is looked at again: `review_days` in the owners file, by status.

Defaults: approved 180 days, reviewed 90, draft 30. A deprecated term is never due: it is kept for
reference and nobody should spend a review on it; `review_days: {deprecated: N}` opts it back in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..glossary.model import TermStatus

DEFAULT_DAYS: dict[TermStatus, int | None] = {
    TermStatus.APPROVED: 180,
    TermStatus.REVIEWED: 90,
    TermStatus.DRAFT: 30,
    TermStatus.DEPRECATED: None,
}
MAX_DAYS = 3650  # ten years: anything longer is a typo, not a policy


@dataclass(frozen=True)
class ReviewIntervals:
    approved: int | None = DEFAULT_DAYS[TermStatus.APPROVED]
    reviewed: int | None = DEFAULT_DAYS[TermStatus.REVIEWED]
    draft: int | None = DEFAULT_DAYS[TermStatus.DRAFT]
    deprecated: int | None = DEFAULT_DAYS[TermStatus.DEPRECATED]

    def days(self, status: str) -> int | None:
        """The interval for a status, in days; None: terms with this status are never due."""
        value: int | None = getattr(self, str(status), None)
        return value


def read_review_days(value: object, report: Callable[[str, str], None]) -> ReviewIntervals:
    """`review_days` from the owners file; each status left out keeps its default."""
    if value is None:
        return ReviewIntervals()
    if not isinstance(value, dict):
        report("review_days", "must map statuses to numbers of days, e.g. {approved: 180}")
        return ReviewIntervals()
    chosen: dict[str, int] = {}
    for status, days in value.items():
        where = f"review_days.{status}"
        if status not in TermStatus._value2member_map_:
            report(where, f"is not a status; use {', '.join(s.value for s in TermStatus)}")
        elif isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            shown = repr(days) if len(repr(days)) <= 40 else repr(days)[:39] + "…"
            report(where, f"must be a whole number of days from 1 to {MAX_DAYS}, not {shown}")
        else:
            chosen[str(status)] = days
    return ReviewIntervals(**chosen)
