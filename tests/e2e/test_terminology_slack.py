"""Senses, usage and languages over signed HTTP: /define in the person's Slack locale, the sense of the channel,
"We say X, not Y", and the buttons that switch language and sense."""

from __future__ import annotations

import json
import shutil

import pytest
from paths import BUNDLED_TERMS

from .harness import block_action, command_body, interaction_body, signed_post

FORM = "application/x-www-form-urlencoded"
SIDECAR = """\
channels:
  CPEOPLE01: [people]
terms:
  evaluation:
    senses:
      - key: performance-review
        name: performance review
        short_def: "A manager's periodic, written judgement of how a person has worked and grown."
        domains: [people]
    labels:
      - {label: model testing, usage: deprecated, why: "it sounds like unit tests"}
    languages:
      fr:
        term: évaluation
        short_def: "Mesurer méthodiquement un modèle ou un système d'IA pour juger s'il convient à son usage."
        audiences: {exec: "Les évaluations conditionnent chaque lancement.", engineer: "Lancez la suite en CI."}
"""


@pytest.fixture
def server(make_server, tmp_path, fake_slack):
    terms = tmp_path / "glossary" / "terms"
    shutil.copytree(BUNDLED_TERMS, terms)
    (tmp_path / "glossary" / "terminology.yml").write_text(SIDECAR, encoding="utf-8")
    fake_slack.locales.update({"UFRENCH1": "fr-FR", "UENGLISH": "en-US"})
    return make_server(glossary_dir=terms)


def define(server, text, **kw):
    reply = signed_post(server.url + "/slack/events", command_body(text, **kw), FORM)
    assert reply.status == 200, reply.body
    return reply.json()


def header(message) -> str:
    return message["blocks"][0]["text"]["text"]


def test_a_card_in_the_persons_slack_locale_asked_once(server, fake_slack):
    assert header(define(server, "evaluation", user="UFRENCH1")) == "évaluation"
    assert header(define(server, "evals", user="UFRENCH1")) == "évaluation"
    calls = fake_slack.of("users.info")
    assert len(calls) == 1 and calls[0].body["user"] == "UFRENCH1"  # cached: asked once
    assert header(define(server, "evaluation", user="UENGLISH")) == "evaluation"
    assert header(define(server, "rag", user="UFRENCH1")) == "retrieval-augmented generation"  # no French here


def test_a_term_without_a_translation_costs_no_web_api_call(server, fake_slack):
    assert header(define(server, "fine-tuning", user="UFRENCH1")) == "fine-tuning"
    assert fake_slack.api_calls() == []


def test_a_slack_that_fails_leaves_the_card_in_english(server, fake_slack):
    fake_slack.fail("users.info", "500")
    assert header(define(server, "evaluation", user="UFRENCH1")) == "evaluation"


def test_a_deprecated_label_says_what_to_say_instead(server):
    text = json.dumps(define(server, "model testing", user="UENGLISH")["blocks"])
    assert "We say \\u201cevaluation\\u201d, not \\u201cmodel testing\\u201d: it sounds like unit tests" in text


def test_the_channel_picks_the_sense_and_a_click_switches_language(server, fake_slack):
    card = define(server, "evaluation", user="UENGLISH", channel="CPEOPLE01")
    shown = json.dumps(card["blocks"])
    assert "A manager's periodic" in shown and "this channel is about people" in shown
    french = [
        e for b in card["blocks"] for e in b.get("elements", []) if e.get("action_id", "").startswith("switch_language")
    ]
    assert [e["text"]["text"] for e in french] == ["Français"]
    mark = fake_slack.mark()
    url = fake_slack.response_url()
    payload = block_action(french[0]["action_id"], french[0]["value"], user="UENGLISH", response_url=url)
    assert signed_post(server.url + "/slack/events", interaction_body(payload), FORM).status == 200
    [call] = fake_slack.wait_for("/respond/r1", since=mark)
    assert header(call.body) == "évaluation" and call.body["replace_original"] is True
