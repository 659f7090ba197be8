"""No dead ends, in the renderers and the reply: every miss and every "did you mean" ends with Request this
term, prefilled with the words asked about (a question's frame and framing words left out); a card's related
terms appear once, as buttons, and a name the glossary lacks is a request button prefilled with that name."""

from __future__ import annotations

import json

from blockkit import assert_no_injection, assert_valid_message
from termfactory import term_data, write_glossary

from bot.answers.ask import parse_command, parse_question
from bot.answers.cards import build_card
from bot.glossary.live import open_glossary
from bot.glossary.lookup import LookupResult, Match
from bot.glossary.model import LookupStatus, MatchHow
from bot.slack.cards.card import card_message
from bot.slack.cards.results import lookup_message, miss_message, search_message
from bot.slack.kit.blocks import read_value
from bot.slack.router import Asking, answer

EVIL = "<!channel> & <@U123>"


def request_buttons(message: dict) -> list[dict]:
    return [
        e
        for b in message["blocks"]
        for e in [*b.get("elements", []), *([b["accessory"]] if "accessory" in b else [])]
        if e.get("action_id", "").startswith("request_term")
    ]


def prefilled(message: dict) -> list[str]:
    return [read_value(b["value"])["t"] for b in request_buttons(message)]


def test_a_miss_offers_the_request_prefilled_with_what_was_asked():
    message = lookup_message(LookupResult(LookupStatus.MISS, "vibe coding exec"), asked="vibe coding")
    assert_valid_message(message)
    assert prefilled(message) == ["vibe coding"]
    assert request_buttons(message)[0]["text"]["text"] == "Request this term"


def test_did_you_mean_and_matching_definitions_offer_it_too(bundled_glossary):
    term = bundled_glossary.get("hallucination")
    for how in (MatchHow.FUZZY, MatchHow.SEARCH):
        result = LookupResult(LookupStatus.SUGGESTIONS, "halucination", (Match(term, 90, term.term),), how)
        assert prefilled(lookup_message(result, asked="halucination")) == ["halucination"]


def test_a_choice_between_existing_terms_offers_no_request(bundled_glossary):
    a, b = bundled_glossary.get("hallucination"), bundled_glossary.get("fine-tuning")
    result = LookupResult(LookupStatus.AMBIGUOUS, "x", (Match(a, 100, "x"), Match(b, 100, "x")), MatchHow.ALIAS)
    assert request_buttons(lookup_message(result)) == []


def test_search_with_no_result_offers_no_request_for_search_words():
    assert request_buttons(search_message("make a model smaller", LookupResult(LookupStatus.MISS, "x"))) == []
    assert request_buttons(miss_message("x")) == [] and prefilled(miss_message("x", request="x")) == ["x"]


def test_nothing_to_prefill_is_no_button():
    assert request_buttons(lookup_message(LookupResult(LookupStatus.MISS, "  "), asked="  ")) == []


def test_the_prefill_is_escaped_where_shown_and_exact_where_typed():
    message = lookup_message(LookupResult(LookupStatus.MISS, EVIL), asked=EVIL)
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    assert prefilled(message) == [EVIL]  # the modal's text box gets it back as typed, never parsed


class _Runtime:
    """Just enough of Runtime for the router: the real glossary, no cards, analytics kept in a list."""

    def __init__(self, glossary):
        self.glossary = glossary
        self.recorded: list[tuple[str, str, str]] = []

    def define(self, user_id, ask, reading=None, locale=None):
        from bot.runtime import Answer

        return Answer(self.glossary.find(ask.text))

    def ask(self, user_id, text, reading=None):
        from bot.answers.ask import answer_question
        from bot.runtime import Answer

        reply = answer_question(self.glossary, text)
        return Answer(reply.result, None, reply.framing, reply.asked)

    def record_lookup(self, surface, query, result):
        self.recorded.append((surface, query, str(result.status)))


def test_questions_and_commands_prefill_the_words_not_the_frame(bundled_glossary):
    rt = _Runtime(bundled_glossary)
    for surface, typed, words in (
        ("mention", "what does zqxjkv mean for execs?", "zqxjkv"),
        ("dm", "tell me about zqxjkv please", "zqxjkv"),
        ("slash", "zqxjkv engineer", "zqxjkv"),
        ("mention", "can you explain halucinaton to an engineer", "halucinaton"),
    ):
        ask = parse_command(typed) if surface == "slash" else parse_question(typed)
        message = answer(Asking(rt, "UASKER01", ask, surface, typed))  # type: ignore[arg-type]
        assert_valid_message(message)
        assert prefilled(message) == [words], typed
    assert {s for s, _, _ in rt.recorded} == {"mention", "dm", "slash"}


def _glossary(tmp_path):
    related = {"broader": ["beta", "ghost one"], "narrower": [], "related": ["beta", "ghost one", f"ghost {EVIL}"]}
    terms = write_glossary(tmp_path / "t", term_data("alpha", relationships=related), term_data("beta"))
    glossary, _ = open_glossary(terms, tmp_path / "g.db")
    return glossary


def test_related_terms_show_once_as_buttons_and_missing_ones_as_request_buttons(tmp_path):
    glossary = _glossary(tmp_path)
    message = card_message(build_card(glossary, glossary.get("alpha")))
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    shown = json.dumps(message["blocks"])
    assert shown.count('"beta"') == 1 and "not in the glossary yet" not in shown
    assert prefilled(message) == ["ghost one", f"ghost {EVIL}"]
    actions = [b for b in message["blocks"] if b["type"] == "actions" and "request_term" in json.dumps(b)]
    # Broader: beta and ghost one; Related: only the name not shown yet. Ids numbered across the card.
    assert [[e["action_id"] for e in b["elements"]] for b in actions] == [
        ["open_term:0", "request_term:0"],
        ["request_term:1"],
    ]
    labels = [e["text"]["text"] for e in request_buttons(message)]
    assert labels == [
        "Request: ghost one",
        "Request: ghost &lt;!channel&gt; & &lt;@U123&gt;",
    ]  # plain text: only < > as entities


def test_a_card_with_no_relations_has_no_related_blocks(tmp_path):
    glossary = _glossary(tmp_path)
    beta = glossary.get("beta")
    # beta names nothing, but alpha names it: the derived link back is its one related button.
    message = card_message(build_card(glossary, beta))
    opens = [
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"] if "open_term" in e["action_id"]
    ]
    assert [e["text"]["text"] for e in opens] == ["alpha"]
