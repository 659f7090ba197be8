"""/define: every answer goes back in the ack itself, so a lookup costs no Web API call.
The one exception is `/define request`, which opens a modal right after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from ...ask import parse_command
from .. import ids
from ..deps import Listener, deps_of
from ..replies import reply_for
from ..request_lists import requests_reply
from ..views.request_form import request_modal


def define(ack: Ack, command: dict[str, Any], client: WebClient, context: Any) -> None:
    deps = deps_of(context)
    ask = parse_command(command.get("text") or "")
    user = command["user_id"]
    if ask.action == "request":
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=request_modal(term=ask.text))
    elif ask.action in ("requests", "my_requests"):
        reviewer = ask.action == "requests" and user in deps.reviewers
        ack(response_type="ephemeral", **requests_reply(deps.runtime, user, ask, reviewer=reviewer))
    else:
        ack(response_type="ephemeral", **reply_for(deps.runtime, user, ask))


def answers_in_ack(body: dict[str, Any]) -> bool:
    """Whether this request is a /define answered in the ack alone (no Web API call): run it inline."""
    if body.get("command") != ids.COMMAND:
        return False
    return parse_command(body.get("text") or "").action != "request"


LISTENERS: list[Listener] = [("command", ids.COMMAND, define)]
