"""Feedback on term cards: "Helpful?" 👍 / 👎, one vote per person per term, changed by voting again.

Only the vote is stored. What someone writes in the 👎 form goes to the reviewers as a change request
(bot/term_requests), so no feedback text lives here and none can be shown anywhere by accident.
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from ..term_requests.rules import check_person
from .schema import term_feedback
from .store import Store, now


class FeedbackBook:
    def __init__(self, store: Store) -> None:
        self.store = store

    def vote(self, user_id: str, slug: str, *, helpful: bool) -> bool | None:
        """Record this person's vote on a term; returns their previous vote (None: first time)."""
        check_person(user_id)  # an id the column cannot hold is refused here, not by the database mid-write
        with self.store.writing() as conn:
            before = conn.execute(
                select(term_feedback.c.helpful).where(term_feedback.c.slug == slug, term_feedback.c.user_id == user_id)
            ).scalar_one_or_none()
            row = {"slug": slug, "user_id": user_id, "helpful": helpful, "updated_at": now()}
            conn.execute(
                self.store._upsert(term_feedback, ["slug", "user_id"], row, {"helpful": helpful, "updated_at": now()})
            )
        return before

    def vote_of(self, user_id: str, slug: str) -> bool | None:
        with self.store.engine.connect() as conn:
            return conn.execute(
                select(term_feedback.c.helpful).where(term_feedback.c.slug == slug, term_feedback.c.user_id == user_id)
            ).scalar_one_or_none()

    def counts(self) -> dict[str, tuple[int, int]]:
        """slug -> (helpful, not helpful), for every term anyone has voted on."""
        helpful = func.sum(case((term_feedback.c.helpful.is_(True), 1), else_=0))
        unhelpful = func.sum(case((term_feedback.c.helpful.is_(False), 1), else_=0))
        query = select(term_feedback.c.slug, helpful, unhelpful).group_by(term_feedback.c.slug)
        with self.store.engine.connect() as conn:
            return {slug: (int(up or 0), int(down or 0)) for slug, up, down in conn.execute(query)}
