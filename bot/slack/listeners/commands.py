"""/define: every answer goes back in the ack itself, so a lookup costs no Web API call.
The one exception is `/define request`, which opens a modal right after the ack."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from ...ask import parse_command
from ...runtime import Runtime
from .. import ids
from ..replies import reply_for
from ..request_lists import requests_reply
from ..reviewers import Reviewers
from ..views.request_form import request_modal


def register(app: App, runtime: Runtime, reviewers: Reviewers) -> None:
    @app.command(ids.COMMAND)
    def define(ack: Ack, command: dict, client: WebClient) -> None:
        ask = parse_command(command.get("text") or "")
        user = command["user_id"]
        if ask.action == "request":
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=request_modal(term=ask.text))
        elif ask.action in ("requests", "my_requests"):
            reviewer = ask.action == "requests" and user in reviewers
            ack(response_type="ephemeral", **requests_reply(runtime, user, ask, reviewer=reviewer))
        else:
            ack(response_type="ephemeral", **reply_for(runtime, user, ask))
