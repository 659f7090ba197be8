"""Which open request a new filing joins instead of becoming a request of its own: the rules, read in one place."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..state.schema import term_requests
from ..state.team import Team
from .rules import ACTIVE, RequestForm, RequestKind


def already_open(conn: Connection, team: Team, form: RequestForm, requester: str) -> tuple[int, bool] | None:
    """(the open request this filing joins, whether joining it is a vote), or None for a new request.

    A new term already asked for in this team is a vote on that request. A change request is never merged with
    another person's (each says something of its own), but the same note sent twice by one person while the first
    is open (a 👎 form submitted again, a double click) is that one request."""
    mine = [team.owns(term_requests), term_requests.c.term_key == form.key, term_requests.c.status.in_(ACTIVE)]
    if form.kind == RequestKind.NEW:
        row = conn.execute(select(term_requests.c.id).where(*mine, term_requests.c.kind == RequestKind.NEW)).first()
        return (row.id, True) if row else None
    same_note = (
        term_requests.c.kind == form.kind,
        term_requests.c.requester == requester,
        term_requests.c.why == form.why,
    )
    row = conn.execute(select(term_requests.c.id).where(*mine, *same_note)).first()
    return (row.id, False) if row else None
