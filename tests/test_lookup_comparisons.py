""" "X vs Y", "difference between X and Y", "compare X and Y": both terms, side by side."""

from __future__ import annotations

import pytest

from bot.answers.ask import answer_question


@pytest.mark.parametrize(
    "typed",
    [
        "what's the difference between fine tuning and RAG",
        "RAG vs fine-tuning",
        "rag versus fine tuning?",
        "compare fine-tuning and retrieval augmented generation",
        "how does fine-tuning differ from RAG",
        "fine-tuning or RAG?",
    ],
)
def test_comparison_carries_both_terms(bundled_glossary, typed):
    r = bundled_glossary.ask(typed)
    assert r.status == "comparison" and r.term is None
    assert {t.slug for t in r.compared} == {"fine-tuning", "retrieval-augmented-generation"}
    assert [t["slug"] for t in r.as_dict()["terms"]] == [t.slug for t in r.compared]


def test_one_side_unknown_falls_back_to_a_normal_answer(bundled_glossary):
    r = bundled_glossary.ask("rag vs pizza")
    assert r.status != "comparison"
    assert bundled_glossary.ask("tea or coffee").status == "miss"


def test_the_framing_applies_to_a_comparison(bundled_glossary):
    reply = answer_question(bundled_glossary, "difference between lora and fine-tuning for execs")
    assert reply.result.status == "comparison" and reply.framing == "exec"
