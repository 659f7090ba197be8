"""Lookup never raises and always answers one of the four results, whatever is typed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STATUSES = {"hit", "ambiguous", "suggestions", "miss"}
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x1b[31mred",
        "\u202eevil\u202c",
        "مرحبا بالعالم",
        "שלום",
        "🤖🧠💬",
        "👩‍👩‍👧‍👦",
        '"',
        "*",
        "AND",
        "NEAR(",
        "c++",
        "a NOT b",
        "'; DROP TABLE terms; --",
        "%_",
        "\\",
        "x" * 10_000,
        "fine tuning " * 800,
        "\ufeff",
        "\u00ad",
        "ﬁ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), NASTY, st.lists(NASTY, max_size=5).map(" ".join)))
def test_find_and_search_never_raise(bundled_glossary, text):
    r = bundled_glossary.find(text)
    assert r.status in STATUSES
    assert (r.status == "hit") == (r.term is not None)
    assert r.status != "miss" or r.matches == ()
    assert bundled_glossary.search(text).status in {"suggestions", "miss"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), NASTY, st.lists(NASTY, max_size=5).map(" ".join)))
def test_ask_never_raises(bundled_glossary, text):
    r = bundled_glossary.ask(text)
    assert r.status in STATUSES | {"comparison"}
    assert (r.status == "hit") == (r.term is not None)
    assert r.status != "comparison" or len(r.matches) == 2
    assert r.status != "miss" or r.matches == ()
