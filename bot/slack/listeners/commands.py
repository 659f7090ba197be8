"""/define: every answer goes back in the ack itself, so a lookup costs no Web API call.
The one exception is `/define request`, which opens a modal right after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from ...ask import parse_command
from .. import ids
from ..deps import Listener, deps_of
from ..modals import open_modal
from ..replies import reply_for
from ..request_lists import requests_reply
from ..views.request_form import request_modal


def define(ack: Ack, command: dict[str, Any], client: WebClient, context: Any, respond: Respond | None = None) -> None:
    deps = deps_of(context)
    ask = parse_command(command.get("text") or "")
    user = command["user_id"]
    if ask.action == "request":
        ack()
        modal = request_modal(term=ask.text)
        outbox = deps.runtime.requests.outbox
        open_modal(client, command["trigger_id"], modal, respond=respond, user=user, outbox=outbox)
    elif ask.action in ("requests", "my_requests"):
        reviewer = ask.action == "requests" and user in deps.reviewers
        ack(response_type="ephemeral", **requests_reply(deps.runtime, user, ask, reviewer=reviewer))
    else:
        ack(response_type="ephemeral", **reply_for(deps.runtime, user, ask))


LISTENERS: list[Listener] = [("command", ids.COMMAND, define)]
