"""`/define requests [status]`, `/define my requests` and `/define request N`: the core picks and orders,
the renderer lists. The same answers by @-mention and in DMs."""

from __future__ import annotations

from ...answers.ask import Ask, Asked
from ...runtime import Runtime
from ...term_requests.rules import STATUS_FILTER_WORDS, parse_status_filter
from ..kit.blocks import escape
from ..kit.messages import notice
from .detail import detail_message
from .messages import request_list


def needs_reviewer_check(ask: Ask) -> bool:
    """Whether the answer depends on the asker being a reviewer (a user-group lookup, so only when it does)."""
    return ask.action in (Asked.REQUESTS, Asked.SHOW_REQUEST)


def requests_reply(runtime: Runtime, user_id: str, ask: Ask, *, reviewer: bool) -> dict:
    """`/define requests [status]` for reviewers; `/define my requests` and `/define request N` for anyone."""
    if ask.action == Asked.MY_REQUESTS:
        # The ones you filed and the ones you voted for: the vote's confirmation promised news of them.
        mine = runtime.requests.list(requester=user_id, voter=user_id)
        voted = frozenset(r.id for r in mine if r.requester != user_id)
        return request_list(mine[::-1], title="Your requests and the ones you voted for", voted_for=voted)
    if ask.action == Asked.SHOW_REQUEST:
        return detail_message(runtime, user_id, int(ask.text), reviewer=reviewer)
    if not reviewer:
        return notice("Only glossary reviewers can list every request. `/define my requests` shows yours.")
    wanted = parse_status_filter(ask.text)
    if wanted is None:
        known = ", ".join(f"`{s}`" for s in STATUS_FILTER_WORDS)
        return notice(f"I don't know the status *{escape(ask.text)}*. Try one of {known}.")
    unposted = frozenset(runtime.outbox.undelivered_posts())
    return request_list(runtime.requests.backlog(wanted.statuses), title=wanted.title, unposted=unposted)
