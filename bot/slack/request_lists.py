"""`/define requests [status]` and `/define my requests`: the core picks and orders, the renderer lists."""

from __future__ import annotations

from ..ask import Ask
from ..runtime import Runtime
from ..term_requests.rules import STATUS_FILTER_WORDS, parse_status_filter
from .render.blocks import escape
from .render.requests import request_list
from .render.results import notice


def requests_reply(runtime: Runtime, user_id: str, ask: Ask, *, reviewer: bool) -> dict:
    """`/define requests [status]` for reviewers; `/define my requests` for anyone."""
    if ask.action == "my_requests":
        mine = runtime.requests.list(requester=user_id)
        return request_list(mine[::-1], title="Your requests")
    if not reviewer:
        return notice("Only glossary reviewers can list every request. `/define my requests` shows yours.")
    wanted = parse_status_filter(ask.text)
    if wanted is None:
        known = ", ".join(f"`{s}`" for s in STATUS_FILTER_WORDS)
        return notice(f"I don't know the status *{escape(ask.text)}*. Try one of {known}.")
    unposted = frozenset(runtime.requests.outbox.undelivered_posts())
    return request_list(runtime.requests.backlog(wanted.statuses), title=wanted.title, unposted=unposted)
