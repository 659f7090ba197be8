"""A request knows the glossary and the open requests: the term it may already be, the request it may repeat."""

from __future__ import annotations

import datetime as dt

from bot.glossary import meaning
from bot.term_requests.rules import RequestKind, RequestStatus, TermRequest
from bot.term_requests.similar import existing_terms, similar_requests, similar_to

NOW = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def _request(i: int, term: str, status=RequestStatus.OPEN, kind=RequestKind.NEW) -> TermRequest:
    from bot.glossary.names import normalise

    return TermRequest(i, kind, term, normalise(term), "UASKER01", status, NOW, NOW)


def test_a_term_the_glossary_has_under_another_name_comes_first(bundled_glossary):
    assert existing_terms("LLM hallucinations", bundled_glossary)[0].slug == "hallucination"


def test_a_term_the_glossary_lacks_has_no_existing_term(bundled_glossary):
    assert existing_terms("zebra crossing regulations", bundled_glossary) == []


def test_an_open_request_in_other_words_is_offered_for_a_vote():
    active = [_request(1, "vibe coding"), _request(2, "knowledge cutoff"), _request(3, "model registry")]
    assert [r.id for r in similar_requests("AI coding vibes", active)] == [1]
    assert [r.id for r in similar_requests("vibe codeing", active)] == [1]  # a typo of the same name


def test_closed_requests_change_requests_and_the_request_itself_are_left_out():
    active = [
        _request(1, "vibe coding", status=RequestStatus.DECLINED),
        _request(2, "vibe coding", kind=RequestKind.CHANGE),
        _request(3, "vibe coding"),
    ]
    assert similar_requests("vibe coding", active, exclude=3) == []


def test_with_the_meaning_lane_off_only_the_same_name_counts():
    active = [_request(1, "vibe coding"), _request(2, "AI coding vibes")]
    meaning.switch(False)
    try:
        assert [r.id for r in similar_requests("vibe coding", active)] == [1]
    finally:
        meaning.switch(True)


def test_nothing_similar_is_falsy(bundled_glossary):
    assert not similar_to("zebra crossing regulations", bundled_glossary, [])
    assert similar_to("LLM hallucinations", bundled_glossary, [])
