"""How the outbox reaches Slack: its own Web API client (a short timeout, no retry handlers: waiting is the
outbox's job), and the classic card a shared Work Object falls back to, posted through the response_url of the
click that shared it (which works in any channel, the bot a member or not). A response_url is not the Web API: no
rate tiers, and it lives 30 minutes, so it is tried once, never paced or retried."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse

from ...config import Settings
from ...state.team import Team
from .decisions import NotInstalled

# Several workspaces (OAuth installs): a team's bot token (bot/slack/install/tokens.py), None when it has none.
Tokens = Callable[[Team], str | None] | None


def team_token(tokens: Callable[[Team], str | None], team: Team) -> str:
    token = tokens(team)
    if not token:
        raise NotInstalled(f"team {team.id} has no installation (tokens revoked or the app uninstalled)")
    return token


def call_timeout(settings: Settings) -> int:
    return max(1, int(min(10.0, settings.outbox_lease_seconds / 4)))  # a try always ends inside its lease


def delivery_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        timeout=call_timeout(settings),
        retry_handlers=[],
    )


def post_classic_card(fallback: dict[str, Any], timeout: int) -> str | None:
    """Posts `fallback["message"]` to `fallback["response_url"]`; None when Slack took it, else what went wrong."""
    hook = WebhookClient(fallback["response_url"], timeout=timeout)
    try:
        answer = hook.send_dict(fallback["message"])
    except OSError as exc:
        return str(exc)
    if accepted(answer):
        return None
    return f"HTTP {answer.status_code} {answer.body[:200]}"


def accepted(answer: WebhookResponse) -> bool:
    """A response_url answers 200 with "ok" or {"ok": true}; anything else (an expired URL, `ok: false`) is a no."""
    if answer.status_code != 200:
        return False
    try:
        body = json.loads(answer.body)
    except ValueError:
        return True  # plain "ok"
    return not isinstance(body, dict) or body.get("ok", True) is not False
