"""MCP sessions over HTTP: a cap per client, idle ones closed, and where the endpoint answers from.

The SDK caps sessions globally (10,000) and closes them after 30 idle minutes: one client that opened a session
per call filled the cap in 57 s and everyone got 503 for half an hour. Here each client (its credential and
address) may hold PER_CLIENT sessions; one more is refused with 429 and a line saying how to reuse one, so the
global cap is never reached by one client. Sessions idle for IDLE_SECONDS are closed by the SDK and forgotten
here at the same time. `transport_security` gives every loopback address (127.0.0.2 too) the DNS-rebinding
check the SDK applies only to 127.0.0.1, localhost and ::1.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import is_loopback

PER_CLIENT = 16  # sessions one client may hold; an agent needs one, a few tabs a few
IDLE_SECONDS = 10 * 60  # a session with no request for this long is closed (the SDK's default is 30 minutes)
MAX_SESSIONS = 2_000  # all clients together; well under what memory allows (~50 kB a session)
SESSION_HEADER = b"mcp-session-id"


def streamable_options(host: str) -> dict[str, Any]:
    """The SDK's streamable_http_app arguments: session limits, and the rebinding check on a loopback address."""
    options: dict[str, Any] = {"session_idle_timeout": IDLE_SECONDS, "max_sessions": MAX_SESSIONS}
    if is_loopback(host):
        options["transport_security"] = rebinding_check(host)
    return options


def rebinding_check(host: str) -> TransportSecuritySettings:
    """Only requests naming this machine in Host (and, from a browser, in Origin) are served: a web page cannot
    reach a loopback server through a name that resolves to 127.0.0.x (DNS rebinding)."""
    bound = f"[{host.strip('[]')}]" if ":" in host else host
    names = sorted({bound, "127.0.0.1", "localhost", "[::1]"})
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{name}:*" for name in names],
        allowed_origins=[f"http://{name}:*" for name in names],
    )


class SessionLimits:
    """ASGI middleware in front of the MCP endpoint: counts the sessions each client opens, refuses one too many."""

    def __init__(
        self, app: ASGIApp, *, per_client: int = PER_CLIENT, idle: float = IDLE_SECONDS, clock: Callable[[], float]
    ) -> None:
        self.app, self.per_client, self.idle, self.clock = app, per_client, idle, clock
        self.sessions: dict[bytes, tuple[str, float]] = {}  # session id -> (client, last request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].rstrip("/").endswith("/mcp"):
            await self.app(scope, receive, send)
            return
        client, session = _client(scope), _header(scope, SESSION_HEADER)
        now = self.clock()
        self._forget_idle(now)
        if session is None and scope["method"] == "POST" and self._open_for(client) >= self.per_client:
            await _too_many(send, self.per_client)
            return
        if session in self.sessions:
            self.sessions[session] = (client, now)

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._note(scope["method"], session, message, client, now)
            await send(message)

        await self.app(scope, receive, watch)

    def _note(self, method: str, session: bytes | None, start: Message, client: str, now: float) -> None:
        status = start["status"]
        if session is None:
            opened = dict(start.get("headers", ())).get(SESSION_HEADER)
            if opened is not None and status < 300:
                self.sessions[opened] = (client, now)
        elif status == 404 or (method == "DELETE" and status < 300):  # unknown to the SDK, or closed by the client
            self.sessions.pop(session, None)

    def _open_for(self, client: str) -> int:
        return sum(1 for owner, _ in self.sessions.values() if owner == client)

    def _forget_idle(self, now: float) -> None:
        for session, (_, last) in list(self.sessions.items()):
            if now - last > self.idle:
                del self.sessions[session]


def session_limits(app: ASGIApp) -> SessionLimits:
    return SessionLimits(app, clock=time.monotonic)


def _client(scope: Scope) -> str:
    """Who holds a session: the credential it was opened with (hashed: never kept) and the address it came from."""
    credential = _header(scope, b"authorization") or b""
    address = (scope.get("client") or ("", 0))[0]
    return f"{hashlib.sha256(credential).hexdigest()[:16]}@{address}"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


async def _too_many(send: Send, cap: int) -> None:
    message = (
        f"This client already has {cap} open MCP sessions: reuse one (send its Mcp-Session-Id) "
        "or close one with DELETE /mcp; idle ones close after 10 minutes."
    )
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 429, "headers": [*headers, (b"retry-after", b"60")]})
    await send({"type": "http.response.body", "body": body})
