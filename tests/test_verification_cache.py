"""Every card shows its term's latest review, so that read is kept a few seconds; a review recorded here is
seen at once."""

from __future__ import annotations

from sqlalchemy import event

from bot.state.store import Store
from bot.state.verifications import Verifications


def test_the_latest_review_is_read_once_and_a_new_one_is_seen_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    reads = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: reads.append(statement) if "term_verifications" in statement else None,
    )
    book = Verifications(store)
    try:
        assert [book.latest_for("rag") for _ in range(50)] == [None] * 50
        assert sum(s.lstrip().upper().startswith("SELECT") for s in reads) == 1  # one read for fifty cards
        book.record("rag", "UREVIEWER")
        latest = book.latest_for("rag")
        assert latest is not None and latest.by == "UREVIEWER"  # not hidden behind the copy of "none yet"
        assert book.latest_for("lora") is None
    finally:
        store.close()


def test_one_read_serves_every_term_until_a_review_is_recorded(tmp_path):
    """Cards for many different terms (distinct questions) cost one read of every latest review, not one
    each; another term's new review is seen at once too, and the latest of several is the one shown."""
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    reads = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: reads.append(statement) if "term_verifications" in statement else None,
    )
    book = Verifications(store)
    try:
        book.record("rag", "UFIRST")
        book.record("rag", "USECOND")
        book.record("lora", "UTHIRD")
        before = len(reads)
        shown = {slug: book.latest_for(slug) for slug in ("rag", "lora", *(f"term-{i}" for i in range(200)))}
        assert sum(s.lstrip().upper().startswith("SELECT") for s in reads[before:]) == 1
        assert shown["rag"] is not None and shown["rag"].by == "USECOND"
        assert shown["lora"] is not None and shown["lora"].by == "UTHIRD"
        assert all(shown[f"term-{i}"] is None for i in range(200))
        book.record("term-7", "UFOURTH")
        seventh = book.latest_for("term-7")
        assert seventh is not None and seventh.by == "UFOURTH"
    finally:
        store.close()
