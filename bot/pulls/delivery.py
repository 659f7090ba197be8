"""The git host's delivery worker: a thread that claims pull request letters and opens them, step by step.

Every step looks before it acts, so a try that died half-way (a crash, a timeout after the host acted) is
finished by the next one and never doubled: a pull request already open for the branch is the answer; a branch
that exists is reused; files already on it are not committed again; an "already exists" from the host is
looked up. What happens after a try:
- opened: the letter is sent, the ledger records the number, and the triage post and the asker hear of it, all
  in one transaction;
- a 5xx, a timeout, a lost connection: tried again with backoff; a rate limit: tried again after its reset;
- a refusal (a missing permission, a draft whose file exists already): dead at once, and the asker is told why.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import uuid
from typing import Any

from ..config import Settings
from ..githost.host import GitHost, HostBusy, HostRefused, NewPull, PullRequest, RateLimited
from ..state.outbox import GIT_HOST_KINDS, Letter, LetterKind, Outbox, is_slack_user
from ..state.pulls import PullLedger
from ..state.store import Store
from .changes import digest

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
MAX_BACKOFF = 300.0


def host_from_settings(settings: Settings) -> GitHost:
    from ..githost.github import GitHubHost  # githubkit is imported only where pull requests are set up

    timeout = max(1.0, min(10.0, settings.outbox_lease_seconds / 4))  # a try always ends inside its lease
    return GitHubHost(
        settings.github_repo,
        token=settings.github_token,
        app_id=settings.github_app_id,
        private_key=settings.github_app_private_key,
        installation_id=settings.github_installation_id,
        api_url=settings.github_api_url,
        timeout=timeout,
    )


def open_pull(
    host: GitHost, change: NewPull, base: str, new_files: list[str], based_on: dict[str, str] | None = None
) -> PullRequest:
    """The change's pull request, made or found; each step safe to repeat after any earlier try."""
    pull = host.find_pull(change.branch)
    if pull is None or pull.state != "open":
        if host.branch_head(change.branch) is None:
            base_head = host.branch_head(base)
            if base_head is None:
                raise HostRefused(f"the base branch {base} does not exist; set GITHUB_BASE_BRANCH")
            for path in new_files:  # a draft never overwrites someone's file, here as on disk
                if host.read_file(path, base) is not None:
                    raise HostRefused(f"{path} already exists on {base}; edit it there instead of a new draft")
            for path, wanted in (based_on or {}).items():  # the diff must be the change that was asked for
                if digest(host.read_file(path, base) or "") != wanted:
                    raise HostRefused(
                        f"{path} on {base} is not the file this change was written against; "
                        "update the bot's checkout to match, then ask again"
                    )
            _create_branch(host, change.branch, base_head)
        if any(host.read_file(path, change.branch) != text for path, text in change.files.items()):
            host.commit_files(change.branch, change.files, change.message)
        pull = pull if pull is not None and pull.state == "open" else _open(host, change, base)
    host.request_review(pull.number, change.reviewers, change.team_reviewers)
    host.add_labels(pull.number, change.labels)
    return pull


def _create_branch(host: GitHost, branch: str, sha: str) -> None:
    try:
        host.create_branch(branch, sha)
    except HostRefused:
        if host.branch_head(branch) is None:  # not "it exists already" (an earlier try made it): a real refusal
            raise


def _open(host: GitHost, change: NewPull, base: str) -> PullRequest:
    try:
        return host.open_pull(change.branch, base, change.title, change.body)
    except HostRefused:
        found = host.find_pull(change.branch)  # an earlier try opened it and its answer was lost
        if found is None or found.state != "open":
            raise
        return found


class PullDelivery:
    def __init__(self, settings: Settings, store: Store, outbox: Outbox, host: GitHost, *, threads: int = 1) -> None:
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.ledger = PullLedger(store)
        self.host = host
        self.lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:git"
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> PullDelivery:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self.outbox.wake()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.deliver_one():
                    continue
            except Exception:  # the state database is down, say: log, wait, carry on
                log.exception("pull request delivery failed; trying again shortly")
            self._stop.wait(POLL_SECONDS)

    def deliver_one(self) -> bool:
        """Claim one due pull request letter and try it; False when none is due. Tests call this directly."""
        letter = self.outbox.claim(self.name, self.lease, kinds=GIT_HOST_KINDS)
        if letter is None:
            return False
        payload = letter.payload
        change = NewPull(
            branch=payload["branch"],
            title=payload["title"],
            body=payload["body"],
            message=payload["message"],
            files=payload["files"],
            reviewers=payload.get("reviewers") or (),
            team_reviewers=payload.get("team_reviewers") or (),
            labels=payload.get("labels") or (),
        )
        try:
            base, new_files = self.settings.github_base_branch, list(payload.get("new_files") or ())
            pull = open_pull(self.host, change, base, new_files, dict(payload.get("based_on") or {}))
        except RateLimited as exc:
            self.outbox.retry(letter.id, self.name, max(1.0, exc.retry_after), str(exc), unsure=True)
        except HostBusy as exc:
            self._busy(letter, str(exc))
        except HostRefused as exc:
            self._refused(letter, str(exc))
        else:
            self._opened(letter, pull)
        return True

    def _busy(self, letter: Letter, error: str) -> None:
        if letter.attempts >= self.settings.outbox_max_attempts:
            self._refused(letter, f"gave up after {letter.attempts} tries: {error}")
            return
        wait = min(MAX_BACKOFF, self.settings.outbox_retry_seconds * 2 ** max(0, letter.attempts - 1))
        log.warning("pull request %s: %s; trying again in %.0fs", letter.payload["branch"], error, wait)
        self.outbox.retry(letter.id, self.name, wait * random.uniform(0.8, 1.2), error, unsure=True)  # noqa: S311

    def _refused(self, letter: Letter, error: str) -> None:
        log.warning("pull request %s not opened: %s", letter.payload["branch"], error)
        self.outbox.dead(letter.id, self.name, error)
        self.ledger.failed(letter.payload["branch"])
        self._tell(letter, {"about": "pull_failed", "error": error})

    def _opened(self, letter: Letter, pull: PullRequest) -> None:
        with self.store.writing() as conn:
            self.ledger.opened(conn, letter.payload["branch"], pull.number, pull.url)
            self.outbox.sent(letter.id, self.name, conn)
            request_id = letter.payload.get("request_id")
            if request_id is not None:
                update = {"request_id": request_id, "by": letter.payload.get("asked_by") or ""}
                self._outbox(letter).add(conn, LetterKind.TRIAGE_UPDATE, update, request_id=request_id)
            self._tell(letter, {"about": "pull_opened", "number": pull.number, "url": pull.url}, conn)
        self.outbox.wake()

    def _tell(self, letter: Letter, about: dict[str, Any], conn: Any = None) -> None:
        """A DM to whoever asked for the pull request (drawn by the Slack side, bot/slack/requests/letters.py)."""
        asked_by = str(letter.payload.get("asked_by") or "")
        if not is_slack_user(asked_by):
            return
        payload = {"user": asked_by, "branch": letter.payload["branch"], "title": letter.payload["title"], **about}
        request_id = letter.payload.get("request_id")
        outbox = self._outbox(letter)
        if conn is None:
            outbox.send(LetterKind.DM, {**payload, "request_id": request_id}, request_id=request_id)
        else:
            outbox.add(conn, LetterKind.DM, {**payload, "request_id": request_id}, request_id=request_id)

    def _outbox(self, letter: Letter) -> Outbox:
        """The outbox as the letter's team writes it: what follows from a pull request goes to who asked for it."""
        return self.outbox.for_team(self.store.for_team(letter.team))


def deliver_pending(delivery: PullDelivery, *, limit: int = 100) -> int:
    """Open the pull requests due now on this thread (for `reviews pr`); what fails stays for the bot's worker."""
    tried = 0
    while tried < limit and delivery.deliver_one():
        tried += 1
    return tried
