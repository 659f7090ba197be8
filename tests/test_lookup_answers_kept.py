"""find() keeps its answers per glossary version: the same answer again costs nothing, a reload starts afresh,
and the number kept is bounded."""

from __future__ import annotations

from termfactory import term_data, write_glossary, write_term

from bot.glossary import lookup
from bot.glossary.live import LiveGlossary


def test_an_answer_is_kept_and_a_reload_answers_afresh(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha beta"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    first = live.current
    worked = []
    real = first._find
    monkeypatch.setattr(first, "_find", lambda q: worked.append(q) or real(q))
    assert first.find("alpah beta") is first.find("alpah beta")  # one answer object, worked out once
    assert worked == ["alpah beta"]
    assert first.find("alpha beta").status == "hit" and worked == ["alpah beta", "alpha beta"]

    write_term(terms, term_data("gamma"))
    assert live.reload()
    assert first.find("gamma").status == "miss"  # the old version's answers stay its own
    assert live.current.find("gamma").status == "hit"


def test_the_answers_kept_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(lookup, "ANSWERS_KEPT", 10)
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    glossary = LiveGlossary(terms, tmp_path / "g.db").current
    for i in range(25):
        glossary.find(f"query {i}")
        assert len(glossary._found) <= 10
    glossary.forget_answers()
    assert glossary._found == {}


def test_a_paste_is_answered_but_never_kept(tmp_path):
    """An agent or a paste can send a megabyte: answered as any query, but kept answers stay small."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    glossary = LiveGlossary(terms, tmp_path / "g.db").current
    paste = "alpha " * 200_000
    assert glossary.find(paste).status in ("miss", "suggestions", "hit")
    assert glossary._found == {}
