"""Driving the OAuth install through the real HTTP server, as a browser and Slack would: the install page, the
person's approval on Slack's side (the fake's code), the redirect back with state and cookie. And requests
as they arrive from a workspace installed that way: its team, and for a Grid org its enterprise."""

from __future__ import annotations

import json
import re
import time
import urllib.parse

from cryptography.fernet import Fernet

from bot.config import Settings

from .fake_slack_oauth import CLIENT_ID, CLIENT_SECRET, SCOPES, FakeOAuth, Grant
from .harness import Reply, http, signed_post

KEY = Fernet.generate_key().decode()


def oauth_settings(settings: Settings, **changes) -> dict:
    """The changes that turn the e2e settings into an OAuth install: no SLACK_BOT_TOKEN at all."""
    return {
        "slack_bot_token": "",
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_scopes": tuple(SCOPES.split(",")),
        "slack_token_keys": (KEY,),
        **changes,
    }


def start_install(server_url: str) -> tuple[str, str]:
    """The install page: its state (in Slack's authorize link) and the cookie Bolt set beside it."""
    page = http("GET", server_url + "/slack/install")
    assert page.status == 200, page.body
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body)
    assert link, page.body
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == [SCOPES] and query.get("user_scope", [""]) == [""]
    cookie = page.headers.get("Set-Cookie") or page.headers.get("set-cookie") or ""
    return query["state"][0], cookie.split(";", 1)[0]


def finish_install(server_url: str, code: str, state: str, cookie: str) -> Reply:
    query = urllib.parse.urlencode({"code": code, "state": state})
    return http("GET", f"{server_url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie})


def install(server_url: str, oauth: FakeOAuth, grant: Grant) -> Reply:
    """The whole flow for one workspace or org; the redirect's answer."""
    state, cookie = start_install(server_url)
    return finish_install(server_url, oauth.approve(grant), state, cookie)


def define(server_url: str, text: str, *, team: str, enterprise: str | None = None, org_wide: bool = False) -> Reply:
    """/define as a workspace sends it; `enterprise` and `org_wide` as an org-wide Grid install's workspaces do."""
    fields = {
        "token": "legacy",
        "team_id": team,
        "team_domain": team.lower(),
        "channel_id": "C0000001",
        "channel_name": "general",
        "user_id": f"U{team}",
        "user_name": "asker",
        "command": "/define",
        "text": text,
        "api_app_id": "A0001",
        "is_enterprise_install": "true" if org_wide else "false",
        "response_url": "",
        "trigger_id": f"trigger-{team}-{time.monotonic_ns()}",
    }
    if enterprise:
        fields["enterprise_id"] = enterprise
    return signed_post(
        server_url + "/slack/events", urllib.parse.urlencode(fields), "application/x-www-form-urlencoded"
    )


def event(server_url: str, inner: dict, *, team: str, enterprise: str | None = None, org_wide: bool = False) -> Reply:
    body = {
        "token": "legacy",
        "team_id": team,
        "enterprise_id": enterprise,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": inner,
        "is_enterprise_install": org_wide,
        "authorizations": [
            {"enterprise_id": enterprise, "team_id": None if org_wide else team, "is_enterprise_install": org_wide}
        ],
    }
    return signed_post(server_url + "/slack/events", json.dumps(body), "application/json")
