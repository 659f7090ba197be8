"""The MCP server with sign-in, served over real HTTP, and what a person's AI assistant and browser do.

`McpServer` serves bot/mcp's HTTP app (sign-in on) with uvicorn on an ephemeral port in a thread, against a
fake Sign in with Slack (fake_slack_oidc.py). `Browser` follows the sign-in as a person's browser would:
cookies kept, "Continue with Slack" clicked on the consent page. `agent()` is the official SDK client over
streamable HTTP with the SDK's own OAuthClientProvider: discovery from the 401, registration, PKCE, token.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx2
import uvicorn
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from bot.config import Settings
from bot.mcp.oauth.app import signed_in_app
from bot.mcp.oauth.grants import GrantBook, utc_now
from bot.mcp.server import build_server
from bot.runtime import Runtime

from .fake_slack_oidc import CLIENT_ID, CLIENT_SECRET, FakeSlackOIDC

WAIT = 60.0  # seconds: generous for a busy machine
REDIRECT_URI = "http://localhost:3030/callback"  # the assistant's own redirect; never listened on


class Clock:
    """The sign-in's clock: real time plus however far a test has moved it."""

    def __init__(self) -> None:
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utc_now() + self.ahead


class McpServer:
    def __init__(self, settings: Settings, oidc: FakeSlackOIDC) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.url = self.base + "/mcp"
        self.settings = replace(
            settings,
            mcp_public_url=self.base,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_bot_token="xoxb-test-token-not-real",
            slack_api_url=oidc.api_url,
        )
        self.runtime = Runtime.open(self.settings)
        self.clock = Clock()
        self.grants = GrantBook(self.runtime.store, self.clock)
        app = signed_in_app(build_server(self.runtime), self.settings, self.runtime.store, host="127.0.0.1",
                            clock=self.clock)  # fmt: skip
        self.uvicorn = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.uvicorn.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.uvicorn.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError("the MCP server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(WAIT)
        self.runtime.close()


class Browser:
    """A person's browser: follows redirects, keeps cookies, and on the consent page clicks `decision`."""

    def __init__(self, decision: str = "allow") -> None:
        self.decision = decision
        self.http = httpx2.AsyncClient(follow_redirects=False, timeout=WAIT)
        self.landed = ""  # the assistant's redirect URI, with the code (or the error) on it
        self.pages: list[str] = []  # the HTML pages shown along the way

    async def open(self, url: str) -> None:
        for _ in range(12):
            reply = await self.http.get(url)
            if reply.status_code == 200 and 'name="decision"' in reply.text:
                self.pages.append(reply.text)
                signin = re.search(r'name="request" value="([^"]+)"', reply.text).group(1)
                action = urllib.parse.urljoin(url, "/oauth/consent")
                reply = await self.http.post(action, data={"request": signin, "decision": self.decision})
            if reply.status_code != 302:
                self.pages.append(reply.text)
                return
            url = urllib.parse.urljoin(url, reply.headers["location"])
            if url.startswith(REDIRECT_URI):
                self.landed = url
                return
        raise AssertionError("the sign-in redirected too many times")

    def answer(self) -> dict[str, str]:
        return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(self.landed).query).items()}

    async def callback(self) -> AuthorizationCodeResult:
        answer = self.answer()
        if "code" not in answer:
            raise AssertionError(f"the sign-in ended without a code: {answer or self.pages[-1:]}")
        return AuthorizationCodeResult(code=answer["code"], state=answer.get("state"))


class MemoryTokens:
    """The SDK client's TokenStorage, in memory: what an assistant keeps between calls."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def oauth(server: McpServer, browser: Browser, storage: MemoryTokens, name: str = "Test Assistant"):
    metadata = OAuthClientMetadata(
        client_name=name,
        redirect_uris=[REDIRECT_URI],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(server.url, metadata, storage, browser.open, browser.callback)


@contextlib.asynccontextmanager
async def agent(server: McpServer, auth: httpx2.Auth | None = None, *, token: str = "") -> AsyncIterator[Client]:
    """The SDK's client over streamable HTTP: signing in through `auth`, or sending a bearer `token` as is."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with (
        httpx2.AsyncClient(auth=auth, headers=headers, timeout=WAIT) as http,
        Client(streamable_http_client(server.url, http_client=http), read_timeout_seconds=WAIT) as client,
    ):
        yield client
