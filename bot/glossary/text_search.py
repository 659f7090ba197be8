"""Full-text search over the glossary database, for the word lane: one read-only connection per thread.

SQLite's index finds the terms; their ranking is worked out in memory from the same index (postings.py), with
the same answer as SQLite's bm25 query at a fraction of its cost on common words; SQLite's own query answers
what the in-memory ranking cannot (a word its tokenizer makes nothing of)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

from . import db
from .postings import Postings
from .ranking import Ranker

log = logging.getLogger(__name__)


class TextSearch:
    """Terms whose text holds a query's words, scored by the ranker. Safe to share between threads."""

    def __init__(self, db_path: Path | None, ranker: Ranker, known: Mapping[str, object]):
        self.db_path = db_path
        self.ranker = ranker
        self._known = known  # the glossary's terms by slug: a row of another version is never returned
        self._local = threading.local()
        self._postings = Postings(db.SEARCH_TABLE, db.SEARCH_CONTENT, db.SEARCH_COLUMNS, db.SEARCH_WEIGHTS)

    def find(self, key: str, limit: int, *, floor: float, any_word: bool = True) -> list[tuple[str, float]]:
        """Every word first, then (`any_word`, for text that names no term) any of them; scored, above `floor`."""
        words = self.ranker.content_words(key)
        if not words or self.db_path is None:
            return []
        try:
            conn = self._connection()
            found = self._search(conn, words, then_any_word=len(words) > 1 and any_word)
        except sqlite3.Error:
            log.exception("full-text search failed for %r", key[:100])
            return []
        scored = self.ranker.score_search(words, [slug for slug, _ in found if slug in self._known])
        return [(slug, score) for slug, score in scored if score >= floor][:limit]

    def _search(self, conn: sqlite3.Connection, words: list[str], *, then_any_word: bool) -> list[tuple[str, float]]:
        """Every word; when no term holds them all and `then_any_word`, any of them."""
        limit = self.ranker.candidate_limit
        found = self._postings.search(conn, words, limit, then_any_word=then_any_word)
        if found is not None:
            return found
        found = db.search(conn, words, limit, every_word=True)
        if not found and then_any_word:
            found = db.search(conn, words, limit, every_word=False)
        return found

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            assert self.db_path is not None
            conn = db.connect_read_only(self.db_path)
            self._postings.open(conn)
            self._local.conn = conn
        return conn
