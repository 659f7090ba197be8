"""Questions as typed in Slack: frames dropped, a term named inside ranks first, filler names nothing."""

from __future__ import annotations

import pytest

from bot.glossary.questions import strip_frame
from bot.glossary.ranking import SHARED_WORDS_MARGIN


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


# Misspelt names inside questions, as read by every surface (answer_question: the frame is dropped first).
@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        # the misspelt name is what is asked about, not a word of context named right ("llms")
        ("wats temprature in llms", "temperature"),
        # a part of the name typed right ("agentic") does not win over the whole name misspelt
        ("explian agentic wrokflows plz", "agentic-workflow"),
        # a swap of two letters: "model", not "mode" with a letter more
        ("modle card template anyone?", "model-card"),
        # a question that asks about nothing ("how do u do it") asks about what comes before it
        ("evalution of chatbots how do u do it", "evaluation"),
        # two letters of an acronym swapped: offered, never asserted
        ("wht does RHLF mean", "reinforcement-learning-from-human-feedback"),
        ("wat r guard rails for llms", "guardrails"),
    ],
)
def test_a_misspelt_name_inside_a_question_is_offered_first(bundled_glossary, typed, slug):
    from bot.answers.ask import answer_question

    r = answer_question(bundled_glossary, typed).result
    assert r.status == "suggestions" and r.matches[0].term.slug == slug, r


def test_an_acronym_with_letters_swapped_is_never_a_hit(bundled_glossary):
    r = bundled_glossary.ask("RHLF")
    assert r.status == "suggestions" and r.how == "fuzzy"
    assert [m.term.slug for m in r.matches] == ["reinforcement-learning-from-human-feedback"]
    # in lower case it may be any word: not read as an acronym at all
    assert bundled_glossary.ask("rhlf").status == "miss"


def test_a_word_of_the_glossary_in_a_statement_is_not_read_as_asked(bundled_glossary):
    from bot.answers.ask import answer_question

    # Not a question, so "agent" here is in passing; the same words asked are a lookup.
    said = answer_question(bundled_glossary, "our travel agent rebooked the hotel for the offsite").result
    assert all(m.term.slug != "ai-agent" for m in said.matches), said
    asked = bundled_glossary.ask("travel agent", asking=True)
    assert asked.matches and asked.matches[0].term.slug == "ai-agent"


@pytest.mark.parametrize(
    "pasted",
    [
        "2024-06-12T10:31:07Z ERROR worker-3 connection reset by peer",
        "Traceback (most recent call last):\n  File 'app.py', line 12, in <module>\nKeyError: 'agent_memory'",
        "ERROR 2026-12-05 23:59:01 inference-svc timeout after 30000ms",
    ],
)
def test_pasted_machine_output_offers_nothing_it_merely_resembles(bundled_glossary, pasted):
    from bot.glossary.questions import machine_text

    assert machine_text(pasted)
    assert bundled_glossary.ask(pasted).status == "miss"


def test_a_person_writing_about_errors_is_not_machine_output():
    from bot.glossary.questions import machine_text

    assert not machine_text("why does the model make errors on long documents")
    assert not machine_text("the error rate went up after the 2:4 pruning")


def test_a_description_sharing_words_with_a_close_term_is_offered(bundled_glossary):
    # Below the meaning floor alone, but the close terms' own texts hold three of its words: both lanes agree.
    said = "the grader model keeps favouring longer answers"
    r = bundled_glossary.ask(said, asking=True)
    assert r.status == "suggestions" and "llm-as-a-judge" in [m.term.slug for m in r.matches], r
    assert bundled_glossary.ranker.shares_words("llm-as-a-judge", said)
    bundled_glossary.ranker.shared_words_margin = 0.0  # the floor alone: a miss
    bundled_glossary.forget_answers()
    try:
        assert bundled_glossary.ask(said, asking=True).status == "miss"
    finally:
        bundled_glossary.ranker.shared_words_margin = SHARED_WORDS_MARGIN
        bundled_glossary.forget_answers()


def test_a_question_opening_with_a_negation_still_asks(bundled_glossary):
    # "isn't …" asks as "is …" does: both acronyms it names are what it asks about (before, a miss).
    r = bundled_glossary.ask("isn't DPO just another flavour of RLHF?")
    assert r.status == "suggestions" and [m.term.slug for m in r.matches[:2]] == [
        "direct-preference-optimization",
        "reinforcement-learning-from-human-feedback",
    ], r


def test_the_rest_of_a_question_naming_one_term_is_read_by_meaning(bundled_glossary):
    # One side is named ("finetune"), the other described: the description's closest terms follow the named one
    # even below the meaning floor, since the named term already anchors the answer.
    r = bundled_glossary.ask("finetune vs train from scratch, which one do we actually need?")
    slugs = [m.term.slug for m in r.matches]
    assert r.status == "suggestions" and slugs[0] == "fine-tuning" and "pretraining" in slugs[:3], r


def test_a_choice_between_a_term_and_something_else_asks_about_the_term(bundled_glossary):
    # "X or Y" with one side a term's whole name: the term is what it asks about, though the text has no question
    # word (before: read as a statement, and the description lane offered pruning first).
    r = bundled_glossary.ask("quantization or distillation to cut serving cost?")
    assert r.status == "suggestions" and r.matches[0].term.slug == "quantization", r
    # Neither side a term: an everyday choice stays no lookup.
    assert bundled_glossary.ask("should I take the train or the bus to the model meetup").status == "miss"
