"""End-to-end harness: a fake Slack Web API that records every call, the real WSGI app served over HTTP,
and requests signed with slack_sdk's own SignatureVerifier. Only Slack itself is replaced."""

from __future__ import annotations

import json
import math
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk.signature import SignatureVerifier

from bot.state.clock import Clock

from . import conversations

SIGNING_SECRET = "test-signing-secret-not-real"
BOT_TOKEN = "xoxb-test-token-not-real"
BOT_USER = "UBOT0001"
TEAM = "T0000001"


# How long a test waits for what the server does on its own threads (a post, a row) before it fails. Only a
# failing wait lasts this long; on a busy machine (CI shares its two cores) 10-15 s was not always enough.
WAIT_SECONDS = 45.0
HANG_LIMIT = 30.0  # a hung call is released at stop(), or after this long at most
LATE_LIMIT = 10.0  # a late answer is held this long at most (or until stop()): longer than a client waits


@dataclass
class Call:
    path: str  # "/api/chat.postMessage" or "/respond/<name>"
    body: dict
    headers: dict
    outcome: str = "ok"  # ok | hang | 429 | 500 | the error of an `ok: false` answer
    at: float = field(default_factory=time.monotonic)  # when it arrived (real time): for the bench's latencies
    retry_after: int = 0  # the Retry-After a 429 carried

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def method(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class FakeSlack:
    """A local stand-in for slack.com: the Web API under /api/, and response_urls under /respond/."""

    calls: list[Call] = field(default_factory=list)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    fail_methods: dict[str, str] = field(default_factory=dict)
    # Faults by method ("*": every Web API method but auth.test): (mode, every Nth call, times left or None).
    # Modes: "hang" (until stop() or HANG_LIMIT), "late" (carried out, its answer held until the client has given
    # up: a post that lands though its call timed out), "429" (with Retry-After), "500", or an error for `ok: false`.
    faults: dict[str, tuple[str, int, int | None]] = field(default_factory=dict)
    retry_after: int = 1
    posted: dict[str, list[dict]] = field(default_factory=dict)  # channel -> messages that were posted
    # Conversations people post in (not the bot), newest first as conversations.history gives them; a channel
    # absent from `members` is one the bot cannot read (not_in_channel), as Slack answers.
    histories: dict[str, list[dict]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    member_page: int = 2  # conversations.members answers in pages this long, with a next_cursor
    # False: chat.unfurl and chat.postMessage refuse entity metadata, as a workspace without Work Objects
    work_objects: bool = True
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name, for users.info
    # Slack's own pace, on `clock`: method -> calls per second per channel, answered 429 with Retry-After beyond.
    limits: dict[str, float] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    # Several workspaces installed through OAuth (fake_slack_oauth.FakeOAuth): oauth.v2.access, and every call
    # answered by its token's workspace. None: one workspace, one token, as before.
    oauth: Any = None
    # Where Slack's message_metadata_posted echo of each outbox post is sent (echo_to): the bot's events URL.
    echo_url: str = ""

    def echo_to(self, url: str) -> FakeSlack:
        """Like Slack with the manifest's metadata subscription: every post carrying the outbox's metadata is
        echoed to `url` as a signed message_metadata_posted event, retried until it is answered 200 (while the
        server is down, say), as Slack retries an event."""
        self.echo_url = url
        threading.Thread(target=self._echo_loop, daemon=True).start()
        return self

    def without_history(self) -> FakeSlack:
        """An install without history scopes: conversations.history and .replies answer missing_scope."""
        self.fail("conversations.history", "missing_scope")
        return self.fail("conversations.replies", "missing_scope")

    def _echo_loop(self) -> None:
        while not self._released.is_set():
            try:
                body = self._echoes.get(timeout=0.1)
            except queue.Empty:
                continue
            while not self._released.is_set():
                try:
                    if signed_post(self.echo_url, body, "application/json").status == 200:
                        break
                except OSError:
                    pass
                self._released.wait(0.1)

    def limit(self, method: str, per_second: float) -> FakeSlack:
        """Like Slack: `method` (chat.postMessage: one per second) per channel, else 429 and Retry-After."""
        with self._lock:
            self.limits[method] = per_second
        return self

    locales: dict[str, str] = field(default_factory=dict)  # user -> Slack locale, for users.info's include_locale
    admins: set[str] = field(default_factory=set)  # workspace admins: users.info says is_admin

    def fail(self, method: str, mode: str, *, every: int = 1, times: int | None = None) -> FakeSlack:
        """From now on, every `every`-th call of `method` fails as `mode` (`times` of them, or for ever)."""
        with self._lock:
            self.faults[method] = (mode, every, times)
            self._counts[method] = 0
        return self

    def heal(self) -> None:
        with self._lock:
            self.faults.clear()

    def start(self) -> FakeSlack:
        fake = self
        self._lock = threading.Lock()
        self._ts = 1700000000
        self._counts: dict[str, int] = {}
        self._last_call: dict[tuple[str, str], float] = {}  # (method, channel) -> when the last one was taken
        self._released = threading.Event()
        self._echoes: queue.Queue[str] = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                self._reply(self.path, body)

            def do_GET(self):  # slack_sdk reads some methods (users.info) with GET and a query string
                path, _, query = self.path.partition("?")
                self._reply(path, {k: v[0] for k, v in urllib.parse.parse_qs(query).items()})

            def _reply(self, path, body):
                call = Call(path, body, dict(self.headers))
                with fake._lock:
                    fake.calls.append(call)
                    call.outcome = fake._fault(call)
                    late = call.outcome == "late"
                    if late:
                        call.outcome = "ok"  # carried out (posted, echoed) like any other call: only its answer waits
                    if call.ok:
                        call.outcome = fake._paced(call)
                    reply = fake._answer(call) if call.ok else {"ok": False, "error": call.outcome}
                    late = late and call.ok  # refused by the pace (429): answered at once, as Slack does
                if call.outcome == "hang":
                    fake._released.wait(HANG_LIMIT)
                    return  # no answer at all: the client times out
                if late:
                    fake._released.wait(LATE_LIMIT)  # the client gives up first; the answer then finds no one
                status = {"429": 429, "500": 500}.get(call.outcome, 200)
                data = json.dumps(reply).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", str(call.retry_after or fake.retry_after))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a "late" answer)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()  # hung calls end now
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/respond/{name}"

    def _fault(self, call: Call) -> str:
        method = call.method
        if call.path.startswith("/respond/"):  # a response_url fails only when named: fail("/respond/<name>", …)
            key = call.path if call.path in self.faults else None
        elif not call.path.startswith("/api/") or method == "auth.test":
            return "ok"
        else:
            key = method if method in self.faults else "*" if "*" in self.faults else None
        if key is None:
            return "ok"
        mode, every, times = self.faults[key]
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] % every or times == 0:
            return "ok"
        if times is not None:
            self.faults[key] = (mode, every, times - 1)
        modes = mode.split("|")  # "500|hang": an outage where calls fail and some never answer, in turn
        return modes[self._counts[key] // every % len(modes)]

    def _paced(self, call: Call) -> str:
        per_second = self.limits.get(call.method)
        if per_second is None:
            return "ok"
        key = (call.method, str(call.body.get("channel")))
        now, last = self.clock.monotonic(), self._last_call.get(key)
        if last is not None and now - last < 1.0 / per_second:
            call.retry_after = max(1, math.ceil(1.0 / per_second - (now - last)))
            return "429"
        self._last_call[key] = now
        return "ok"

    def _posted_to(self, channel: str) -> str:
        # Posting to a user id lands in the DM with them: the same channel conversations.open names.
        return "D" + channel[:10] if channel[:1] in ("U", "W") else channel

    def _answer(self, call: Call) -> dict:
        method = call.method
        if method in self.fail_methods:
            return {"ok": False, "error": self.fail_methods[method]}
        if call.path.startswith("/respond/"):
            return {"ok": True}
        if self.oauth is not None and (reply := self.oauth.answer(call)) is not None:
            return reply
        self._ts += 1
        ts = f"{self._ts}.000100"
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "B0001", "team_id": TEAM, "user": "glossary"}
        if method == "chat.postMessage":
            message = {**call.body, "ts": ts}
            if isinstance(message.get("metadata"), str):
                message["metadata"] = json.loads(message["metadata"])
            if (message.get("metadata") or {}).get("entities") and not self.work_objects:
                return {"ok": False, "error": "feature_not_enabled"}
            self.posted.setdefault(self._posted_to(str(call.body.get("channel"))), []).append(message)
            if self.echo_url and (message.get("metadata") or {}).get("event_type") == "glossary_outbox":
                self._echoes.put(echo_body(message, self._posted_to(str(call.body.get("channel")))))
        if method == "conversations.history" and str(call.body.get("channel")) in self.histories:
            return conversations.history(self, call.body)
        if method == "conversations.replies" and str(call.body.get("channel")) in self.histories:
            return conversations.replies(self, call.body)  # a conversation people post in (Explain what I see)
        if method == "conversations.replies":  # the thread: its parent, if posted here, and its replies
            thread = str(call.body.get("ts"))
            messages = self.posted.get(str(call.body.get("channel")), [])
            found = [m for m in messages if thread in (m.get("ts"), m.get("thread_ts"))]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "conversations.history":
            messages = self.posted.get(str(call.body.get("channel")), [])
            return {"ok": True, "messages": list(reversed(messages)), "has_more": False}
        if method == "chat.unfurl" and call.body.get("metadata") and not self.work_objects:
            return {"ok": False, "error": "feature_not_enabled"}
        if method == "conversations.members":
            return conversations.members(self, call.body)
        if method in ("chat.postMessage", "chat.update"):
            return {
                "ok": True,
                "channel": call.body.get("channel"),
                "ts": call.body.get("ts") or ts,
                "message": {"ts": ts},
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(call.body.get("users", "X")).replace(",", "")[:10]}}
        if method == "users.info":
            user = str(call.body.get("user"))
            asked = str(call.body.get("include_locale")).lower() in ("1", "true")
            if user not in self.names and user not in self.locales and user not in self.admins:
                return {"ok": False, "error": "user_not_found"}
            found: dict = {"id": user, **({"locale": self.locales[user]} if asked and user in self.locales else {})}
            found.update(is_admin=user in self.admins, is_owner=False)
            if user in self.names:
                found["profile"] = {"display_name": self.names[user]}
            return {"ok": True, "user": found}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(call.body.get("usergroup"), [])}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"ok": True, "view": {"id": "V0001"}}
        return {"ok": True}

    # --- reading what happened -------------------------------------------------------------

    def of(self, method_or_path: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method_or_path or c.path == method_or_path]

    def mark(self) -> int:
        """How many calls Slack has had so far. Take one before a click, then wait_for(..., since=mark):
        a second click on the same response_url must not be satisfied by the first one's reply."""
        with self._lock:
            return len(self.calls)

    def wait_for(
        self, method_or_path: str, count: int = 1, timeout: float = WAIT_SECONDS, *, since: int = 0, where=None
    ) -> list[Call]:
        """Listeners and the outbox finish on other threads after the HTTP reply: poll until `count` calls made
        after the mark `since` arrive (0: since the start), and return those calls. `where(call)`: only those."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [
                    c
                    for c in self.calls[since:]
                    if (c.method == method_or_path or c.path == method_or_path) and (where is None or where(c))
                ]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        raise AssertionError(
            f"expected {count} {method_or_path} calls after call #{since}, got {[c.path for c in self.calls]}"
        )

    def delivered(self, method: str, where=None) -> list[Call]:
        """Calls of `method` that Slack carried out (answered ok), optionally only those `where(call)` holds."""
        with self._lock:
            return [c for c in self.calls if c.method == method and c.ok and (where is None or where(c))]

    def api_calls(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls if c.path.startswith("/api/") and c.method != "auth.test"]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """The WSGI app from bot/http/web.py, served over real HTTP on an ephemeral port."""

    def __init__(self, wsgi_app):
        self.httpd = make_server(
            "127.0.0.1", 0, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Reply:
    status: int
    body: str
    headers: dict

    def json(self) -> dict:
        return json.loads(self.body)


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as resp:
            return Reply(resp.status, resp.read().decode(), dict(resp.headers))
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.read().decode(), dict(err.headers))


def signed_post(
    url: str,
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    headers: dict | None = None,
) -> Reply:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        **(headers or {}),
    }
    return http("POST", url, body.encode(), all_headers)


# --- payloads as Slack sends them ----------------------------------------------------------------


def command_body(
    text: str,
    *,
    user: str = "UASKER01",
    channel: str = "C0000001",
    response_url: str = "",
    trigger_id: str = "trigger-1",
) -> str:
    return urllib.parse.urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "asker",
            "command": "/define",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction_body(payload: dict) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def block_action(
    action_id: str,
    value: str | None,
    *,
    user: str = "UASKER01",
    response_url: str = "",
    ephemeral: bool = True,
    channel: str = "C0000001",
    message: dict | None = None,
    trigger_id: str = "trigger-2",
    block_id: str = "b1",
    selected: dict | None = None,
) -> dict:
    action = {"action_id": action_id, "block_id": block_id, "type": "button", "action_ts": "1.2"}
    if value is not None:
        action["value"] = value
    if selected is not None:
        action.update(selected)
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": trigger_id,
        "response_url": response_url,
        "channel": {"id": channel},
        "actions": [action],
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
    }
    if not ephemeral:
        payload["message"] = message or {"ts": "1700000000.000100", "text": "card"}
    return payload


def event_body(event: dict, *, event_id: str = "Ev0001") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def echo_body(message: dict, channel: str) -> str:
    """Slack's message_metadata_posted event for a message the app posted (app_id: the app that posted it)."""
    meta = {k: v for k, v in message["metadata"].items() if k in ("event_type", "event_payload")}
    event = {
        "type": "message_metadata_posted",
        "app_id": "A0001",
        "bot_id": "B0001",
        "user_id": BOT_USER,
        "team_id": TEAM,
        "channel_id": channel,
        "metadata": meta,
        "message_ts": message["ts"],
        "event_ts": message["ts"],
    }
    return event_body(event, event_id=f"EvEcho{message['ts'].replace('.', '')}")


def view_submission(
    callback_id: str, values: dict, *, user: str = "UASKER01", private_metadata: str = "", blocks: list | None = None
) -> dict:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "trigger-3",
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
            "blocks": blocks or [],
            "hash": "h1",
            "team_id": TEAM,
        },
    }


def global_shortcut(callback_id: str, *, user: str = "UASKER01") -> dict:
    return {
        "type": "shortcut",
        "callback_id": callback_id,
        "trigger_id": "trigger-4",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "action_ts": "1.2",
    }


def block_suggestion(action_id: str, value: str, *, user: str = "UREVIEW01", block_id: str = "b") -> dict:
    return {
        "type": "block_suggestion",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "view": {"id": "V0001", "type": "modal", "callback_id": "x", "private_metadata": "", "blocks": []},
    }


def wait_until(predicate, timeout: float = WAIT_SECONDS) -> bool:
    """Poll `predicate` until it holds (True) or `timeout` runs out (False): the outbox delivers on its own threads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())
