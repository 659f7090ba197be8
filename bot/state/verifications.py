"""Reviews said in Slack, and who sends each week's digest: the state database's part of governance.

"Still accurate" appends a verification (who, when); the latest per term is what cards and `reviews
apply` read. The weekly digest is sent by exactly one instance: the one whose conditional insert (or,
once the previous holder's lease ran out, conditional update) of the week's row succeeds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..term_requests.rules import check_person
from .schema import digest_deliveries, digest_leases, term_verifications
from .short_cache import ShortCache
from .store import Store, now

_ALL = "all"  # the one key of the copy: every term's latest review
LEASE = dt.timedelta(minutes=30)  # long enough to DM every owner; a dead sender's week is free after it


@dataclass(frozen=True)
class Recorded:
    slug: str
    by: str
    at: dt.datetime


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for what was stored as UTC
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Verifications:
    def __init__(self, store: Store) -> None:
        self.store = store
        # Every card shows its term's review state: a query per /define (most of one's CPU) without this copy.
        # The copy is of every term's latest review at once, one query per few seconds: a copy per term missed
        # on nearly every card when people ask about many different terms (a query of ~1 ms per card, about
        # as much as the rest of the card). A review recorded by another instance shows here within the
        # cache's few seconds; one recorded here, at once.
        self._latest: ShortCache[dict[str, Recorded]] = ShortCache(lambda _all: self.latest())

    def record(self, slug: str, by: str, at: dt.datetime | None = None) -> Recorded:
        check_person(by)  # an id the column cannot hold is refused here, not by the database mid-write
        stamp = at or now()
        with self.store.writing() as conn:
            row = {**self.store.team.row(), "slug": slug, "verified_by": by, "verified_at": stamp}
            conn.execute(insert(term_verifications).values(row))
        self._latest.forget(_ALL)
        return Recorded(slug, by, stamp)

    def latest_for(self, slug: str) -> Recorded | None:
        """The term's latest review, or None (kept a few seconds: see short_cache.ShortCache)."""
        return self._latest.get(_ALL).get(slug)

    def latest(self) -> dict[str, Recorded]:
        """The most recent verification of each term that has one."""
        newest = (
            select(term_verifications.c.slug, func.max(term_verifications.c.id).label("id"))
            .where(self.store.team.owns(term_verifications))
            .group_by(term_verifications.c.slug)
            .subquery()
        )
        query = select(term_verifications).join(newest, term_verifications.c.id == newest.c.id)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r.slug: Recorded(r.slug, r.verified_by, _aware(r.verified_at)) for r in rows}

    # --- the weekly digest ---------------------------------------------------------------------

    def claim_week(self, week: str, holder: str, lease: dt.timedelta = LEASE) -> bool:
        """True for exactly one caller per week: the first, or whoever comes after a holder whose lease ran
        out before it finished. A finished week is never claimed again."""
        stamp, team = now(), self.store.team
        try:
            with self.store.writing() as conn:
                conn.execute(
                    insert(digest_leases).values(week=week, holder=holder, expires_at=stamp + lease, **team.row())
                )
            return True
        except IntegrityError:
            pass
        with self.store.writing() as conn:
            taken = conn.execute(
                update(digest_leases)
                .where(
                    team.owns(digest_leases),
                    digest_leases.c.week == week,
                    digest_leases.c.finished_at.is_(None),
                    digest_leases.c.expires_at < stamp,
                )
                .values(holder=holder, expires_at=stamp + lease)
            ).rowcount
        return taken == 1

    def finish_week(self, week: str, holder: str) -> None:
        with self.store.writing() as conn:
            conn.execute(
                update(digest_leases)
                .where(
                    self.store.team.owns(digest_leases), digest_leases.c.week == week, digest_leases.c.holder == holder
                )
                .values(finished_at=now())
            )

    def week_finished(self, week: str) -> bool:
        query = select(digest_leases.c.finished_at).where(
            self.store.team.owns(digest_leases), digest_leases.c.week == week
        )
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        return bool(row and row.finished_at)

    def claim_delivery(self, week: str, user_id: str) -> bool:
        """Record one owner's digest of a week before sending it; False if it was already sent."""
        row = {**self.store.team.row(), "week": week, "user_id": user_id, "sent_at": now()}
        try:
            with self.store.writing() as conn:
                conn.execute(insert(digest_deliveries).values(row))
        except IntegrityError:
            return False
        return True
