"""Messages the bot sends on its own about requests: triage posts, their updates, and DMs to people."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..runtime import Runtime
from ..term_requests.rules import TermRequest
from .render.card import card_blocks
from .render.requests import declined_dm, duplicate_dm, published_dm
from .render.triage_post import triage_message

log = logging.getLogger(__name__)


def _term_name(runtime: Runtime, request: TermRequest) -> str | None:
    term = runtime.glossary.get(request.linked_slug) if request.linked_slug else None
    return term.term if term else None


def _triage(runtime: Runtime, request: TermRequest) -> dict:
    owners = runtime.governance.owners_for_request(runtime.glossary, request)
    return triage_message(request, _term_name(runtime, request), owners)


def post_triage(client: WebClient, runtime: Runtime, request: TermRequest) -> None:
    channel = runtime.settings.requests_channel
    if not channel:
        log.info("request #%d filed; REQUESTS_CHANNEL is not set, so no triage post", request.id)
        return
    posted = _triage(runtime, request)
    try:
        reply = client.chat_postMessage(channel=channel, **posted)
    except SlackApiError as exc:
        log.error(
            "could not post request #%d to %s: %s (is the bot in that channel?)",
            request.id,
            channel,
            exc.response.get("error"),
        )
        return
    # Until the post is recorded, a vote cannot redraw it (it has no message to update). So whatever
    # changed between filing and now is drawn here: the book re-reads the request as it records the post.
    now = runtime.requests.set_message(request.id, reply["channel"], reply["ts"])
    if _triage(runtime, now) != posted:
        update_triage(client, runtime, now)


def update_triage(client: WebClient, runtime: Runtime, request: TermRequest) -> None:
    if not (request.channel_id and request.message_ts):
        return  # not posted yet: post_triage draws the latest state once it records the post
    try:
        client.chat_update(channel=request.channel_id, ts=request.message_ts, **_triage(runtime, request))
    except SlackApiError as exc:
        log.error("could not update the triage post of request #%d: %s", request.id, exc.response.get("error"))


def dm(client: WebClient, user_id: str, message: dict) -> None:
    """Posting to a user id lands in the app's DM with that person (chat:write is enough)."""
    try:
        client.chat_postMessage(channel=user_id, **message)
    except SlackApiError as exc:
        log.error("could not DM %s: %s", user_id, exc.response.get("error"))


def announce_published(client: WebClient, runtime: Runtime, requests: list[TermRequest]) -> None:
    """Each triage post redrawn, and the requester and every voter told that their term shipped."""
    for request in requests:
        update_triage(client, runtime, request)
        tell_published(client, runtime, request)


def tell_published(client: WebClient, runtime: Runtime, request: TermRequest) -> None:
    """The requester and every voter hear that their term shipped, with its card."""
    for user in dict.fromkeys((request.requester, *request.voters)):
        card = runtime.open_term(user, request.linked_slug or "")
        blocks = card_blocks(card, public=True) if card else []
        dm(client, user, published_dm(request, blocks, voter=user != request.requester))


def announce_declined(client: WebClient, request: TermRequest) -> None:
    dm(client, request.requester, declined_dm(request))


def announce_duplicate(client: WebClient, request: TermRequest) -> None:
    dm(client, request.requester, duplicate_dm(request))
