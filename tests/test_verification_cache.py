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
