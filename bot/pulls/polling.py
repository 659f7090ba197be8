"""Following pull requests without a webhook: every GITHUB_POLL_SECONDS, each pull request the ledger still holds
open is read from the git host (its state, then its reviews) and moved exactly as the webhook would move it, through
the same Webhook.follow: a merge ships the term the same way and tells the people who asked once, whichever of the
two sees it first (the ledger moves a state only from the one it read, so a second sighting moves nothing).

The host's limits come first: a rate limit ends the round and the next one waits for the host's reset time; a busy
host (a 5xx, a timeout) ends the round too, and the next comes at the usual interval. A refusal for one pull request
(deleted, or the token lost access to it) is logged and the others are still read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..githost.host import GitHost, HostBusy, HostRefused, PullRequest, RateLimited
from ..state.pulls import APPROVED, CHANGES_REQUESTED, CLOSED, MERGED, OPENED, PullLedger
from .webhook import Webhook

log = logging.getLogger(__name__)
MAX_WAIT = 3600.0  # a rate limit's reset is at most an hour away on GitHub; a longer one is not believed


def host_state(pull: PullRequest, reviews: Mapping[str, str]) -> str:
    """The ledger state a pull request is in, as the webhook's events would have left it: merged or closed, else
    changes requested while any reviewer's latest decision asks for them, else approved, else open."""
    if pull.state == "closed":
        return MERGED if pull.merged else CLOSED
    decisions = set(reviews.values())
    if "changes_requested" in decisions:
        return CHANGES_REQUESTED
    return APPROVED if "approved" in decisions else OPENED


@dataclass
class PollRound:
    looked: int = 0  # pull requests read from the host
    moved: dict[str, str] = field(default_factory=dict)  # branch -> its new state
    wait: float = 0.0  # seconds until the next round may start


class PullPoller:
    def __init__(self, ledger: PullLedger, host: GitHost, webhook: Webhook, every: float) -> None:
        self.ledger = ledger
        self.host = host
        self.webhook = webhook
        self.every = every
        self._unreadable: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pull-poller", daemon=True)

    def start(self) -> PullPoller:
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.every
            try:
                wait = self.poll_once().wait
            except Exception:  # the state database is down, say: log, and look again at the next round
                log.exception("following pull requests failed; looking again in %.0fs", wait)
            self._stop.wait(wait)

    def poll_once(self) -> PollRound:
        """One look at every pull request still open in the ledger. Tests call this directly."""
        done = PollRound(wait=self.every)
        for record in self.ledger.following():
            if self._stop.is_set():
                break
            assert record.number is not None  # following() lists only opened ones
            try:
                pull = self.host.get_pull(record.number)
                reviews = self.host.latest_reviews(record.number) if pull.state == "open" else {}
            except RateLimited as exc:
                done.wait = max(self.every, min(MAX_WAIT, exc.retry_after))
                log.warning("following pull requests: %s; the next look in %.0fs", exc, done.wait)
                break
            except HostBusy as exc:
                log.warning("following pull requests: %s; the next look in %.0fs", exc, done.wait)
                break
            except HostRefused as exc:  # said once per pull request, not every round
                if record.number not in self._unreadable:
                    self._unreadable.add(record.number)
                    log.warning("pull request #%s (%s) cannot be read: %s", record.number, record.branch, exc)
                continue
            done.looked += 1
            moved = self.webhook.follow(record.branch, host_state(pull, reviews))
            if moved is not None:
                done.moved[record.branch] = moved
        return done
