"""Text that names nothing is a miss: filler is no match, search has a floor, short aliases are exact only."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "typed",
    [
        "pizza",
        "see you tomorrow",
        "the quarterly numbers look great",
        "can you share the slides from the all hands",
        "my laptop won't turn on",
        "lol",
        "FYI",
        "k-means clustering",
        "prompt golf",
    ],
)
def test_unrelated_text_is_a_clean_miss(bundled_glossary, typed):
    assert bundled_glossary.find(typed).status == "miss"
    assert bundled_glossary.ask(typed).status == "miss"


def test_a_pasted_paragraph_is_not_a_list_of_unrelated_terms(bundled_glossary):
    paste = (
        "Hi all, the build on main failed again last night because the staging database ran out of disk. "
        "I have cleared the old backups and restarted the job; please rerun your pipelines this morning."
    )
    assert bundled_glossary.ask(paste).status == "miss"


def test_one_word_reaches_search(bundled_glossary):
    r = bundled_glossary.find("decoding")  # no term is called that; two have it in their names
    assert r.status == "suggestions" and r.how in ("search", "meaning")
    assert {m.term.slug for m in r.matches[:2]} == {"greedy-decoding", "speculative-decoding"}
