"""The Home each person asked for last, numbered: what lets several processes publish Homes without an older view
landing after a newer one (bot/slack/home/publisher.py says how it is used). The state is opaque text here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..term_requests.rules import check_person
from .schema import home_asks
from .store import Store, now


class HomeAsks:
    def __init__(self, store: Store) -> None:
        self.store = store

    def ask(self, user_id: str, state: str) -> int:
        """Record this as the person's newest ask; returns its number (one more than the last). One upsert, so two
        processes asking for one person at once both count."""
        check_person(user_id)
        insert = postgresql.insert if self.store.dialect == "postgresql" else sqlite.insert
        stmt = insert(home_asks).values(user_id=user_id, state=state, seq=1, asked_at=now())
        upsert = stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"state": stmt.excluded.state, "seq": home_asks.c.seq + 1, "asked_at": stmt.excluded.asked_at},
        ).returning(home_asks.c.seq)
        with self.store.writing() as conn:
            return int(conn.execute(upsert).scalar_one())

    def newest(self, user_id: str) -> tuple[str, int] | None:
        """(state, number) of the person's newest ask; None if they never asked."""
        with self.store.engine.connect() as conn:
            found = conn.execute(
                select(home_asks.c.state, home_asks.c.seq).where(home_asks.c.user_id == user_id)
            ).first()
        return (found.state, found.seq) if found else None
