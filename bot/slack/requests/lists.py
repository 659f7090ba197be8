"""`/define requests [status]`, `/define my requests` and `/define request N`: the core picks and orders,
the renderer lists. The same answers by @-mention and in DMs."""

from __future__ import annotations

from ...ask import Ask, Asked
from ...runtime import Runtime
from ...term_requests.rules import STATUS_FILTER_WORDS, may_read, parse_status_filter
from ..kit.blocks import escape
from ..kit.messages import notice
from .detail import request_detail
from .messages import request_list

NOT_YOURS = (
    "Request #{n} is not one you filed. `/define my requests` lists yours; glossary reviewers can open any request."
)


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
        return request_detail_reply(runtime, user_id, int(ask.text), reviewer=reviewer)
    if not reviewer:
        return notice("Only glossary reviewers can list every request. `/define my requests` shows yours.")
    wanted = parse_status_filter(ask.text)
    if wanted is None:
        known = ", ".join(f"`{s}`" for s in STATUS_FILTER_WORDS)
        return notice(f"I don't know the status *{escape(ask.text)}*. Try one of {known}.")
    unposted = frozenset(runtime.requests.outbox.undelivered_posts())
    return request_list(runtime.requests.backlog(wanted.statuses), title=wanted.title, unposted=unposted)


def request_detail_reply(runtime: Runtime, user_id: str, number: int, *, reviewer: bool) -> dict:
    """A reviewer sees any request; anyone else only one they filed. To them an unknown number and
    somebody else's request read the same, so nobody learns what others asked for."""
    try:
        request = runtime.requests.get(number)
    except LookupError:
        return notice(f"There is no request #{number}." if reviewer else NOT_YOURS.format(n=number))
    if not may_read(request, user_id, reviewer=reviewer):
        return notice(NOT_YOURS.format(n=number))
    history = runtime.requests.history(request.id)
    return request_detail(request, history, viewer=user_id, reviewer=reviewer)
