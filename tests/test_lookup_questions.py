"""Questions as typed in Slack: frames dropped, a term named inside ranks first, filler names nothing."""

from __future__ import annotations

import pytest

from bot.glossary.questions import strip_frame


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("tell me about guardrails", "guardrails"),
        ("What's a KV cache?", "kv-cache"),
        ("what does RLHF mean?", "reinforcement-learning-from-human-feedback"),
        ("hey, can you explain hallucinations", "hallucination"),
        ("I keep hearing about LLMs", "large-language-model"),
        ("what is promt engineering", "prompt-engineering"),  # a typo after the frame still goes through
    ],
)
def test_the_named_term_comes_first(bundled_glossary, typed, slug):
    r = bundled_glossary.ask(typed)
    assert r.status in ("hit", "suggestions") and r.matches[0].term.slug == slug, r


def test_a_named_term_with_more_words_is_offered_not_asserted(bundled_glossary):
    r = bundled_glossary.ask("how does the kv cache speed up inference")
    assert r.status == "suggestions" and r.how == "question" and r.matches[0].term.slug == "kv-cache"


def test_a_description_finds_terms_by_their_definitions(bundled_glossary):
    r = bundled_glossary.ask("how do we make the model smaller so it runs on a laptop")
    # Offered as matching, or (below the meaning floor) listed as the closest terms on a miss: either way the
    # three terms the person sees.
    top = [m.term.slug for m in (r.matches or r.closest)[:3]]
    assert {"quantization", "knowledge-distillation", "pruning", "small-language-model"} & set(top), top


@pytest.mark.parametrize("typed", ["what's for lunch", "can someone review my PR", "how do I reset my password"])
def test_a_question_that_names_nothing_is_a_miss(bundled_glossary, typed):
    assert bundled_glossary.ask(typed).status == "miss"


def test_strip_frame():
    assert strip_frame("hey, can you tell me about the kv cache please?") == "kv cache"
    assert strip_frame("what does rlhf stand for") == "rlhf"
    assert strip_frame("what is") == ""
