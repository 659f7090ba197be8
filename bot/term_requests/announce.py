"""Who hears about a change to a request, written as outbox letters inside the change's own transaction.

Letters carry intent (a kind, a request number, a person), never Slack messages: the Slack layer renders them
when it sends them, from the request as it is then. Requests filed over MCP ("mcp:<name>") get their triage post
like any other, but no DM: there is nobody in Slack to send it to.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ..state.outbox import LetterKind, Outbox, is_slack_user
from .rules import RequestStatus, TermRequest

# Closing moves that everyone who asked or voted hears about (issue 11: voters too, not only the requester).
TOLD_EVERYONE = (RequestStatus.PUBLISHED, RequestStatus.DECLINED, RequestStatus.DUPLICATE)


def announce_filing(
    outbox: Outbox,
    conn: Connection,
    request: TermRequest,
    requester: str,
    *,
    created: bool,
    voted: bool,
    confirm: bool,
) -> None:
    """A new request gets its triage post; a vote redraws it; confirm=True also DMs the person who asked."""
    if created:
        outbox.add(conn, LetterKind.TRIAGE_POST, {"request_id": request.id}, request_id=request.id)
    elif voted:
        outbox.add(conn, LetterKind.TRIAGE_UPDATE, {"request_id": request.id, "by": requester}, request_id=request.id)
    if confirm and is_slack_user(requester):
        about = {"about": "filed", "created": created, "voted": voted, "votes": request.votes}
        outbox.add(conn, LetterKind.DM, {"user": requester, "request_id": request.id, **about}, request_id=request.id)


def announce_change(outbox: Outbox, conn: Connection, request: TermRequest, actor: str) -> None:
    """The triage post is redrawn; a closing move is told to the requester and to every voter, once each."""
    outbox.add(conn, LetterKind.TRIAGE_UPDATE, {"request_id": request.id, "by": actor}, request_id=request.id)
    if request.status not in TOLD_EVERYONE:
        return
    for user in dict.fromkeys((request.requester, *request.voters)):
        if is_slack_user(user):
            about = {"about": request.status.value, "voter": user != request.requester}
            outbox.add(conn, LetterKind.DM, {"user": user, "request_id": request.id, **about}, request_id=request.id)
