"""A term request as the state database holds it: the row read back as a TermRequest, and the ids a row can have."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Row

from .rules import RequestKind, RequestStatus, TermRequest

# Request ids are the state schema's Integer column: PostgreSQL's int4, 1 to 2**31 - 1.
LARGEST_ID = 2**31 - 1


def known_id(request_id: object) -> int:
    """The id as a request number the database can hold, or LookupError worded like a missing request.

    Ids come from button values, modal metadata and the command line: a huge number would overflow
    SQLite's integer (OverflowError) and a string or a float is no id at all. None of them names a request.
    """
    if isinstance(request_id, bool) or not isinstance(request_id, int) or not 1 <= request_id <= LARGEST_ID:
        shown = str(request_id)
        shown = shown if len(shown) <= 24 else shown[:23] + "…"
        raise LookupError(f"There is no request #{shown}.")
    return request_id


def request_from_row(row: Row[Any], voters: tuple[str, ...]) -> TermRequest:
    return TermRequest(
        id=row.id,
        kind=RequestKind(row.kind),
        term=row.term,
        term_key=row.term_key,
        requester=row.requester,
        status=RequestStatus(row.status),
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        aliases=row.aliases,
        seen_where=row.seen_where,
        why=row.why,
        audiences=tuple(a for a in row.audiences.split(",") if a),
        urgency=row.urgency,
        links=tuple(x for x in row.links.split("\n") if x),
        anonymous=bool(row.anonymous),
        votes=row.votes,
        reviewer=row.reviewer,
        resolution=row.resolution,
        linked_slug=row.linked_slug,
        duplicate_of=row.duplicate_of,
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        voters=voters,
    )


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for what was stored as UTC
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
