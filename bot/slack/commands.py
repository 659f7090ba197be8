"""/define: every answer goes back in the ack itself, so a lookup costs no Web API call.
The one exception is `/define request`, which opens a modal right after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from ..ask import parse_command
from ..lookup_stats import stats_days
from .kit import ids
from .kit.blocks import escape
from .kit.deps import Deps, Listener, deps_of
from .kit.messages import notice
from .outbox.modals import open_modal
from .replies import reply_for
from .requests.form import request_modal
from .requests.lists import needs_reviewer_check, requests_reply
from .reviews.stats import NOT_A_REVIEWER, stats_message


def define(ack: Ack, command: dict[str, Any], client: WebClient, context: Any, respond: Respond | None = None) -> None:
    deps = deps_of(context)
    user = command["user_id"]
    if stats(ack, deps, user, command.get("text") or ""):
        return
    ask = parse_command(command.get("text") or "")
    if ask.action == "request":
        ack()
        modal = request_modal(term=ask.text)
        outbox = deps.runtime.requests.outbox
        open_modal(client, command["trigger_id"], modal, respond=respond, user=user, outbox=outbox)
    elif ask.action in ("requests", "my_requests", "show_request"):
        reviewer = needs_reviewer_check(ask) and user in deps.reviewers
        ack(response_type="ephemeral", **requests_reply(deps.runtime, user, ask, reviewer=reviewer))
    else:
        ack(response_type="ephemeral", **reply_for(deps.runtime, user, ask))


def stats(ack: Ack, deps: Deps, user: str, text: str) -> bool:
    """`/define stats [days]`, for reviewers only; False when the text asks for something else."""
    try:
        days = stats_days(text)
    except ValueError as usage:
        ack(response_type="ephemeral", **notice(escape(str(usage))))
        return True
    if days is None:
        return False
    if user not in deps.reviewers:
        ack(response_type="ephemeral", **notice(NOT_A_REVIEWER))
    else:
        ack(response_type="ephemeral", **stats_message(deps.runtime.lookup_stats(days)))
    return True


def answers_in_ack(body: dict[str, Any]) -> bool:
    """Whether this request is a /define answered in the ack alone (no Web API call): run it inline."""
    if body.get("command") != ids.COMMAND:
        return False
    return parse_command(body.get("text") or "").action != "request"


LISTENERS: list[Listener] = [("command", ids.COMMAND, define)]
