"""Who may use the MCP server over HTTP: a bearer token, unless the server is reachable from this machine only."""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"localhost"})
# The loopback addresses everyone means by "this machine only". Another 127.x address is loopback too, but one
# chosen on purpose (a container's or a proxy's) is treated like any other address: it needs MCP_TOKEN.
USUAL_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class NoTokenError(ValueError):
    """The server would listen beyond this machine with no token: one line naming the fix."""


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this machine only."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def check_can_serve(host: str, token: str) -> None:
    if not token and host not in USUAL_LOOPBACK:
        raise NoTokenError(
            f"MCP_TOKEN is not set, and --host {host} is not 127.0.0.1, localhost or ::1 (it may be reachable "
            "from elsewhere); set MCP_TOKEN (see .env.example) or bind to 127.0.0.1"
        )


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`; others get 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"error": "unauthorized", "message": "Send Authorization: Bearer <MCP_TOKEN>."}).encode()
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="glossary"'),
        ]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _allowed(self, scope: Scope) -> bool:
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                given = value
                break
        # Constant time, so the token cannot be guessed byte by byte from response times.
        return hmac.compare_digest(given, self.expected)
