"""The outbox's delivery worker: a few threads that claim letters in batches and send them to Slack.

Started by build_bot, stopped by Bot.stop(). It has its own Web API client: a short timeout and no retry
handlers, because waiting is the outbox's job (a letter goes back to the table with a due time) and a thread
that slept through a Retry-After inside the client would hold its letter and send nothing else meanwhile.

Calls are paced per method and channel the way Slack's tiers allow (pacing.py). What happens after a try:
- it worked: the letter is sent (a triage post's ts is recorded in the same transaction);
- 429: not a failure. Tried again after Retry-After (at most RETRY_AFTER_CAP), and the try is not counted;
- a 5xx, a timeout or a lost connection: tried again with exponential backoff, capped at MAX_BACKOFF, for as
  long as the letter is younger than its deadline (DEADLINE, a day): an outage of hours loses nothing;
- `ok: false` that cannot succeed (channel_not_found, not_in_channel, is_archived, invalid_blocks, msg_too_long,
  invalid_auth, …): dead at once, and so is a letter still failing past its deadline.
Dead letters are retried by the worker itself once they have been dead an hour (DEAD_RETRY_EVERY), for a week
after they were written; `python -m bot outbox --retry` requeues them at once.
A try that may have reached Slack (a timeout, a lost connection, a process killed mid-call) leaves the letter unsure.
No channel is read to settle it: where each post landed is stored from Slack's answer or its echo (echo.py); an
unsure letter with none stored waits OUTBOX_ECHO_WAIT_SECONDS for the echo, then is sent (see _settled).

A letter written by a listener (an answer to a mention) is sent at once by that thread (deliver_now), after it
is stored: the worker only retries what that try could not send.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...runtime import Runtime
from ...state.outbox import REQUEUED, Holder, Letter, LetterKind, is_slack_user
from ..kit.inline import LISTENER_THREADS
from . import letters
from .client import Tokens, call_timeout, post_classic_card, team_token
from .decisions import AwaitEcho, Later, NotInstalled, OutOfTime
from .letters import Drawing
from .pacing import Pacer, retry_after

log = logging.getLogger(__name__)
THREADS = 2  # one hung call never stops every letter; more instances add more
POLL_SECONDS = 1.0  # letters written by other processes (MCP, other instances) are found this often
BATCH = 10  # letters claimed per commit
MAX_BACKOFF = 300.0  # a failing Slack is asked again at least every five minutes
HOLD_SECONDS = 0.25  # a worker thread waits this long at most for a channel's turn; longer, the letter goes back
AT_ONCE_HOLD = 0.3  # the same for a listener's thread sending its own letter
# All but one of Bolt's listener threads may send their own letters at once: a hung Slack never holds them all (and
# after the first try that fails, TROUBLE_SECONDS leaves letters to the worker). Two had been the limit while every
# write waited for SQLite's turn alone; with writes sharing a commit (state/group_commit.py), four took a burst of 200
# mentions at 10,000 terms from p99 0.33-0.41 s to 0.21-0.29 s (bench/RESULTS.md).
AT_ONCE_THREADS = LISTENER_THREADS - 1
AT_ONCE_TIMEOUT = 2  # seconds a listener thread waits on Slack (like the listeners' own client); then the worker
TROUBLE_SECONDS = 30.0  # after a try that failed, letters wait for the worker this long instead of going at once
DEADLINE = dt.timedelta(hours=24)  # a letter still failing (5xx, timeouts) this long after it was written is dead
DEAD_RETRY_EVERY = dt.timedelta(hours=1)  # dead letters get one more try once they have been dead this long …
DEAD_RETRY_FOR = dt.timedelta(days=7)  # … for a week after they were written
# `ok: false` errors that a later try may get past; every other one is a refusal that cannot succeed.
TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
# Refusals of the token itself: final when the team's token is still the one refused, a retry when it changed.
STALE_TOKEN = frozenset({"invalid_auth", "token_expired", "token_revoked", "account_inactive"})


class Delivery:
    def __init__(
        self, runtime: Runtime, client: WebClient, drawing: Drawing, *, threads: int = THREADS, tokens: Tokens = None
    ) -> None:
        self._runtime = runtime
        # Several workspaces (OAuth installs): each letter goes with its own team's token; None: the client's.
        self.tokens = tokens
        self.client = client
        self.at_once_client = copy.copy(client)  # the same Web API for a listener's thread, with its patience
        self.at_once_client.timeout = min(getattr(client, "timeout", AT_ONCE_TIMEOUT), AT_ONCE_TIMEOUT)
        self.drawing = drawing  # how a request's letters read, drawn at sending (requests/letters.py)
        self.outbox = runtime.outbox
        self.clock = self.outbox.clock
        self.pacer = Pacer(self.clock)
        settings = runtime.settings
        self.lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
        self.deadline = DEADLINE
        self.retry_seconds = settings.outbox_retry_seconds
        self.echo_wait = dt.timedelta(seconds=settings.outbox_echo_wait_seconds)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._threads = [
            threading.Thread(target=self._run, args=(f"{self.name}/{k}",), daemon=True) for k in range(threads)
        ]
        self._stop = threading.Event()
        # A call may start only while it would end inside the lease (a slow database can eat the lease first).
        # Real seconds: the client's timeout is real whatever the clock.
        self._margin = float(call_timeout(settings)) + 0.5
        self._try = threading.local()  # this thread's try: its deadline, and whether an earlier try is settled
        self._at_once = threading.BoundedSemaphore(AT_ONCE_THREADS)
        self._trouble_until = float("-inf")  # clock time until which letters are left to the worker
        self._next_dead_retry = self.clock.monotonic()  # on start, then hourly
        self._dead_retry_lock = threading.Lock()

    @property
    def runtime(self) -> Runtime:
        """The bot as the letter in hand's team sees it: its requests, its letters (set by _attempt per letter)."""
        team = getattr(self._try, "team", None)
        return self._runtime if team is None else self._runtime.for_team(team)

    def start(self) -> Delivery:
        for thread in self._threads:
            thread.start()
        self.outbox.courier = self.deliver_now
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the letters in hand (a try ends within the client's timeout), put back the rest, then stop."""
        self.outbox.courier = None
        self._stop.set()
        self.outbox.wake()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _run(self, worker: str) -> None:
        rounds = 0
        while not self._stop.is_set():
            idle = POLL_SECONDS
            try:
                rounds += 1
                if rounds % 3600 == 1:
                    self.outbox.forget_sent()
                self._retry_dead_when_due()
                if self.deliver_batch(worker):
                    continue
                idle = self._idle()
            except Exception:  # the state database is down, say: log, wait, carry on
                log.exception("outbox delivery failed; trying again shortly")
            self.clock.wait(self.outbox.written, idle)
            self.outbox.written.clear()

    def _idle(self) -> float:
        """Until the next letter is due (a letter put back for its channel's turn), at most POLL_SECONDS."""
        due = self.outbox.next_due()
        return POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.02, due))

    def _retry_dead_when_due(self) -> None:
        with self._dead_retry_lock:
            if self.clock.monotonic() < self._next_dead_retry:
                return
            self._next_dead_retry = self.clock.monotonic() + DEAD_RETRY_EVERY.total_seconds()
        requeued = self.outbox.retry_dead_on_schedule(DEAD_RETRY_EVERY, DEAD_RETRY_FOR)
        if requeued:
            log.warning("outbox: %d dead letter(s) get another try (the hourly retry)", requeued)

    def deliver_batch(self, worker: str | None = None, size: int = BATCH) -> int:
        """Claim up to `size` due letters in one commit and try each; returns how many were claimed."""
        worker = worker or f"{self.name}/x"
        batch = self.outbox.claim_batch(worker, self.lease, size)
        deadline = time.monotonic() + self.clock.real(self.lease.total_seconds()) - self._margin
        for k, letter in enumerate(batch):
            if self._stop.is_set() or time.monotonic() > deadline:
                # Not tried: back to the table now, for this worker's next round or another's.
                for rest in batch[k:]:
                    self.outbox.retry(rest.id, worker, 0.0, None, unsure=rest.unsure, count=False)
                break
            self._attempt(letter, worker, deadline, HOLD_SECONDS)
        return len(batch)

    def deliver_one(self, worker: str | None = None) -> bool:
        """Claim one due letter and try it; False when none is due. Tests call this directly."""
        return self.deliver_batch(worker, size=1) > 0

    def deliver_now(self, write: Callable[[Holder], Letter | None]) -> None:
        """A letter just made on this thread: `write` stores it, held by this thread when it will send it now,
        waiting for the worker when Slack has been failing or enough threads are at it already."""
        if self._stop.is_set() or self.clock.monotonic() < self._trouble_until:
            write(None)
            return
        if not self._at_once.acquire(blocking=False):
            write(None)
            return
        try:
            worker = f"{self.name}/now"
            letter = write((worker, self.lease))  # a failure here reaches the caller: nothing was stored
            if letter is not None:
                deadline = time.monotonic() + self.clock.real(self.lease.total_seconds()) - self._margin
                try:
                    self._attempt(letter, worker, deadline, AT_ONCE_HOLD, self.at_once_client)
                except Exception:  # the state database, say: the letter is stored; its lease runs out, it is retried
                    log.exception("outbox letter %d: sending at once failed; the worker will retry it", letter.id)
        finally:
            self._at_once.release()

    def _attempt(
        self, letter: Letter, worker: str, deadline: float, hold: float, client: WebClient | None = None
    ) -> None:
        self._try.deadline = deadline
        self._try.team = letter.team  # whose letter: its state, and its pacing buckets
        self._try.settled = False
        self._try.hold = hold
        self._try.client = client or self.client
        self._try.token = None
        try:
            if self.tokens is not None:
                self._try.token = team_token(self.tokens, letter.team)
            self._send(letter, worker)
        except NotInstalled as exc:  # not a try: Slack was not asked; waits for a reinstall until its deadline
            log.warning("outbox letter %d (%s): %s; it waits for a reinstall", letter.id, letter.kind, exc)
            self._again(letter, worker, str(exc), unsure=letter.unsure)
        except OutOfTime:  # not called: back to the table as it was (a no-op if another worker has it already)
            log.warning("outbox letter %d (%s): lease nearly over before sending; put back", letter.id, letter.kind)
            self.outbox.retry(letter.id, worker, 0.0, None, unsure=letter.unsure and not self._try.settled, count=False)
        except AwaitEcho as wait:
            self.outbox.await_echo(letter.id, worker, wait.until)
            self.outbox.wake()
        except Later as wait:
            # Nothing was sent by this try; an earlier try's unknown outcome stands unless this one settled it.
            unsure = letter.unsure and not self._try.settled
            self.outbox.retry(letter.id, worker, wait.delay, wait.reason, unsure=unsure, count=False)
            self.outbox.wake()
        except SlackApiError as exc:
            self._refused(letter, worker, exc)
        except LookupError as exc:  # the request is gone
            self.outbox.dead(letter.id, worker, str(exc))
        except Exception as exc:  # a timeout, a lost connection: the call may have reached Slack
            log.warning("outbox letter %d (%s): %r", letter.id, letter.kind, exc)
            self._troubled()
            self._again(letter, worker, f"{type(exc).__name__}: {exc}", unsure=True)

    # --- outcomes ----------------------------------------------------------------------------

    def _refused(self, letter: Letter, worker: str, exc: SlackApiError) -> None:
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or f"HTTP {status}")
        # Slack answered and said no, so this try posted nothing. (A timeout is the case with no answer.) An
        # earlier try's unknown outcome stands unless this try settled it first.
        unsure = letter.unsure and not self._try.settled
        if status == 429 or error == "ratelimited":  # Slack's pace, not a failure: the try does not count
            wait = retry_after(exc.response.headers) or self._backoff(1)
            self._troubled(wait)
            self._again(letter, worker, f"rate limited (Retry-After {wait:g}s)", unsure=unsure, delay=wait, count=False)
        elif status >= 500 or error in TRANSIENT:
            self._troubled()
            self._again(letter, worker, error, unsure=unsure)
        elif error in STALE_TOKEN and self._token_changed(letter):
            # Refused with a token its team no longer uses (refreshed, or reinstalled, since this try read it):
            # not the letter's fault, so it goes again with the new one rather than dying.
            log.info(
                "outbox letter %d (%s): %s with a token since replaced; sending again", letter.id, letter.kind, error
            )
            self._again(letter, worker, f"{error} (a token since replaced)", unsure=unsure, delay=0.0)
        elif letter.payload.get("fallback"):
            self._fall_back(letter, worker, error, unsure=unsure)
        else:
            log.error("outbox letter %d (%s) refused by Slack: %s; it is dead", letter.id, letter.kind, error)
            self._dead(letter, worker, error, unsure=unsure)

    def _token_changed(self, letter: Letter) -> bool:
        """Whether the letter's team has another token now than the one this try was refused with."""
        used = getattr(self._try, "token", None)
        if self.tokens is None or not used:
            return False
        try:
            return bool(self.tokens(letter.team)) and self.tokens(letter.team) != used
        except Exception:  # the store unreadable: the refusal stands as Slack gave it
            log.exception("outbox letter %d: reading its team's token again failed", letter.id)
            return False

    def _fall_back(self, letter: Letter, worker: str, error: str, *, unsure: bool) -> None:
        """A shared Work Object Slack refused (Work Objects off in the workspace, the entity invalid, the bot not
        in the channel): the classic card instead, through the response_url of the click that shared it."""
        log.info("outbox letter %d refused by Slack (%s); posting its classic card instead", letter.id, error)
        problem = post_classic_card(letter.payload["fallback"], call_timeout(self.runtime.settings))
        if problem is None:
            self.outbox.sent(letter.id, worker)
            return
        error = f"{error}; the classic card failed too: {problem}"
        log.error("outbox letter %d (%s) refused by Slack: %s; it is dead", letter.id, letter.kind, error)
        self._dead(letter, worker, error, unsure=unsure)

    def _troubled(self, seconds: float = TROUBLE_SECONDS) -> None:
        self._trouble_until = max(self._trouble_until, self.clock.monotonic() + seconds)

    def _again(
        self, letter: Letter, worker: str, error: str, *, unsure: bool, delay: float | None = None, count: bool = True
    ) -> None:
        if self.outbox.now() - letter.created_at >= self.deadline:
            log.error("outbox letter %d (%s) still failing after %s: %s", letter.id, letter.kind, self.deadline, error)
            self._dead(letter, worker, f"{error} (past the {self.deadline} deadline)", unsure=unsure)
            return
        wait = delay or self._backoff(letter.attempts)  # an unsure one then waits for its echo (_settled)
        self.outbox.retry(letter.id, worker, wait, error, unsure=unsure, count=count)

    def _dead(self, letter: Letter, worker: str, error: str, *, unsure: bool) -> None:
        self.outbox.dead(letter.id, worker, error, unsure=unsure)
        by = str(letter.payload.get("by") or "")
        told = letter.last_error.startswith(REQUEUED)  # died before and was told then: once is enough
        if letter.kind == LetterKind.TRIAGE_UPDATE and is_slack_user(by) and not told:
            channel = (
                self.runtime.effective_settings(letter.payload.get("team_id") or letter.team.id).requests_channel
                or None
            )
            message = letters.stale_post_notice(letter.request_id or 0, channel, error)
            self.runtime.outbox.send(LetterKind.DM, {"user": by, "message": message})  # to the letter's team

    def _backoff(self, attempts: int) -> float:
        base = self.retry_seconds * 2 ** min(30, max(0, attempts - 1))
        return min(MAX_BACKOFF, base) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not secrets

    # --- sending, by kind --------------------------------------------------------------------

    def _send(self, letter: Letter, worker: str) -> None:
        payload = letter.payload
        if letter.kind == LetterKind.TRIAGE_POST:
            self._triage_post(letter, worker)
        elif letter.kind == LetterKind.TRIAGE_UPDATE:
            self._triage_update(letter, worker)
        elif letter.kind == LetterKind.DM:
            self._dm(letter, worker)
        elif letter.kind == LetterKind.MESSAGE:
            thread_ts = payload.get("thread_ts") or None
            # An answer whose earlier try may have landed (a timeout, a crash) is settled first: posted once.
            posted = self._settled(letter)
            if posted is None:
                # The outbox's marker beside any entity the message carries (a shared Work Object).
                message = {**payload["message"], "metadata": letters.metadata(letter.id, payload["message"])}
                thread = {"thread_ts": thread_ts} if thread_ts else {}
                posted = letters.landing(self._call("chat.postMessage", payload["channel"], **message, **thread))
            self.outbox.sent(letter.id, worker, posted=posted)
        else:
            raise LookupError(f"unknown letter kind {letter.kind!r}")

    def _triage_post(self, letter: Letter, worker: str) -> None:
        """One post per request, ever: a request that has one gets it redrawn instead."""
        # The workspace's channel (its Home's, else REQUESTS_CHANNEL); a letter with no team: bot/workspaces.
        channel = self.runtime.effective_settings(letter.payload.get("team_id") or letter.team.id).requests_channel
        book = self.runtime.requests
        request = book.get(int(letter.payload["request_id"]))
        if not channel:
            log.info("request #%d filed; no requests channel is set, so no triage post", request.id)
            self.outbox.sent(letter.id, worker)
            return
        if request.channel_id and request.message_ts:
            self._redraw(request.id, request.channel_id, request.message_ts)
            self.outbox.sent(letter.id, worker)
            return
        found = earlier = self._settled(letter)
        if found is None:
            message = self.drawing.triage(self.runtime, request)
            mark = letters.metadata(letter.id)
            found = letters.landing(self._call("chat.postMessage", channel, metadata=mark, **message))
        now = book.set_message(request.id, *found, letter=(letter.id, worker))
        # A post an earlier try made shows the request as it was then; one made now misses what changed since.
        if earlier or self.drawing.triage(self.runtime, now) != self.drawing.triage(self.runtime, request):
            self.runtime.outbox.send(LetterKind.TRIAGE_UPDATE, {"request_id": request.id}, request_id=request.id)

    def _triage_update(self, letter: Letter, worker: str) -> None:
        request = self.runtime.requests.get(int(letter.payload["request_id"]))
        if not (request.channel_id and request.message_ts):
            if self.runtime.outbox.post_waiting(request.id):
                raise Later(1.0)  # the post draws the latest state itself; this redraw follows it
            self.outbox.sent(letter.id, worker)  # no post to redraw (none was made, or it is dead)
            return
        self._redraw(request.id, request.channel_id, request.message_ts)
        self.outbox.sent(letter.id, worker)

    def _redraw(self, request_id: int, channel: str, ts: str) -> None:
        request = self.runtime.requests.get(request_id)  # drawn now: the latest state wins
        self._call("chat.update", channel, ts=ts, **self.drawing.triage(self.runtime, request))

    def _dm(self, letter: Letter, worker: str) -> None:
        user = str(letter.payload.get("user") or "")
        message = self.drawing.direct_message(self.runtime, letter.payload) if is_slack_user(user) else None
        if message is None:  # "mcp:…" requesters, or a request that is gone: nobody to tell
            self.outbox.sent(letter.id, worker)
            return
        posted = self._settled(letter)
        if posted is None:
            # Posting to a user id lands in the app's DM with that person (chat:write is enough).
            mark = letters.metadata(letter.id)
            posted = letters.landing(self._call("chat.postMessage", user, metadata=mark, **message))
        self.outbox.sent(letter.id, worker, posted=posted)

    def _call(self, method: str, channel: str, **arguments: Any) -> Any:
        """One Web API call, in its turn for `method` and `channel`, started only while it can still end inside
        this thread's lease. A 429 holds back every call for that limit until Retry-After has passed."""
        team = getattr(self._try, "team", None)
        bucket = (team.id if team else "", method, channel)  # Slack's limits are per workspace (and channel)
        wait = self.pacer.take(bucket, getattr(self._try, "hold", HOLD_SECONDS))
        if wait:
            raise Later(wait)
        if time.monotonic() > getattr(self._try, "deadline", float("inf")):
            raise OutOfTime
        target = {"channel": channel} if channel else {}
        try:
            client = getattr(self._try, "client", self.client)
            token = {"token": self._try.token} if getattr(self._try, "token", None) else {}  # the letter's team's
            return getattr(client, method.replace(".", "_"))(**target, **arguments, **token)
        except SlackApiError as exc:
            if getattr(exc.response, "status_code", 200) == 429 or exc.response.get("error") == "ratelimited":
                self.pacer.block(bucket, retry_after(exc.response.headers) or 1.0)
            raise

    def _settled(self, letter: Letter) -> tuple[str, str] | None:
        """Where an earlier try of this letter landed: (channel, ts), or None when none did. Unsure with no landing
        stored: wait for Slack's echo first (AwaitEcho); Slack retries it for minutes, so none by then, none made."""
        if not letter.unsure:
            return None
        if letter.posted is not None:
            return letter.posted
        if letter.echo_due is None or self.outbox.now() < letter.echo_due:
            raise AwaitEcho(letter.echo_due or self.outbox.now() + self.echo_wait)
        self._try.settled = True  # settled: nothing landed, so a refusal or a wait from here leaves it sure
        return None
