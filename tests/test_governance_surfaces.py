"""Staleness shown quietly where people read terms: the card model, both renderers, and the MCP define tool."""

from __future__ import annotations

import datetime as dt

import pytest
from blockkit import assert_valid_message
from termfactory import term_data, write_glossary

from bot.cli.terminal import card_text
from bot.config import Settings
from bot.mcp import tools
from bot.runtime import Runtime
from bot.slack.cards.card import card_message


@pytest.fixture
def runtime(tmp_path):
    write_glossary(
        tmp_path / "terms",
        term_data("vector store", last_reviewed="2025-03-12"),
        term_data("tokenizer", last_reviewed=dt.date.today().isoformat()),
    )
    settings = Settings(glossary_dir=tmp_path / "terms", data_dir=tmp_path / "var", owners_file=tmp_path / "none.yml")
    rt = Runtime.open(settings)
    yield rt
    rt.store.close()


def facts(message):
    return message["blocks"][1]["elements"][0]["text"]


def test_a_due_term_says_since_when_on_both_renderers(runtime):
    card = runtime.open_term("UASKER01", "vector-store")
    assert card.review_due == "Review due since 8 September 2025"  # approved: 180 days after 12 March 2025
    message = card_message(card)
    assert_valid_message(message)
    assert facts(message).endswith("reviewed 2025-03-12 · Review due since 8 September 2025")
    assert "Review due since 8 September 2025" in card_text(card)
    assert runtime.open_term("UASKER01", "tokenizer").review_due == ""


def test_a_verified_term_says_who_and_when(runtime):
    term = runtime.glossary.get("vector-store")
    runtime.governance.verify(term, "UOWNER01")
    card = runtime.open_term("UASKER01", "vector-store")
    today = runtime.governance.today()
    day = f"{today.day} {today:%B}"
    assert card.review_due == "" and card.verified == ("UOWNER01", day)
    assert facts(card_message(card)).endswith(f"Verified by <@UOWNER01> on {day}")
    assert f"Verified by UOWNER01 on {day}" in card_text(card)


def test_the_mcp_definition_carries_the_review(runtime):
    found = tools.define(runtime, "vector store")["definition"]
    assert (found["stale"], found["due_since"], found["verified_by"], found["verified_on"]) == (
        True,
        "2025-09-08",
        None,
        None,
    )
    runtime.governance.verify(runtime.glossary.get("vector-store"), "UOWNER01")
    found = tools.define(runtime, "vector store")["definition"]
    assert found["stale"] is False and found["verified_by"] == "UOWNER01"
    assert found["verified_on"] == runtime.governance.today().isoformat()
