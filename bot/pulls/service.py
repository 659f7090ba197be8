"""Asking for a pull request: the change built from the core's own rules, then a ledger row and an outbox letter
written in one transaction. Asking again for the same change (a double click, a second `reviews pr`) finds the
row and queues nothing; the delivery worker (delivery.py) opens it on the git host.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ..config import Settings
from ..glossary.lookup import Glossary
from ..glossary.model import Term
from ..governance.service import Governance
from ..governance.writeback import CannotRewrite, set_last_reviewed, to_write
from ..state.outbox import LetterKind, Outbox
from ..state.pulls import PullLedger, PullRecord
from ..state.store import Store
from ..term_requests.book import RequestBook
from ..term_requests.drafts import DraftRefused, draft_path, draft_text
from ..term_requests.rules import MoveRefused, RequestKind, RequestStatus
from . import changes
from .changes import Change, NameOf, Verified

NOT_SET_UP = (
    "Pull requests are not set up: an admin sets GITHUB_REPO and a token (see README, 'Changes as pull requests')."
)


class PullRefused(ValueError):
    """This change cannot become a pull request; the message says why and what to do, in one line."""


class PullRequests:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        outbox: Outbox,
        requests: RequestBook,
        governance: Governance,
    ) -> None:
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.ledger = PullLedger(store)
        self.requests = requests
        self.governance = governance

    @property
    def configured(self) -> bool:
        return bool(self.settings.github_repo)

    def ask(self, change: Change, asked_by: str) -> tuple[PullRecord, bool]:
        """The change's pull request, queued unless it was already; (its record, whether this call queued it)."""
        if not self.configured:
            raise PullRefused(NOT_SET_UP)
        try:
            with self.store.writing() as conn:
                created = self.ledger.add(conn, change.branch, change.kind, change.request_id, asked_by)
                if created:
                    payload = {**change.as_payload(), "asked_by": asked_by, "request_id": change.request_id}
                    self.outbox.add(conn, LetterKind.PULL_REQUEST, payload, request_id=change.request_id)
                    if change.request_id is not None:  # the triage post shows "being opened"
                        update = {"request_id": change.request_id, "by": asked_by}
                        self.outbox.add(conn, LetterKind.TRIAGE_UPDATE, update, request_id=change.request_id)
        except IntegrityError:  # two asked at once and the other's row won: theirs is the one pull request
            created = False
        self.outbox.wake()
        record = self.ledger.get(change.branch)
        assert record is not None  # written above, or by whoever asked first
        return record, created

    # --- the three kinds of change -------------------------------------------------------------------

    def _reviewers(self, owner_ids: Sequence[str]) -> tuple[list[str], list[str]]:
        owners = self.governance.owners()
        return changes.reviewers_for(owner_ids or self.settings.reviewers, owners)

    def for_request(self, request_id: int, asked_by: str, name_of: NameOf) -> Change:
        """An approved new-term request's draft; an open request moves to drafting as it is approved."""
        if not self.configured:
            raise PullRefused(NOT_SET_UP)
        request = self.requests.get(request_id)
        if request.kind != RequestKind.NEW:
            raise PullRefused(f"Request #{request.id} asks to change a term: suggest the new text instead.")
        if not request.active:
            raise PullRefused(f"Request #{request.id} is {request.label.lower()}: reopen it first.")
        try:
            name = draft_path(request.term, Path(".")).name
        except DraftRefused as exc:
            raise PullRefused(f"Request #{request.id} cannot become a file: {exc}.") from None
        if request.status == RequestStatus.OPEN:
            with contextlib.suppress(MoveRefused):  # someone moved it meanwhile; the pull request is still wanted
                request = self.requests.move(request.id, asked_by, RequestStatus.DRAFTING)
        draft = draft_text(request, self.governance.today())
        roles = self.governance.owners().roles
        owner_ids = [i for audience in request.audiences for i in roles.get(_role(audience), ())]
        return changes.for_request(
            request, draft, name, self.settings.github_terms_dir, self._reviewers(owner_ids), name_of
        )

    def for_suggestion(
        self, glossary: Glossary, term: Term, new_text: str, asked_by: str, name_of: NameOf, request_id: int | None
    ) -> Change:
        """The reviewer's text for the term's whole file; a text equal to the file is refused."""
        request = self.requests.get(request_id) if request_id else None
        old_text = current_text(term)
        if new_text == old_text:
            raise PullRefused("The text is the same as the file: change something first.")
        owner_ids = self.governance.owners_for_term(glossary, term)
        return changes.for_suggestion(
            request,
            term,
            old_text,
            new_text,
            self.settings.github_terms_dir,
            self._reviewers(owner_ids),
            name_of,
            asked_by,
        )

    def for_verifications(self, glossary: Glossary, name_of: NameOf) -> tuple[Change | None, list[str]]:
        """Every term verified in Slack since its file's date, as `reviews apply` would write it; None if none."""
        verified = self.governance.verifications()
        batch: list[Verified] = []
        problems: list[str] = []
        owner_ids: list[str] = []
        for term, day in to_write(glossary.terms.values(), verified):
            try:
                before = Path(term.source_file).read_bytes().decode("utf-8")
                text = set_last_reviewed(before, day)
            except (OSError, UnicodeDecodeError, CannotRewrite) as exc:
                problems.append(f"{term.source_file}: {exc}")
                continue
            batch.append(Verified(term, before, text, day.isoformat(), verified[term.slug].by))
            owner_ids += self.governance.owners_for_term(glossary, term)
        if not batch:
            return None, problems
        reviewers = self._reviewers(list(dict.fromkeys(owner_ids)))
        return changes.for_verifications(batch, self.settings.github_terms_dir, reviewers, name_of), problems


def current_text(term: Term) -> str:
    """The term's file as it is on disk, byte for byte (CRLF kept)."""
    return Path(term.source_file).read_bytes().decode("utf-8")


def _role(audience: str) -> str:
    from ..term_requests.rules import AUDIENCE_ROLES

    return AUDIENCE_ROLES.get(audience, "")
