"""Reading what people type: subcommands, framing words, quotes, and the filler of questions."""

from __future__ import annotations

import re

import pytest

from bot.answers.ask import as_typed, parse_command, parse_question
from bot.glossary.model import Framing
from bot.glossary.names import normalise
from bot.glossary.questions import strip_frame

E, G = Framing.EXEC, Framing.ENGINEER


@pytest.mark.parametrize(("typed", "action", "text", "framing"), [
    ("fine-tuning", "define", "fine-tuning", None),
    ("fine-tuning exec", "define", "fine-tuning", E),
    ("engineer lora", "define", "lora", G),
    ("RAG execs", "define", "RAG", E),
    ("rag executive", "define", "rag", E),
    ("rag technical", "define", "rag", G),
    ("rag eng", "define", "rag", G),
    ("exec", "define", "exec", None),  # nothing left to look up: the word is the term
    ("", "help", "", None),
    ("help", "help", "", None),
    ("search make a model smaller", "search", "make a model smaller", None),
    ("search", "help", "", None),
    ('"search"', "define", "search", None),
    ("“help”", "define", "help", None),
    ("set exec", "set_framing", "", E),
    ("set engineers", "set_framing", "", G),
    ("set framing technical", "set_framing", "", G),
    ("set role data science", "set_role", "data science", None),
    ("set clear", "clear", "", None),
    ("set nonsense", "help", "set", None),
    ("request vibe coding", "request", "vibe coding", None),
    ("requests", "requests", "", None),
    ("requests drafting", "requests", "drafting", None),
    ("my requests", "my_requests", "", None),
    ("my term", "define", "my term", None),
    ("  lots   of   space  ", "define", "lots of space", None),
])  # fmt: skip
def test_parse_command(typed, action, text, framing):
    ask = parse_command(typed)
    assert (ask.action, ask.text, ask.framing) == (action, text, framing)


@pytest.mark.parametrize(("typed", "text", "framing"), [
    ("fine-tuning", "fine-tuning", None),
    ("what is RAG?", "RAG", None),
    ("What's a KV cache?", "KV cache", None),
    ("define LoRA for execs", "LoRA", E),
    ("explain hallucination to an engineer", "hallucination", G),
    ("what does RLHF stand for?", "RLHF", None),
    ("hey, can you explain the context window to leadership please", "context window", E),
    ("what is the meaning of temperature", "temperature", None),
    ("tell me about guardrails like I'm an engineer", "guardrails", G),
    ("RAG exec", "RAG", E),
])  # fmt: skip
def test_parse_question(typed, text, framing):
    ask = parse_question(typed)
    assert (ask.action, ask.text, ask.framing) == ("define", text, framing)


def test_question_keeps_the_whole_name_for_a_first_try():
    ask = parse_question("what is prompt engineering?")
    assert ask.text == "prompt" and ask.framing is G  # the framing-word reading…
    assert ask.full_text == "prompt engineering" and ask.full_framing is None  # …and the whole-name reading


def test_question_subcommands_and_empty():
    assert parse_question("").action == "help"
    assert parse_question("what is").action == "help"
    assert parse_question("search drift").action == "search"


def test_a_define_text_read_twice_in_one_request_is_parsed_once():
    """The ack middleware and the listener both read `/define` text: the second reading is the first's
    value, equal to a fresh parse, for a subcommand and a question alike."""
    from bot.answers import ask as ask_module

    for text in ("request vibe coding", "what is KV cache for execs", "set exec"):
        before = ask_module._command_read.cache_info()
        first = ask_module.read(text, command=True)
        second = ask_module.read(text, command=True)
        after = ask_module._command_read.cache_info()
        assert first is second and first == ask_module.parse_command(text)
        assert after.hits - before.hits >= 1


def _as_typed_by_pattern(text: str, subject: str) -> str:
    """as_typed's pattern alone: what its plain fast path must agree with."""
    words = subject.split()
    if not words:
        return ""
    pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?!\w)"
    found = re.search(pattern, text, re.IGNORECASE)
    return found.group(0) if found else subject


def test_as_typed_gives_what_its_pattern_finds_for_every_kind_of_text():
    texts = [
        "what is KV?",
        "What's RAG for execs",
        "how do we Fine-Tune a model",
        "tell me about fine tuning, then fine_tuning",
        "is (RAG) the same as rag",
        "rag rags RAG",
        "whats LoRA?? and lora",
        "explain prompt  injection to an engineer",
        "modle drfit",
        "how do we gpu batch cache token",
        "café au lait",
        "the KV-cache, not kv cache",
        "xrag rag",
        "rag_x rag",
        "define C++ eng",
        "what is 'quoted' text",
        "what is A/B testing",
    ]
    checked = 0
    for text in texts:
        for subject in {normalise(text), strip_frame(normalise(text)), *normalise(text).split()[1:3]}:
            if subject:
                assert as_typed(text, subject) == _as_typed_by_pattern(text, subject), (text, subject)
                checked += 1
    assert checked > 40
