"""/define: every answer goes back in the ack itself, so a lookup costs no Web API call."""

from __future__ import annotations

from slack_bolt import Ack, App

from ...ask import parse_command
from ...runtime import Runtime
from .. import ids
from ..replies import reply_for


def register(app: App, runtime: Runtime) -> None:
    @app.command(ids.COMMAND)
    def define(ack: Ack, command: dict) -> None:
        ask = parse_command(command.get("text") or "")
        ack(response_type="ephemeral", **reply_for(runtime, command["user_id"], ask))
