"""Which card a person gets: the whole name first, then framing words; stored choices; role takeaways."""

from __future__ import annotations

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.answers.ask import parse_command, parse_question
from bot.config import Settings
from bot.glossary.model import Framing
from bot.runtime import Runtime


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path))
    yield rt
    rt.store.close()


def test_whole_name_beats_framing_word(runtime):
    answer = runtime.define("U1", parse_command("prompt engineering"))
    assert answer.card.term.slug == "prompt-engineering" and len(answer.card.framings) == 2


def test_framing_word_applies_otherwise(runtime):
    answer = runtime.define("U1", parse_command("lora engineer"))
    assert answer.card.term.slug == "low-rank-adaptation" and answer.card.framings == (Framing.ENGINEER,)


def test_question_framing_applies_to_the_whole_name(runtime):
    answer = runtime.define("U1", parse_question("explain prompt engineering to execs"))
    assert answer.card.term.slug == "prompt-engineering" and answer.card.framings == (Framing.EXEC,)


def test_stored_framing_and_explicit_override(runtime):
    runtime.store.set_framing("U2", "engineer")
    assert runtime.define("U2", parse_command("rag")).card.framings == (Framing.ENGINEER,)
    assert runtime.define("U2", parse_command("rag exec")).card.framings == (Framing.EXEC,)


def test_role_takeaway(runtime):
    assert runtime.set_role("U3", "Security") and runtime.set_role("U3", "nope") is None
    card = runtime.define("U3", parse_command("guardrails")).card
    assert card.role.key == "security" and card.takeaway


def test_misses_carry_the_lookup_result(runtime):
    answer = runtime.define("U1", parse_command("halucination"))
    assert answer.card is None and answer.result.status == "suggestions"
