"""The outbox's delivery worker: a few threads that claim letters and send them to Slack.

Started by build_bot, stopped by Bot.stop(). It has its own Web API client: a short timeout and no retry
handlers, because waiting is the outbox's job (a letter goes back to the table with a due time) and a thread
that slept through a Retry-After inside the client would hold its letter and send nothing else meanwhile.

What happens after a try:
- it worked: the letter is sent (a triage post's ts is recorded in the same transaction);
- 429: tried again after Retry-After; a 5xx, a timeout or a lost connection: tried again with backoff;
- `ok: false` that cannot succeed (channel_not_found, not_in_channel, invalid_blocks, …): dead at once;
- after the last try: dead. Dead letters are listed by `python -m bot outbox` and requeued by `--retry`.
A try that may have reached Slack (a timeout, a lost connection, a process killed mid-call) is followed by a look in the
channel for the message the letter carries in its metadata, so a resend never posts it twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient, WebhookResponse

from ...config import Settings
from ...runtime import Runtime
from ...state.outbox import Letter, LetterKind, is_slack_user
from . import letters
from .letters import Drawing

log = logging.getLogger(__name__)
THREADS = 2  # one hung call never stops every letter; more instances add more
POLL_SECONDS = 1.0  # letters written by other processes (MCP, other instances) are found this often
MAX_BACKOFF = 300.0
# `ok: false` errors that a later try may get past; every other one is a refusal that cannot succeed.
TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class Later(Exception):  # noqa: N818 - a decision, not a failure
    """Not yet: try again after `delay` seconds without counting a try (a redraw waiting for its post)."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"waiting {delay}s")
        self.delay = delay


class OutOfTime(Exception):  # noqa: N818 - a decision, not a failure
    """The lease is nearly over: another worker may claim the letter now, so this one must not call Slack."""


def call_timeout(settings: Settings) -> int:
    return max(1, int(min(10.0, settings.outbox_lease_seconds / 4)))  # a try always ends inside its lease


def delivery_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        timeout=call_timeout(settings),
        retry_handlers=[],
    )


class Delivery:
    def __init__(self, runtime: Runtime, client: WebClient, drawing: Drawing, *, threads: int = THREADS) -> None:
        self.runtime = runtime
        self.client = client
        self.drawing = drawing  # how a request's letters read, drawn at sending (requests/letters.py)
        self.outbox = runtime.outbox
        settings = runtime.settings
        self.lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
        self.max_attempts = settings.outbox_max_attempts
        self.retry_seconds = settings.outbox_retry_seconds
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._threads = [
            threading.Thread(target=self._run, args=(f"{self.name}/{k}",), daemon=True) for k in range(threads)
        ]
        self._stop = threading.Event()
        self._dm_channels: dict[str, str] = {}  # user id -> the id of the app's DM with them
        # A call may start only while it would end inside the lease (a slow database can eat the lease first).
        self._margin = float(call_timeout(settings)) + 0.5
        self._try = threading.local()  # this thread's try: its deadline, and whether it has looked in the channel

    def start(self) -> Delivery:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the letters in hand (a try ends within the client's timeout), then stop."""
        self._stop.set()
        self.outbox.wake()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _run(self, worker: str) -> None:
        rounds = 0
        while not self._stop.is_set():
            try:
                rounds += 1
                if rounds % 3600 == 1:
                    self.outbox.forget_sent()
                if self.deliver_one(worker):
                    continue
            except Exception:  # the state database is down, say: log, wait, carry on
                log.exception("outbox delivery failed; trying again shortly")
            self.outbox.written.wait(POLL_SECONDS)
            self.outbox.written.clear()

    def deliver_one(self, worker: str | None = None) -> bool:
        """Claim one due letter and try it; False when none is due. Tests call this directly."""
        worker = worker or f"{self.name}/x"
        letter = self.outbox.claim(worker, self.lease)
        if letter is None:
            return False
        self._try.deadline = time.monotonic() + self.lease.total_seconds() - self._margin
        self._try.looked = False
        try:
            self._send(letter, worker)
        except OutOfTime:  # leave it: the lease runs out, and whoever claims it next looks before resending
            log.warning("outbox letter %d (%s): lease nearly over before sending; leaving it", letter.id, letter.kind)
        except Later as wait:
            self.outbox.retry(letter.id, worker, wait.delay, "waiting for its triage post", unsure=False, count=False)
        except SlackApiError as exc:
            self._refused(letter, worker, exc)
        except LookupError as exc:  # the request is gone
            self.outbox.dead(letter.id, worker, str(exc))
        except Exception as exc:  # a timeout, a lost connection: the call may have reached Slack
            log.warning("outbox letter %d (%s): %r", letter.id, letter.kind, exc)
            self._again(letter, worker, f"{type(exc).__name__}: {exc}", unsure=True)
        return True

    # --- outcomes ----------------------------------------------------------------------------

    def _refused(self, letter: Letter, worker: str, exc: SlackApiError) -> None:
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or f"HTTP {status}")
        # Slack answered and said no, so this try posted nothing. (A timeout is the case with no answer.) But an
        # earlier try's unknown outcome still stands unless this one looked first: the refused call may have been
        # the look itself, and the next try must look again rather than post blind.
        unsure = letter.unsure and not self._try.looked
        if status == 429 or error == "ratelimited":
            wait = _retry_after(exc.response.headers) or self._backoff(letter.attempts)
            self._again(letter, worker, f"rate limited (Retry-After {wait:g}s)", unsure=unsure, delay=wait)
        elif status >= 500 or error in TRANSIENT:
            self._again(letter, worker, error, unsure=unsure)
        elif letter.payload.get("fallback"):
            self._fall_back(letter, worker, error, unsure=unsure)
        else:
            log.error("outbox letter %d (%s) refused by Slack: %s; it is dead", letter.id, letter.kind, error)
            self._dead(letter, worker, error, unsure=unsure)

    def _fall_back(self, letter: Letter, worker: str, error: str, *, unsure: bool) -> None:
        """A shared Work Object Slack refused (Work Objects off in the workspace, the entity invalid, the bot not
        in the channel): the classic card instead, through the response_url of the click that shared it."""
        fallback = letter.payload["fallback"]
        log.info("outbox letter %d refused by Slack (%s); posting its classic card instead", letter.id, error)
        hook = WebhookClient(fallback["response_url"], timeout=call_timeout(self.runtime.settings))
        try:
            answer = hook.send_dict(fallback["message"])
        except OSError as exc:  # a response_url lives 30 minutes: no retrying it for long
            answer = None
            error = f"{error}; the classic card failed too: {exc}"
        if answer is not None and _accepted(answer):
            self.outbox.sent(letter.id, worker)
            return
        if answer is not None:
            error = f"{error}; the classic card failed too: HTTP {answer.status_code} {answer.body[:200]}"
        log.error("outbox letter %d (%s) refused by Slack: %s; it is dead", letter.id, letter.kind, error)
        self._dead(letter, worker, error, unsure=unsure)

    def _again(self, letter: Letter, worker: str, error: str, *, unsure: bool, delay: float | None = None) -> None:
        if letter.attempts >= self.max_attempts:
            log.error("outbox letter %d (%s) failed %d times: %s", letter.id, letter.kind, letter.attempts, error)
            self._dead(letter, worker, error, unsure=unsure)
            return
        wait = delay or self._backoff(letter.attempts)
        if unsure:  # a call that timed out may still land: look for it only once it surely has, or never will
            wait = max(wait, self._margin)
        self.outbox.retry(letter.id, worker, wait, error, unsure=unsure)

    def _dead(self, letter: Letter, worker: str, error: str, *, unsure: bool) -> None:
        self.outbox.dead(letter.id, worker, error, unsure=unsure)
        by = str(letter.payload.get("by") or "")
        if letter.kind == LetterKind.TRIAGE_UPDATE and is_slack_user(by):
            channel = self.runtime.settings.requests_channel or None
            message = letters.stale_post_notice(letter.request_id or 0, channel, error)
            self.outbox.send(LetterKind.DM, {"user": by, "message": message})

    def _backoff(self, attempts: int) -> float:
        base = self.retry_seconds * 2 ** max(0, attempts - 1)
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
            message = {**payload["message"], "metadata": letters.metadata(letter.id, payload["message"])}
            thread = {"thread_ts": payload["thread_ts"]} if payload.get("thread_ts") else {}
            self._slack().chat_postMessage(channel=payload["channel"], **message, **thread)
            self.outbox.sent(letter.id, worker)
        else:
            raise LookupError(f"unknown letter kind {letter.kind!r}")

    def _triage_post(self, letter: Letter, worker: str) -> None:
        """One post per request, ever: a request that has one gets it redrawn instead."""
        channel = self.runtime.settings.requests_channel
        book = self.runtime.requests
        request = book.get(int(letter.payload["request_id"]))
        if not channel:
            log.info("request #%d filed; REQUESTS_CHANNEL is not set, so no triage post", request.id)
            self.outbox.sent(letter.id, worker)
            return
        if request.channel_id and request.message_ts:
            self._redraw(request.id, request.channel_id, request.message_ts)
            self.outbox.sent(letter.id, worker)
            return
        found = earlier = self._find(channel, letter) if letter.unsure else None
        if found is None:
            message = self.drawing.triage(self.runtime, request)
            reply = self._slack().chat_postMessage(channel=channel, metadata=letters.metadata(letter.id), **message)
            found = (str(reply["channel"]), str(reply["ts"]))
        now = book.set_message(request.id, *found, letter=(letter.id, worker))
        # A post an earlier try made shows the request as it was then; one made now misses what changed since.
        if earlier or self.drawing.triage(self.runtime, now) != self.drawing.triage(self.runtime, request):
            self.outbox.send(LetterKind.TRIAGE_UPDATE, {"request_id": request.id}, request_id=request.id)

    def _triage_update(self, letter: Letter, worker: str) -> None:
        request = self.runtime.requests.get(int(letter.payload["request_id"]))
        if not (request.channel_id and request.message_ts):
            if self.outbox.post_waiting(request.id):
                raise Later(1.0)  # the post draws the latest state itself; this redraw follows it
            self.outbox.sent(letter.id, worker)  # no post to redraw (none was made, or it is dead)
            return
        self._redraw(request.id, request.channel_id, request.message_ts)
        self.outbox.sent(letter.id, worker)

    def _redraw(self, request_id: int, channel: str, ts: str) -> None:
        request = self.runtime.requests.get(request_id)  # drawn now: the latest state wins
        self._slack().chat_update(channel=channel, ts=ts, **self.drawing.triage(self.runtime, request))

    def _dm(self, letter: Letter, worker: str) -> None:
        user = str(letter.payload.get("user") or "")
        message = self.drawing.direct_message(self.runtime, letter.payload) if is_slack_user(user) else None
        if message is None:  # "mcp:…" requesters, or a request that is gone: nobody to tell
            self.outbox.sent(letter.id, worker)
            return
        if letter.unsure:
            if user not in self._dm_channels:  # each one costs a call, and never changes
                self._dm_channels[user] = self._slack().conversations_open(users=user)["channel"]["id"]
            if self._find(self._dm_channels[user], letter) is not None:
                self.outbox.sent(letter.id, worker)
                return
        # Posting to a user id lands in the app's DM with that person (chat:write is enough).
        self._slack().chat_postMessage(channel=user, metadata=letters.metadata(letter.id), **message)
        self.outbox.sent(letter.id, worker)

    def _slack(self) -> WebClient:
        """The client, for one call that must start while it can still end inside this thread's lease."""
        if time.monotonic() > getattr(self._try, "deadline", float("inf")):
            raise OutOfTime
        return self.client

    def _find(self, channel: str, letter: Letter) -> tuple[str, str] | None:
        """The message an earlier try of this letter posted, if it did: (channel, ts)."""
        oldest = f"{letter.created_at.timestamp() - 60:.6f}"
        try:
            answer = self._slack().conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=200
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            if exc.response.status_code == 429 or exc.response.status_code >= 500 or error in TRANSIENT:
                raise
            # Cannot look (a missing history scope, say): sending twice beats never sending.
            log.warning("cannot read %s to check letter %d was not sent already: %s", channel, letter.id, error)
            return None
        self._try.looked = True
        for message in answer.get("messages") or ():
            if letters.carries(message, letter.id):
                return channel, str(message["ts"])
        return None


def _accepted(answer: WebhookResponse) -> bool:
    """A response_url answers 200 with "ok" or {"ok": true}; anything else (an expired URL, `ok: false`) is a no."""
    if answer.status_code != 200:
        return False
    try:
        body = json.loads(answer.body)
    except ValueError:
        return True  # plain "ok"
    return not isinstance(body, dict) or body.get("ok", True) is not False


def _retry_after(headers: Any) -> float | None:
    for name in ("Retry-After", "retry-after"):
        value = (headers or {}).get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def deliver_pending(runtime: Runtime, client: WebClient, drawing: Drawing, *, limit: int = 1000) -> int:
    """Send the letters due now on this thread, for a command that runs without a server (`reviews send`):
    what fails stays in the outbox for a serving bot's worker to retry. Returns how many were tried."""
    delivery = Delivery(runtime, client, drawing, threads=0)
    tried = 0
    while tried < limit and delivery.deliver_one():
        tried += 1
    return tried
