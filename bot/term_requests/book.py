"""Term requests in the state database: filing (or voting), status moves with their history, reading.

Every change is one transaction that also appends to request_history, so the table and its history
never disagree. Filing is safe under concurrency: on SQLite writers queue (BEGIN IMMEDIATE); on
PostgreSQL two first requests for one term race into the unique index, and the loser retries as a vote.
What may change and when is decided in rules.py; the book applies those rules where it writes, and
never looks a term up itself (rules.now_in_glossary does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Update, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..glossary.lookup import Glossary
from ..glossary.model import Term
from ..state.outbox import Outbox
from ..state.schema import history, term_requests, votes
from ..state.store import Store, now
from ..state.team import Team
from .announce import announce_change, announce_filing
from .joining import already_open
from .rows import known_id, request_from_row
from .rules import (
    ACTIVE,
    NEEDS_A_TERM,
    MoveRefused,
    RequestForm,
    RequestKind,
    RequestStatus,
    TermRequest,
    check_assign,
    check_closing,
    check_move,
    check_person,
    matches_typed,
    now_in_glossary,
)

log = logging.getLogger(__name__)
SYSTEM = "glossary"  # the actor recorded when the bot itself changes a request


@dataclass(frozen=True)
class Filed:
    request: TermRequest
    created: bool  # a new request was made
    voted: bool  # or: a vote was added to an open request for the same term
    # neither: this person had already asked for it


class RequestBook:
    def __init__(self, store: Store, outbox: Outbox | None = None) -> None:
        self.store = store
        # Slack side effects of every change below are letters written in the change's own transaction.
        # The running bot's one outbox (Runtime.outbox), whose wake() its delivery worker waits on; a book
        # opened alone (the command line) writes through its own.
        self.outbox = outbox or Outbox(store)

    @property
    def team(self) -> Team:
        """Whose requests this book reads and writes: every query below asks for this team's rows only."""
        return self.store.team

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.store.writing() as conn:
            yield conn
        self.outbox.wake()  # after the commit: the letters exist now

    # --- filing ------------------------------------------------------------------------------

    def file(self, form: RequestForm, requester: str, *, confirm: bool = False) -> Filed:
        """File (or vote); the triage post and, with confirm=True, the requester's DM are queued with it."""
        check_person(requester)
        for attempt in range(3):
            try:
                with self._writing() as conn:
                    filed = self._file(conn, form, requester)
                    announce_filing(
                        self.outbox,
                        conn,
                        filed.request,
                        requester,
                        created=filed.created,
                        voted=filed.voted,
                        confirm=confirm,
                    )
                    return filed
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("request for %r filed concurrently elsewhere; filing again as a vote", form.term)
        raise AssertionError("unreachable")

    def _file(self, conn: Connection, form: RequestForm, requester: str) -> Filed:
        joined = already_open(conn, self.team, form, requester)
        if joined is not None:
            request_id, as_vote = joined
            voted = self._vote(conn, request_id, requester) if as_vote else False
            return Filed(self._get(conn, request_id), created=False, voted=voted)
        stamp = now()
        request_id = conn.execute(
            insert(term_requests)
            .values(
                kind=form.kind,
                term=form.term.strip(),
                term_key=form.key,
                aliases=form.aliases,
                seen_where=form.seen_where,
                why=form.why,
                audiences=",".join(form.audiences),
                urgency=form.urgency,
                links="\n".join(form.links),
                requester=requester,
                anonymous=form.anonymous,
                status=RequestStatus.OPEN,
                votes=0,
                resolution="",
                linked_slug=form.linked_slug,
                created_at=stamp,
                updated_at=stamp,
                **self.team.row(),
            )
            .returning(term_requests.c.id)
        ).scalar_one()
        self._history(conn, request_id, requester, "filed", None, RequestStatus.OPEN, form.kind)
        self._vote(conn, request_id, requester)
        return Filed(self._get(conn, request_id), created=True, voted=False)

    def _vote(self, conn: Connection, request_id: int, user_id: str) -> bool:
        team = self.team
        exists = conn.execute(
            select(votes.c.user_id).where(
                team.owns(votes), votes.c.request_id == request_id, votes.c.user_id == user_id
            )
        ).first()
        if exists:
            return False
        conn.execute(insert(votes).values(request_id=request_id, user_id=user_id, created_at=now(), **team.row()))
        conn.execute(self._update(request_id).values(votes=term_requests.c.votes + 1))
        self._history(conn, request_id, user_id, "voted", None, None, "")
        return True

    # --- changes -----------------------------------------------------------------------------

    def move(
        self,
        request_id: int,
        actor: str,
        target: str,
        *,
        note: str = "",
        linked_slug: str | None = None,
        duplicate_of: int | None = None,
    ) -> TermRequest:
        """Change the status if the rules allow it; raises MoveRefused (or LookupError) otherwise."""
        request_id = known_id(request_id)
        if duplicate_of == request_id:
            raise MoveRefused("A request cannot be a duplicate of itself; pick another request or a term.")
        check_closing(target, note=note, linked_slug=linked_slug)
        with self._writing() as conn:
            current = self._get(conn, request_id)
            check_move(current.status, target)
            values: dict[str, Any] = {"status": target, "updated_at": now()}
            if note:
                values["resolution"] = note
            if linked_slug is not None:
                values["linked_slug"] = linked_slug
            if duplicate_of is not None:
                values["duplicate_of"] = duplicate_of
            if current.reviewer is None and actor != SYSTEM:
                values["reviewer"] = actor  # whoever first moves a request owns it, unless assigned
            conn.execute(self._update(request_id).values(**values))
            self._history(conn, request_id, actor, "status", current.status, target, note)
            changed = self._get(conn, request_id)
            announce_change(self.outbox, conn, changed, actor)
            return changed

    def decline(self, request_id: int, actor: str, reason: str) -> TermRequest:
        """Close with the reason the requester is told; an empty reason is refused."""
        return self.move(request_id, actor, RequestStatus.DECLINED, note=reason.strip())

    def publish(self, request_id: int, actor: str, term: Term | None) -> TermRequest:
        """Close as shipped, naming the glossary term that answers it; no term, no publication."""
        if term is None:
            raise MoveRefused(NEEDS_A_TERM)
        return self.move(
            request_id, actor, RequestStatus.PUBLISHED, linked_slug=term.slug, note=f"Published as {term.term}."
        )

    def mark_duplicate(
        self, request_id: int, actor: str, *, of_request: int | None = None, of_term: tuple[str, str] | None = None
    ) -> TermRequest:
        """Close as a duplicate of another request, or of a term (slug, name) the glossary already has."""
        if of_request is not None:
            target = self.get(of_request)
            return self.move(
                request_id,
                actor,
                RequestStatus.DUPLICATE,
                duplicate_of=target.id,
                note=f"Duplicate of request #{target.id} ({target.term}).",
            )
        if of_term is not None:
            slug, name = of_term
            return self.move(
                request_id,
                actor,
                RequestStatus.DUPLICATE,
                linked_slug=slug,
                note=f"Already in the glossary as {name}.",
            )
        raise MoveRefused("Pick another request or a glossary term.")

    def assign(self, request_id: int, actor: str, reviewer: str) -> TermRequest:
        """Give an active request its reviewer; a closed one is refused (reopen it first)."""
        with self._writing() as conn:
            current = self._get(conn, request_id)
            check_assign(current)
            conn.execute(self._update(request_id).values(reviewer=reviewer, updated_at=now()))
            self._history(conn, request_id, actor, "assigned", current.status, current.status, reviewer)
            changed = self._get(conn, request_id)
            announce_change(self.outbox, conn, changed, actor)
            return changed

    def set_message(
        self, request_id: int, channel_id: str, message_ts: str, *, letter: tuple[int, str] | None = None
    ) -> TermRequest:
        """Record the request's triage post, and return the request as it is now.

        Read in the same transaction as the write: a vote that committed before it shows in what this
        returns, and a vote that commits after it reads the message back and redraws the post itself,
        because both write the request's row and so take turns (row lock on PostgreSQL, BEGIN IMMEDIATE
        on SQLite). Either way no vote is left off the post.
        `letter` (id, worker): the outbox letter that made the post, marked sent in this same transaction.
        """
        request_id = known_id(request_id)
        with self.store.writing() as conn:
            conn.execute(self._update(request_id).values(channel_id=channel_id, message_ts=message_ts))
            if letter is not None:
                self.outbox.sent(*letter, conn=conn, posted=(channel_id, message_ts))
            return self._get(conn, request_id)

    def publish_matching(self, glossary: Glossary) -> list[TermRequest]:
        """Active new requests the glossary now answers (rules.now_in_glossary) become published."""
        published = []
        for request, term in now_in_glossary(self.list(statuses=ACTIVE, kind=RequestKind.NEW), glossary):
            with self._writing() as conn:
                # Conditional on the status we read: of several instances reloading at once, one wins.
                changed = conn.execute(
                    self._update(request.id)
                    .where(term_requests.c.status == request.status)
                    .values(
                        status=RequestStatus.PUBLISHED,
                        linked_slug=term.slug,
                        updated_at=now(),
                        resolution=f"Published as {term.term}.",
                    )
                ).rowcount
                if changed:
                    self._history(
                        conn, request.id, SYSTEM, "status", request.status, RequestStatus.PUBLISHED, term.slug
                    )
                    now_published = self._get(conn, request.id)
                    announce_change(self.outbox, conn, now_published, SYSTEM)
                    published.append(now_published)
        return published

    def _update(self, request_id: int) -> Update:
        """An UPDATE of one of this team's requests (another team's number matches no row)."""
        return update(term_requests).where(self.team.owns(term_requests), term_requests.c.id == request_id)

    def _history(
        self,
        conn: Connection,
        request_id: int,
        actor: str,
        action: str,
        before: str | None,
        after: str | None,
        note: str,
    ) -> None:
        change = {"request_id": request_id, "actor": actor, "action": action, "from_status": before, "to_status": after}
        conn.execute(insert(history).values(**change, note=note, at=now(), **self.team.row()))

    # --- reading -----------------------------------------------------------------------------

    def get(self, request_id: int) -> TermRequest:
        request_id = known_id(request_id)
        with self.store.engine.connect() as conn:
            return self._get(conn, request_id)

    def _get(self, conn: Connection, request_id: int) -> TermRequest:
        request_id = known_id(request_id)
        team = self.team
        row = conn.execute(
            select(term_requests).where(team.owns(term_requests), term_requests.c.id == request_id)
        ).first()
        if row is None:  # another team's request reads exactly as one that does not exist
            raise LookupError(f"There is no request #{request_id}.")
        voters = (
            conn.execute(
                select(votes.c.user_id)
                .where(team.owns(votes), votes.c.request_id == request_id)
                .order_by(votes.c.created_at, votes.c.user_id)
            )
            .scalars()
            .all()
        )
        return request_from_row(row, tuple(voters))

    def backlog(self, statuses: Sequence[str] | None = None) -> list[TermRequest]:
        """Requests with these statuses (None: all), most votes first, then oldest: what a triage meeting reads."""
        found = self.list(statuses=statuses)
        found.sort(key=lambda r: (-r.votes, r.created_at))
        return found

    def search_active(self, typed: str, *, exclude: int | None = None) -> list[TermRequest]:
        """Active requests a reviewer may mean by what they typed; never `exclude`, the request being triaged."""
        return [r for r in self.list(statuses=ACTIVE) if r.id != exclude and matches_typed(r, typed)]

    def history(self, request_id: int) -> list[dict[str, Any]]:
        request_id = known_id(request_id)
        with self.store.engine.connect() as conn:
            mine = self.team.owns(history)
            rows = conn.execute(select(history).where(mine, history.c.request_id == request_id).order_by(history.c.id))
            return [dict(r._mapping) for r in rows]

    def count(self) -> int:
        with self.store.engine.connect() as conn:
            query = select(func.count()).select_from(term_requests).where(self.team.owns(term_requests))
            total: int = conn.execute(query).scalar_one()
            return total

    def voted_for(self, user_id: str) -> list[TermRequest]:
        """Requests this person voted for without filing them (filing counts as a vote), newest first."""
        with self.store.engine.connect() as conn:
            numbers = (
                conn.execute(
                    select(votes.c.request_id)
                    .join(term_requests, term_requests.c.id == votes.c.request_id)
                    .where(self.team.owns(votes), votes.c.user_id == user_id, term_requests.c.requester != user_id)
                    .order_by(votes.c.request_id.desc())
                )
                .scalars()
                .all()
            )
            return [self._get(conn, n) for n in numbers]

    # Last in the class: below it, `list` in an annotation would name this method, not the type.
    def list(
        self,
        *,
        statuses: Sequence[str] | None = None,
        requester: str | None = None,
        voter: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
    ) -> list[TermRequest]:
        """With both requester and voter: the requests this person filed or voted for."""
        team = self.team
        query = select(term_requests).where(team.owns(term_requests)).order_by(term_requests.c.id)
        if statuses:
            query = query.where(term_requests.c.status.in_(statuses))
        voted = select(votes.c.request_id).where(team.owns(votes), votes.c.user_id == voter)
        if requester and voter:
            query = query.where(or_(term_requests.c.requester == requester, term_requests.c.id.in_(voted)))
        elif requester:
            query = query.where(term_requests.c.requester == requester)
        elif voter:
            query = query.where(term_requests.c.id.in_(voted))
        if kind:
            query = query.where(term_requests.c.kind == kind)
        if limit:
            query = query.limit(limit)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            voters: dict[int, list[str]] = {}
            if ids:
                for v in conn.execute(
                    select(votes.c.request_id, votes.c.user_id)
                    .where(team.owns(votes), votes.c.request_id.in_(ids))
                    .order_by(votes.c.created_at)
                ):
                    voters.setdefault(v.request_id, []).append(v.user_id)
        return [request_from_row(r, tuple(voters.get(r.id, ()))) for r in rows]
