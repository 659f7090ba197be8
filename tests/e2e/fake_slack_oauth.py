"""Slack's side of the OAuth install, for the fake Slack (harness.FakeSlack.oauth): oauth.v2.access (a code
exchanged for a bot token, and a refresh token exchanged for a new pair: rotation), and every Web API call
answered by the token it carries, so a test sees which workspace's token was used. A token Slack no longer
honours (refreshed away, revoked, never issued) is refused, as Slack refuses it."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret-not-real"
APP_ID = "A0001"
SCOPES = "commands,chat:write,im:write,users:read"


@dataclass(frozen=True)
class Grant:
    """One installation as Slack sees it: a workspace (team_id), or a whole Grid org (enterprise_id only)."""

    team_id: str | None
    enterprise_id: str | None = None
    installer: str = "UINSTALL1"

    @property
    def org_wide(self) -> bool:
        return self.team_id is None

    @property
    def name(self) -> str:
        return self.team_id or self.enterprise_id or "?"


def token_of(call) -> str:
    """The bearer token a Web API call carried (slack_sdk sends it as a header), or ""."""
    header = call.headers.get("Authorization") or call.headers.get("authorization") or ""
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else str(call.body.get("token", ""))


class FakeOAuth:
    def __init__(self, *, first_expires_in: int = 43200, refreshed_expires_in: int = 43200):
        self.first_expires_in = first_expires_in  # the install's token; under TOKEN_ROTATION_MINUTES: refreshed
        self.refreshed_expires_in = refreshed_expires_in
        self._serial = itertools.count(1)
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}  # live bot tokens
        self.refresh_tokens: dict[str, Grant] = {}
        self.refreshed: list[str] = []  # the old token of each rotation, in order
        # Called with the refresh token just before a refresh is answered: another process may use it first.
        self.before_refresh = None

    # --- what a test does on Slack's side --------------------------------------------------------

    def approve(self, grant: Grant) -> str:
        """A person approved the install on Slack's page: the code Slack puts in the redirect."""
        code = f"code-{grant.name}-{next(self._serial)}"
        self.codes[code] = grant
        return code

    def token_for(self, grant: Grant) -> str:
        """The grant's live bot token."""
        return next(token for token, held in self.tokens.items() if held == grant)

    def revoke(self, grant: Grant) -> None:
        """The workspace's admin revoked the tokens (or uninstalled): Slack honours none of them from now on."""
        for book in (self.tokens, self.refresh_tokens):
            for token in [t for t, held in book.items() if held == grant]:
                del book[token]

    # --- answering the fake Slack's calls --------------------------------------------------------

    def answer(self, call) -> dict | None:
        """The answer to a Web API call, or None for the harness's usual one (the token is good)."""
        if not call.path.startswith("/api/"):
            return None
        if call.method == "oauth.v2.access":
            return self._access(call)
        grant = self.tokens.get(token_of(call))
        if grant is None:
            return {"ok": False, "error": "invalid_auth"}
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": f"https://{grant.name.lower()}.slack.com/",
                "team_id": grant.team_id or grant.enterprise_id,
                "enterprise_id": grant.enterprise_id,
                "is_enterprise_install": grant.org_wide,
                "user_id": f"UBOT{grant.name}",
                "bot_id": f"B{grant.name}",
                "user": "glossary",
            }
        return None

    def _access(self, call) -> dict:
        if not self._client_ok(call):
            return {"ok": False, "error": "invalid_client_id"}
        if call.body.get("grant_type") == "refresh_token":
            if self.before_refresh is not None:
                self.before_refresh(str(call.body.get("refresh_token")))
            return self.refresh(str(call.body.get("refresh_token")))
        grant = self.codes.pop(str(call.body.get("code")), None)  # a code works once
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        return self._issue(grant, self.first_expires_in)

    def refresh(self, refresh_token: str) -> dict:
        """A refresh token exchanged for a new pair, once: Slack refuses it the second time."""
        grant = self.refresh_tokens.pop(refresh_token, None)
        if grant is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        old = self.token_for(grant)
        del self.tokens[old]  # rotation: the old token stops working at once
        self.refreshed.append(old)
        return self._issue(grant, self.refreshed_expires_in)

    def _issue(self, grant: Grant, expires_in: int) -> dict:
        serial = next(self._serial)
        token, refresh = f"xoxe.xoxb-{grant.name}-{serial}-not-real", f"xoxe-1-{grant.name}-{serial}-not-real"
        self.tokens[token] = grant
        self.refresh_tokens[refresh] = grant
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": grant.installer},
            "scope": SCOPES,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": f"UBOT{grant.name}",
            "refresh_token": refresh,
            "expires_in": expires_in,
            "team": None if grant.org_wide else {"id": grant.team_id, "name": f"Team {grant.team_id}"},
            "enterprise": {"id": grant.enterprise_id, "name": "Org"} if grant.enterprise_id else None,
            "is_enterprise_install": grant.org_wide,
        }

    @staticmethod
    def _client_ok(call) -> bool:
        """slack_sdk sends the app's id and secret as HTTP basic auth (or in the body)."""
        header = call.headers.get("Authorization") or call.headers.get("authorization") or ""
        if header.startswith("Basic "):
            pair = base64.b64decode(header[6:]).decode()
        else:
            pair = f"{call.body.get('client_id')}:{call.body.get('client_secret')}"
        return pair == f"{CLIENT_ID}:{CLIENT_SECRET}"
