"""When a term is due: the later of its file's date and a verification in Slack, plus its status's interval."""

from __future__ import annotations

import datetime as dt

from governance_helpers import glossary_in

from bot.governance.intervals import ReviewIntervals
from bot.governance.staleness import Verification, day_words, review_state

D = dt.date


def test_due_from_the_day_the_interval_runs_out(tmp_path):
    store = glossary_in(tmp_path).get("vector-store")  # approved, last_reviewed 2026-01-10
    intervals = ReviewIntervals()
    before = review_state(store, None, intervals, D(2026, 7, 8))
    on = review_state(store, None, intervals, D(2026, 7, 9))
    assert before.due_since == on.due_since == D(2026, 7, 9) == D(2026, 1, 10) + dt.timedelta(days=180)
    assert not before.stale and on.stale and on.last_verified == D(2026, 1, 10)


def test_each_status_has_its_interval(tmp_path):
    glossary = glossary_in(tmp_path)
    today = D(2026, 6, 1)
    draft = review_state(glossary.get("semantic-search"), None, ReviewIntervals(), today)  # 2026-03-01
    assert draft.due_since == D(2026, 3, 31) and draft.stale
    reviewed = review_state(glossary.get("model-card"), None, ReviewIntervals(), today)  # 2025-10-09
    assert reviewed.due_since == D(2026, 1, 7)
    deprecated = review_state(glossary.get("old-term"), None, ReviewIntervals(), today)
    assert not deprecated.stale and deprecated.due_since is None
    opted_in = review_state(glossary.get("old-term"), None, ReviewIntervals(deprecated=365), today)
    assert opted_in.stale and opted_in.due_since == D(2020, 12, 31)


def test_a_verification_in_slack_restarts_the_interval(tmp_path):
    store = glossary_in(tmp_path).get("vector-store")
    said = Verification("vector-store", "UOWNER01", D(2026, 8, 1))
    state = review_state(store, said, ReviewIntervals(), D(2026, 8, 2))
    assert not state.stale and state.last_verified == D(2026, 8, 1) and state.due_since == D(2027, 1, 28)
    assert (state.verified_by, state.verified_on) == ("UOWNER01", D(2026, 8, 1))
    assert state.as_dict() == {
        "stale": False,
        "due_since": "2027-01-28",
        "last_verified": "2026-08-01",
        "verified_by": "UOWNER01",
        "verified_on": "2026-08-01",
    }


def test_a_file_date_later_than_the_verification_wins(tmp_path):
    store = glossary_in(tmp_path).get("vector-store")  # 2026-01-10 in the file
    said = Verification("vector-store", "UOWNER01", D(2025, 12, 1))
    state = review_state(store, said, ReviewIntervals(), D(2026, 2, 1))
    assert state.last_verified == D(2026, 1, 10) and state.verified_by is None and state.verified_on is None


def test_day_words_leave_out_this_year():
    assert day_words(D(2026, 3, 12), D(2026, 11, 30)) == "12 March"
    assert day_words(D(2025, 3, 12), D(2026, 11, 30)) == "12 March 2025"
