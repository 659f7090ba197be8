"""Governance for a running bot or a command: the owners file (re-read when it changes), the review state
of each term, and "Still accurate" recorded. Dates are days in the team's time zone (DIGEST_TZ)."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from ..glossary.lookup import Glossary
from ..glossary.model import Problem, Term
from ..state.store import Store
from ..state.verifications import Recorded, Verifications
from ..term_requests.rules import TermRequest
from .owners import OwnersFile, Ownership, read_owners, request_owners
from .staleness import ReviewState, Verification, review_state, review_states

log = logging.getLogger(__name__)


class Governance:
    def __init__(self, owners_file: Path, store: Store | None, tz: ZoneInfo | None = None):
        """With no store (a command run where no state database exists yet) nothing was verified in Slack."""
        self.owners_file = owners_file
        self.book = Verifications(store) if store is not None else None
        self.tz = tz or ZoneInfo("UTC")
        self._lock = threading.Lock()
        self._owners: tuple[int | None, OwnersFile] | None = None
        self._problems: list[Problem] = []
        self._ownership: tuple[int, OwnersFile, Ownership] | None = None

    def for_team(self, store: Store) -> Governance:
        """The same owners file and time zone, with `store`'s team's reviews ("Still accurate" is per team)."""
        view = copy.copy(self)
        view.book = Verifications(store)
        return view

    def today(self) -> dt.date:
        return dt.datetime.now(self.tz).date()

    def owners(self) -> OwnersFile:
        """The owners file as it is now: read again whenever its modification time changes. A version that
        cannot be used at all keeps the last good one (no owners when there never was one), so a typo in
        owners.yml never stops a card; side_file_problems() says why, for `check` and the reviewer Home."""
        try:
            stamp: int | None = self.owners_file.stat().st_mtime_ns
        except OSError:
            stamp = None
        with self._lock:
            if self._owners is None or self._owners[0] != stamp:
                owners, problems = read_owners(self.owners_file)
                for problem in problems:
                    log.warning("%s", problem)
                if owners is None:
                    owners = self._owners[1] if self._owners else OwnersFile(path=str(self.owners_file))
                self._owners = (stamp, owners)
                self._problems = problems
            return self._owners[1]

    def side_file_problems(self) -> list[Problem]:
        """What is wrong with the owners file as it is now (errors and warnings, each with its line)."""
        self.owners()
        with self._lock:
            return list(self._problems)

    def ownership(self, glossary: Glossary) -> Ownership:
        owners = self.owners()
        with self._lock:
            cached = self._ownership
            if cached is None or cached[0] != id(glossary) or cached[1] is not owners:
                cached = (id(glossary), owners, Ownership(owners, glossary.terms.values()))
                self._ownership = cached
            return cached[2]

    def _day(self, recorded: Recorded) -> Verification:
        return Verification(recorded.slug, recorded.by, recorded.at.astimezone(self.tz).date())

    def verifications(self) -> dict[str, Verification]:
        latest = self.book.latest() if self.book else {}
        return {slug: self._day(r) for slug, r in latest.items()}

    def state(self, term: Term) -> ReviewState:
        found = self.book.latest_for(term.slug) if self.book else None
        return review_state(term, self._day(found) if found else None, self.owners().intervals, self.today())

    def states(self, glossary: Glossary) -> dict[str, ReviewState]:
        return review_states(glossary.terms, self.verifications(), self.owners().intervals, self.today())

    def verify(self, term: Term, by: str) -> ReviewState:
        """ "Still accurate": recorded with who and when; the term is not due until its next interval."""
        if self.book is None:
            raise RuntimeError("no state database to record the review in")
        self.book.record(term.slug, by)
        return self.state(term)

    def owners_for_request(self, glossary: Glossary, request: TermRequest) -> tuple[str, ...]:
        """Who answers for a request: its term's owners and its categories' owners (none for a new term)."""
        term = glossary.get(request.linked_slug) if request.linked_slug else None
        return self.owners_for_term(glossary, term)

    def owners_for_term(self, glossary: Glossary, term: Term | None) -> tuple[str, ...]:
        """Who answers for a term: its owners, and the owners of its categories."""
        return request_owners(self.ownership(glossary), term)


def lookup_counts(runtime: object, days: int = 90) -> dict[str, int]:
    """slug -> lookups that found it: Runtime.lookup_counts from the lookup analytics work, {} until it lands."""
    counts = getattr(runtime, "lookup_counts", None)
    return dict(counts(days)) if callable(counts) else {}


def feedback_counts(runtime: object) -> dict[str, tuple[int, int]] | None:
    """HOOK (explain-feedback work): slug -> (helpful, not helpful) from Runtime.feedback_counts. None until
    it lands, and the digest then leaves its 👎 part out instead of claiming there was none."""
    counts = getattr(runtime, "feedback_counts", None)
    return dict(counts()) if callable(counts) else None
