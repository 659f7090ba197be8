"""GitHub's webhook, followed back to Slack: a pull request's state moves the ledger, redraws the request's triage
post, and a merge tells everyone who asked.

The signature is GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the webhook secret), compared in
constant time; each delivery id is acted on once (GitHub redelivers, and an attacker could replay a signed body),
through the same processed-events table that deduplicates Slack's retries.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from ..state.outbox import LetterKind, Outbox, is_slack_user
from ..state.pulls import APPROVED, CHANGES_REQUESTED, CLOSED, MERGED, OPENED, PullLedger
from ..state.store import Store
from ..term_requests.book import RequestBook

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_ok(secret: str, body: bytes, signature: str) -> bool:
    """GitHub's `sha256=<hex>` over the raw body; an empty secret accepts nothing."""
    if not secret or not signature.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def new_state(event: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """(branch, state) an event moves a pull request to; None for events that move nothing."""
    action = payload.get("action")
    pull = payload.get("pull_request") or {}
    branch = str((pull.get("head") or {}).get("ref") or "")
    if not branch:
        return None
    if event == "pull_request":
        if action in ("opened", "reopened", "ready_for_review"):
            return branch, OPENED
        if action == "closed":
            return branch, MERGED if pull.get("merged") else CLOSED
    if event == "pull_request_review" and action == "submitted":
        review = str((payload.get("review") or {}).get("state") or "").lower()
        if review == "changes_requested":
            return branch, CHANGES_REQUESTED
        if review == "approved":
            return branch, APPROVED
    return None


class Webhook:
    def __init__(self, store: Store, outbox: Outbox, requests: RequestBook) -> None:
        self.store = store
        self.outbox = outbox
        self.ledger = PullLedger(store)
        self.requests = requests

    def receive(self, delivery_id: str, event: str, payload: dict[str, Any]) -> str:
        """What one delivery did: "replayed", "ignored" (not ours, or nothing moved) or the new state."""
        if not delivery_id or not self.store.claim_event(f"github:{delivery_id}"):
            return "replayed"
        moved = new_state(event, payload)
        if moved is None:
            return "ignored"
        return self.follow(*moved) or "ignored"

    def follow(self, branch: str, state: str) -> str | None:
        """Move one pull request to the state the host reports (from the webhook or polling, bot/pulls/polling.py):
        the triage post redrawn and, on a merge, everyone who asked told, in the same transaction as the move.
        The new state, or None when nothing moved (not ours, or already there: an event seen twice moves once)."""
        with self.store.writing() as conn:
            record = self.ledger.move(conn, branch, state)
            if record is None:
                return None
            if record.request_id is not None:
                # The git host knows no teams: the ledger row says whose request it is, and it is told there.
                store = self.store.for_team(record.team)
                requests = RequestBook(store, self.outbox.for_team(store))
                by = {"request_id": record.request_id, "by": ""}
                requests.outbox.add(conn, LetterKind.TRIAGE_UPDATE, by, request_id=record.request_id)
                if record.state == MERGED:
                    self._tell_everyone(conn, requests, record.request_id, record.url, record.number)
            elif record.state == MERGED and is_slack_user(record.asked_by):  # an edit or review dates: no requesters
                about = {"about": "pull_merged", "url": record.url, "number": record.number, "request_id": None}
                self.outbox.for_team(self.store.for_team(record.team)).add(
                    conn, LetterKind.DM, {"user": record.asked_by, **about}
                )
        self.outbox.wake()
        return record.state

    def _tell_everyone(self, conn: Any, requests: RequestBook, request_id: int, url: str, number: int | None) -> None:
        """The requester and every voter, once each: the change they asked for is merged."""
        try:
            request = requests.get(request_id)
        except LookupError:
            return
        for user in dict.fromkeys((request.requester, *request.voters)):
            if is_slack_user(user):
                about = {"about": "pull_merged", "url": url, "number": number, "voter": user != request.requester}
                requests.outbox.add(
                    conn, LetterKind.DM, {"user": user, "request_id": request_id, **about}, request_id=request_id
                )
