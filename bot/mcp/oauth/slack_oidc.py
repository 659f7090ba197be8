"""Sign in with Slack (OpenID Connect): the page a person is sent to, and what Slack says about them after.

Slack's pages live at slack.com/openid/connect/authorize and its token endpoint at slack.com/api/
openid.connect.token; both follow SLACK_API_URL when it is set (a proxy, GovSlack, or the tests' fake),
whose site is that URL without its trailing `api/`.

The ID token comes straight from Slack's token endpoint over TLS in exchange for our client secret, so,
as OpenID Connect Core §3.1.3.7 allows, its signature is not checked; its audience, nonce, expiry and
workspace are.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...config import Settings

SLACK_SITE = "https://slack.com/"
ISSUER = "https://slack.com"
USER_CLAIM = "https://slack.com/user_id"
TEAM_CLAIM = "https://slack.com/team_id"
CALLBACK_PATH = "/oauth/slack/callback"
TIMEOUT = 10  # seconds for each call to Slack


class SignInRefused(Exception):
    """Slack did not vouch for this person as one of this workspace; the message says why, in one line."""


@dataclass(frozen=True)
class SlackPerson:
    user_id: str
    team_id: str


class SlackSignIn:
    def __init__(self, settings: Settings) -> None:
        self.client_id = settings.slack_client_id
        self.client_secret = settings.slack_client_secret
        self.bot_token = settings.slack_bot_token
        self.api_url = settings.slack_api_url or SLACK_SITE + "api/"
        self.site = self.api_url.removesuffix("/").removesuffix("api") or SLACK_SITE
        self.redirect_uri = settings.mcp_public_url + CALLBACK_PATH
        self._team: str | None = None
        self._lock = threading.Lock()

    def authorize_url(self, state: str, nonce: str) -> str:
        """Slack's sign-in page for this app, coming back to our callback with `state`."""
        query = {
            "response_type": "code",
            "scope": "openid",
            "client_id": self.client_id,
            "state": state,
            "nonce": nonce,
            "redirect_uri": self.redirect_uri,
        }
        team = self._known_team()
        if team:
            query["team"] = team  # Slack skips its workspace picker; the claim is still checked below
        return f"{self.site}openid/connect/authorize?{urlencode(query)}"

    def person(self, code: str, nonce: str) -> SlackPerson:
        """Trade Slack's code for its ID token and read who signed in. Blocking: call it off the event loop."""
        client = WebClient(base_url=self.api_url, timeout=TIMEOUT)
        try:
            reply = client.openid_connect_token(
                client_id=self.client_id, client_secret=self.client_secret, code=code, redirect_uri=self.redirect_uri
            )
        except SlackApiError as exc:
            if exc.response.status_code >= 500 or exc.response.status_code == 429:
                raise  # Slack is down or busy: not a refusal, the person may try again
            raise SignInRefused(f"Slack refused the sign-in ({exc.response.get('error', 'error')}).") from exc
        claims = _claims(str(reply.get("id_token") or ""))
        self._check(claims, nonce)
        return SlackPerson(str(claims[USER_CLAIM]), str(claims[TEAM_CLAIM]))

    def _check(self, claims: dict[str, Any], nonce: str) -> None:
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.client_id not in audiences:
            raise SignInRefused("Slack's answer was meant for another app.")
        if claims.get("nonce") != nonce:
            raise SignInRefused("Slack's answer does not belong to this sign-in; start again.")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < time.time():
            raise SignInRefused("Slack's answer has expired; start again.")
        if not claims.get(USER_CLAIM) or not claims.get(TEAM_CLAIM):
            raise SignInRefused("Slack did not say who signed in.")
        if claims[TEAM_CLAIM] != self.workspace():
            raise SignInRefused("That Slack account is in another workspace; sign in with this workspace's account.")

    def workspace(self) -> str:
        """This bot's workspace (auth.test with the bot token), asked once per process."""
        with self._lock:
            if self._team is None:
                reply = WebClient(token=self.bot_token, base_url=self.api_url, timeout=TIMEOUT).auth_test()
                self._team = str(reply["team_id"])
            return self._team

    def _known_team(self) -> str | None:
        with self._lock:
            return self._team


def _claims(id_token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise SignInRefused("Slack's answer had no readable ID token.") from exc
    if claims.get("iss") != ISSUER:
        raise SignInRefused("Slack's answer came from an unknown issuer.")
    return dict(claims)
