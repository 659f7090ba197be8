"""Misses that help, small talk and the request form's hints, as Block Kit (validated with slack_sdk.models) and as
terminal text: a miss names only the missing words, marks the glossary's closest terms as such (never "did you
mean"), and ends with Request this term; a description found by the meaning lane is headed as one; small talk
offers no request; the request form and the triage post show what may already exist, all of it escaped."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from blockkit import assert_no_injection, assert_valid_message, assert_valid_view, mrkdwn_texts

from bot.cli.terminal import result_text
from bot.glossary.lookup import LookupResult, Match
from bot.glossary.model import LookupStatus, MatchHow
from bot.slack.cards.results import CLOSEST, lookup_message, small_talk_message
from bot.slack.kit.blocks import read_value
from bot.slack.requests.form import request_modal
from bot.slack.requests.hints import hint_blocks, hinted_request_modal, term_preview
from bot.slack.requests.triage_post import triage_message
from bot.term_requests.rules import TermRequest
from bot.term_requests.similar import Similar

EVIL = "<!channel> & <@U123> *x*"
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)


def elements(message: dict) -> list[dict]:
    return [
        e
        for b in message["blocks"]
        for e in [*b.get("elements", []), *([b["accessory"]] if "accessory" in b else [])]
        if e.get("type") == "button"
    ]


def closest_miss(glossary, query: str = "model registry") -> LookupResult:
    near = tuple(Match(glossary.get(s), 40.0, s) for s in ("hallucination", "fine-tuning", "grounding"))
    return LookupResult(LookupStatus.MISS, query, closest=near)


def test_a_miss_names_the_missing_words_then_the_closest_terms_marked_then_request(bundled_glossary):
    message = lookup_message(
        closest_miss(bundled_glossary, "hey what does model registry mean"), asked="model registry"
    )
    assert_valid_message(message)
    texts = mrkdwn_texts(message["blocks"])
    assert texts[0] == "No term matches *model registry* in the glossary yet."
    assert CLOSEST in texts and "did you mean" not in " ".join(texts).lower()
    shows = [read_value(e["value"])["s"] for e in elements(message) if e["action_id"].startswith("open_term")]
    assert shows == ["hallucination", "fine-tuning", "grounding"]
    [request] = [e for e in elements(message) if e["action_id"] == "request_term"]
    assert read_value(request["value"]) == {"t": "model registry"}
    # The closest terms come after their mark and before the request button.
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds.index("context") < kinds.index("actions") and message["blocks"][-1]["type"] == "actions"


def test_a_miss_without_closest_terms_has_no_mark(bundled_glossary):
    message = lookup_message(LookupResult(LookupStatus.MISS, "zxqv"), asked="zxqv")
    assert CLOSEST not in mrkdwn_texts(message["blocks"])
    assert [e["action_id"] for e in elements(message)] == ["request_term"]


def test_missing_words_and_closest_terms_are_escaped(bundled_glossary):
    message = lookup_message(closest_miss(bundled_glossary, EVIL), asked=EVIL)
    assert_valid_message(message)
    assert_no_injection(message["blocks"])


def test_suggestions_from_the_meaning_lane_are_headed_as_a_description_not_a_typo(bundled_glossary):
    term = bundled_glossary.get("hallucination")
    described = LookupResult(
        LookupStatus.SUGGESTIONS, "the bot invents answers", (Match(term, 60, ""),), MatchHow.MEANING
    )
    head = mrkdwn_texts(lookup_message(described)["blocks"])[0]
    assert "match what you described" in head and "Did you mean" not in head
    typo = LookupResult(LookupStatus.SUGGESTIONS, "halucination", (Match(term, 90, ""),), MatchHow.FUZZY)
    assert "Did you mean" in mrkdwn_texts(lookup_message(typo)["blocks"])[0]


def test_small_talk_is_friendly_and_offers_no_request():
    for said, hello in (("thanks!", "You're welcome!"), ("hello", "Hi!"), (":tada:", "Hi!")):
        message = small_talk_message(said)
        assert_valid_message(message)
        assert message["text"].startswith(hello) and "/define" in message["text"]
        assert elements(message) == []


def test_the_terminal_miss_lists_the_closest_terms_under_their_mark(bundled_glossary):
    text = result_text(closest_miss(bundled_glossary, "what does model registry mean"), "model registry")
    lines = text.splitlines()
    assert lines[0] == "No term matches 'model registry'." and lines[1] == "Closest in the glossary:"
    assert lines[2].startswith("  - hallucination:") and "Did you mean" not in text


def open_request(number: int, term: str, votes: int = 2) -> TermRequest:
    return TermRequest(
        id=number, kind="new", term=term, term_key=term.lower(), requester="UASKER01", status="open",
        created_at=NOW, updated_at=NOW, votes=votes, why="private reasons of the requester",
    )  # fmt: skip


def test_the_request_form_shows_existing_terms_and_open_requests_above_its_fields(bundled_glossary):
    similar = Similar((bundled_glossary.get("hallucination"),), (open_request(7, "model registry"),))
    view = request_modal(term="LLM hallucinations", hints=hint_blocks(similar))
    assert_valid_view(view)
    texts = mrkdwn_texts(view["blocks"])
    assert texts[0].startswith("*Already in the glossary?*") and "*hallucination*" in texts[1]
    assert texts[2].startswith("*Asked for already?*") and "*#7 model registry* · Open · 2 votes" in texts[3]
    assert "private reasons" not in " ".join(texts) and "UASKER01" not in str(view)  # never who asked, nor why
    show, vote = [b["accessory"] for b in view["blocks"][1:4] if "accessory" in b]
    assert (show["text"]["text"], read_value(show["value"])) == ("Show", {"s": "hallucination"})
    assert (vote["text"]["text"], read_value(vote["value"])) == ("Vote", {"r": 7})
    assert view["blocks"][5]["type"] == "input" and view["blocks"][5]["block_id"] == "req_term"


def test_the_form_at_its_fullest_stays_within_slacks_limits_and_escaped(bundled_glossary):
    terms = tuple(list(bundled_glossary.terms.values())[:3])
    requests = tuple(open_request(10**8 + i, (EVIL * 20)[:100], votes=10**6) for i in range(3))
    view = request_modal(term=(EVIL * 10)[:100], hints=hint_blocks(Similar(terms, requests)))
    assert_valid_view(view)
    assert_no_injection(view["blocks"])
    assert len(view["blocks"]) <= 100


def test_no_hints_no_extra_blocks():
    assert hint_blocks(Similar()) == []
    assert request_modal(term="x", hints=hint_blocks(Similar())) == request_modal(term="x")


def test_the_term_preview_is_a_read_only_view(bundled_glossary):
    view = term_preview(bundled_glossary.get("hallucination"))
    assert_valid_view(view)
    assert elements({"blocks": view["blocks"]}) == [] and view["close"]["text"] == "Back"
    assert "*hallucination*" in mrkdwn_texts(view["blocks"])[0]


def test_triage_shows_likely_duplicates_escaped(bundled_glossary):
    similar = Similar(
        (bundled_glossary.get("hallucination"),), (open_request(7, "model registry"), open_request(8, EVIL))
    )
    message = triage_message(open_request(9, "AI coding vibes"), similar=similar)
    assert_valid_message(message)
    assert_no_injection(message["blocks"], allowed_mentions=("<@UASKER01>",))
    [duplicates] = [b for b in message["blocks"] if b["type"] == "context" and "Possibly" in str(b)]
    lines = [e["text"] for e in duplicates["elements"]]
    assert lines[0].startswith("Possibly the same as: #7 model registry, #8 ")
    assert lines[1] == "The glossary has: *hallucination*"
    assert not any("Possibly" in str(b) for b in triage_message(open_request(9, "x"))["blocks"])


def test_the_form_opens_without_hints_when_they_cannot_be_worked_out(bundled_glossary):
    def broken(**_):
        raise RuntimeError("the state database is away")

    runtime = SimpleNamespace(glossary=bundled_glossary, requests=SimpleNamespace(list=broken))
    view = hinted_request_modal(runtime, "LLM hallucinations")
    assert_valid_view(view)
    assert view["blocks"][0]["block_id"] == "req_term" and view["blocks"][0]["element"]["initial_value"] == (
        "LLM hallucinations"
    )
