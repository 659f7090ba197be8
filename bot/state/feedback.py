"""Feedback on term cards: "Helpful?" 👍 / 👎, one vote per person per term, changed by voting again.

Only the vote is stored. What someone writes in the 👎 form goes to the reviewers as a change request
(bot/term_requests), so no feedback text lives here and none can be shown anywhere by accident.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, select

from ..term_requests.rules import check_person
from .schema import term_feedback
from .store import Store, now
from .team import Team


class FeedbackBook:
    def __init__(self, store: Store) -> None:
        self.store = store

    def vote(self, user_id: str, slug: str, *, helpful: bool) -> bool | None:
        """Record this person's vote on a term; returns their previous vote (None: first time)."""
        check_person(user_id)  # an id the column cannot hold is refused here, not by the database mid-write
        team = self.store.team
        with self.store.writing() as conn:
            before = conn.execute(self._vote_query(team, user_id, slug)).scalar_one_or_none()
            row = {**team.row(), "slug": slug, "user_id": user_id, "helpful": helpful, "updated_at": now()}
            keys = ["team_id", "slug", "user_id"]
            conn.execute(self.store._upsert(term_feedback, keys, row, {"helpful": helpful, "updated_at": now()}))
        return before

    @staticmethod
    def _vote_query(team: Team, user_id: str, slug: str) -> Select[Any]:
        c = term_feedback.c
        return select(c.helpful).where(team.owns(term_feedback), c.slug == slug, c.user_id == user_id)

    def vote_of(self, user_id: str, slug: str) -> bool | None:
        query = self._vote_query(self.store.team, user_id, slug)
        with self.store.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def counts(self) -> dict[str, tuple[int, int]]:
        """slug -> (helpful, not helpful), for every term anyone has voted on."""
        helpful = func.sum(case((term_feedback.c.helpful.is_(True), 1), else_=0))
        unhelpful = func.sum(case((term_feedback.c.helpful.is_(False), 1), else_=0))
        mine = self.store.team.owns(term_feedback)
        query = select(term_feedback.c.slug, helpful, unhelpful).where(mine).group_by(term_feedback.c.slug)
        with self.store.engine.connect() as conn:
            return {slug: (int(up or 0), int(down or 0)) for slug, up, down in conn.execute(query)}
