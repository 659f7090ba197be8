"""A letter of the outbox as the code reads it (outbox.py stores them): its kinds, its fields, who gets DMs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .team import Team


class LetterKind(StrEnum):
    """What a letter asks the Slack side to do, and the payload it carries. Stored as its value."""

    TRIAGE_POST = "triage_post"  # {"request_id"}: the request's one post in the requests channel
    TRIAGE_UPDATE = "triage_update"  # {"request_id", "by"}: redraw it; the latest state is drawn when it is sent
    DM = "dm"  # {"user", "about", "request_id", ...} or {"user", "message"}: a direct message to a person
    MESSAGE = "message"  # {"channel", "thread_ts", "message"}: a reply rendered where it was asked for
    # {"branch", "title", "body", "message", "files", "reviewers", "team_reviewers", "labels"}: a change opened as a
    # pull request on the git host (bot/pulls/delivery.py); the branch is the change's identity.
    PULL_REQUEST = "pull_request"


# Who sends which letters: the Slack worker never claims a pull request, the git host's worker nothing else.
SLACK_KINDS = (LetterKind.TRIAGE_POST, LetterKind.TRIAGE_UPDATE, LetterKind.DM, LetterKind.MESSAGE)
GIT_HOST_KINDS = (LetterKind.PULL_REQUEST,)


@dataclass(frozen=True)
class Letter:
    id: int
    kind: str  # a LetterKind's value; a row written by a newer version may hold one this version lacks
    request_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int  # tries made, this one included once claimed
    unsure: bool  # an earlier try may have reached Slack
    last_error: str
    created_at: dt.datetime
    due_at: dt.datetime
    team: Team  # whose letter: the worker sends it with that team's view of the state
    # (channel, ts) where its message landed, when Slack's answer or its echo said so
    posted: tuple[str, str] | None = None
    # when an earlier unsure try's echo stops being waited for; None: not waited for yet (claim_batch clears it,
    # so a try that starts after the wait and dies makes the next claim wait again)
    echo_due: dt.datetime | None = None


@dataclass(frozen=True)
class Stuck:
    """Letters that have not reached Slack: what the reviewer Home and `python -m bot outbox` can show."""

    dead: int  # given up on: a permanent refusal, or past the deadline (retried hourly for a week)
    waiting: int  # still being tried, first written longer ago than `older_than`
    oldest: dt.datetime | None  # when the oldest of them was written


def is_slack_user(who: str) -> bool:
    """Slack people are user ids (U…, W…); requests filed over MCP are "mcp:<name>" and get no DM."""
    return who[:1] in ("U", "W") and ":" not in who


def letter_of(row: Any, *, attempts: int | None = None, unsure: bool | None = None) -> Letter:
    return Letter(
        id=row.id,
        kind=row.kind,
        request_id=row.request_id,
        payload=json.loads(row.payload),
        status=row.status,
        attempts=row.attempts if attempts is None else attempts,
        unsure=bool(row.unsure) if unsure is None else unsure,
        last_error=row.last_error,
        created_at=aware(row.created_at),
        due_at=aware(row.due_at),
        team=Team(row.team_id, row.enterprise_id),
        posted=(row.sent_channel, row.sent_ts) if row.sent_ts else None,
        echo_due=aware(row.echo_due) if row.echo_due else None,
    )


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
