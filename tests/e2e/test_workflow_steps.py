"""Workflow Builder steps, end to end: a signed function_executed event in, functions.completeSuccess or
functions.completeError out, with the step's own token; what is sent after the step ends uses the bot token."""

from __future__ import annotations

import json

from .harness import BOT_TOKEN, event_body, signed_post

JSON = "application/json"
STEP_TOKEN = "xwfp-step-token-not-real"


def run_step(server, callback_id, inputs, execution="Fx0001"):
    event = {
        "type": "function_executed",
        "function": {"id": "Fn0001", "callback_id": callback_id, "title": callback_id, "app_id": "A0001"},
        "inputs": inputs,
        "function_execution_id": execution,
        "workflow_execution_id": "Wx0001",
        "event_ts": "1700000900.000100",
        "bot_access_token": STEP_TOKEN,
    }
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=f"Ev{execution}"), JSON)
    assert reply.status == 200, reply.body


def outputs_of(call) -> dict:
    outputs = call.body["outputs"]
    return json.loads(outputs) if isinstance(outputs, str) else outputs


def completed(fake_slack, execution="Fx0001") -> dict:
    [call] = fake_slack.wait_for("functions.completeSuccess")
    assert call.body["function_execution_id"] == execution
    assert call.headers["Authorization"] == f"Bearer {STEP_TOKEN}"  # the step's own token, as Bolt gives it
    assert fake_slack.of("functions.completeError") == []
    return outputs_of(call)


def failed(fake_slack) -> str:
    [call] = fake_slack.wait_for("functions.completeError")
    assert call.headers["Authorization"] == f"Bearer {STEP_TOKEN}"
    assert fake_slack.of("functions.completeSuccess") == []
    error = call.body["error"]
    assert "\n" not in error and len(error) < 300  # one line, as a workflow shows it
    return error


def test_look_up_a_term_completes_with_its_definition_framing_and_link(make_server, fake_slack):
    from bot.glossary.model import Framing

    server = make_server(glossary_url="https://docs.example.com/glossary")
    server.runtime.set_framing("UEXEC0001", Framing.EXEC)
    run_step(server, "look_up_term", {"text": "what is RAG?", "user": "UEXEC0001"})
    out = completed(fake_slack)
    term = server.runtime.glossary.get("retrieval-augmented-generation")
    assert out["term"] == "retrieval-augmented generation" and out["short_definition"] == term.short_def
    assert out["framing_text"] == term.exec_framing  # the person's own framing
    assert out["link"] == "https://docs.example.com/glossary/terms/retrieval-augmented-generation/"


def test_look_up_without_a_person_gives_both_framings(server, fake_slack):
    run_step(server, "look_up_term", {"text": "hallucination"})
    out = completed(fake_slack)
    assert out["framing_text"].startswith("For executives: ") and "\n\nFor engineers: " in out["framing_text"]
    assert out["link"] == ""  # no GLOSSARY_URL, no link


def test_look_up_a_missing_term_fails_and_says_what_to_do(server, fake_slack):
    run_step(server, "look_up_term", {"text": "zorblatting"})
    assert "No glossary term matches 'zorblatting'" in failed(fake_slack)


def test_explain_terms_in_a_text(server, fake_slack):
    run_step(server, "explain_terms_in_text", {"text": "We fine-tuned it and hallucination dropped; `RAG` next."})
    out = completed(fake_slack)
    assert out["count"] == 2 and out["terms"] == "fine-tuning, hallucination"  # inline code is not prose
    assert out["explanation"].startswith("fine-tuning: ")


def test_explain_an_empty_text_fails(server, fake_slack):
    run_step(server, "explain_terms_in_text", {"text": "  "})
    assert "'Text' is empty" in failed(fake_slack)


def test_file_a_term_request_completes_with_its_number(server, fake_slack):
    run_step(server, "file_term_request", {"term": "prompt golf", "why": "New hires ask", "requester": "UASKER01"})
    out = completed(fake_slack)
    request = server.runtime.requests.get(out["request_number"])
    assert request.term == "prompt golf" and out["created"] is True and out["status"] == str(request.status)


def test_file_a_request_for_a_term_the_glossary_has_fails(server, fake_slack):
    run_step(server, "file_term_request", {"term": "hallucination", "why": "x", "requester": "UASKER01"})
    assert "hallucination" in failed(fake_slack)
    assert server.runtime.requests.count() == 0


def test_file_a_request_from_nobody_fails(server, fake_slack):
    run_step(server, "file_term_request", {"term": "vibe coding", "why": "x", "requester": ""})
    assert "'Requested by' must be a person" in failed(fake_slack)


def test_send_a_starter_pack_completes_then_the_dm_goes_with_the_bot_token(server, fake_slack):
    run_step(server, "send_starter_pack", {"person": "UNEWHIRE1", "role": "Legal & Compliance"})
    out = completed(fake_slack)
    legal = [t for t in server.runtime.glossary.terms.values() if "legal" in t.roles]
    assert out == {"role": "Legal & Compliance", "term_count": len(legal)}
    [post] = fake_slack.wait_for("chat.postMessage")  # sent by the outbox, after the step has ended
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "Legal" in json.dumps(post.body["blocks"])


def test_send_a_starter_pack_for_an_unknown_role_fails_naming_the_roles(server, fake_slack):
    run_step(server, "send_starter_pack", {"person": "UNEWHIRE1", "role": "astronaut"})
    error = failed(fake_slack)
    assert "No role is called 'astronaut'" in error and "legal" in error
    assert fake_slack.of("chat.postMessage") == []
