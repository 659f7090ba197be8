"""One reading of a question on every surface, misses that help, small talk, and requests that know the glossary,
end to end over signed HTTP against the fake Slack (issue 18): `/define` and mentions read text the same way
(frames, framing words, capitals, subcommands only at the start and never over a term's whole name), a miss
names just the missing words with the glossary's closest terms marked and Request prefilled, "thanks!" is a
friendly line that the stats never count, and the request form offers the term the glossary has and a vote on
the open request that means the same."""

from __future__ import annotations

import json

from blockkit import assert_no_injection, assert_valid_message, assert_valid_view, mrkdwn_texts
from termfactory import term_data, write_glossary

from bot.slack.cards.results import CLOSEST
from bot.slack.kit.blocks import read_value
from bot.term_requests.rules import RequestForm

from .harness import BOT_USER, block_action, command_body, event_body, signed_post
from .requests_helpers import FORM, post, submit_request

JSON = "application/json"
RAG = "retrieval-augmented generation"


def define(server, text: str, *, user: str = "UASKER01", trigger_id: str = "trigger-1") -> dict:
    reply = signed_post(server.url + "/slack/events", command_body(text, user=user, trigger_id=trigger_id), FORM)
    assert reply.status == 200, reply.body
    return reply.json() if reply.body else {}


_events = iter(range(1, 10_000))


def send(server, event: dict) -> None:
    body = event_body(event, event_id=f"EvMeaning{next(_events)}")
    assert signed_post(server.url + "/slack/events", body, JSON).status == 200


def mention(text: str, user: str = "UASKER01") -> dict:
    return {
        "type": "app_mention",
        "user": user,
        "channel": "C0000001",
        "text": f"<@{BOT_USER}> {text}",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
    }


def dm(text: str) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D0000009",
        "user": "UASKER01",
        "text": text,
        "ts": "2.1",
    }


def header(message: dict) -> str:
    return message["blocks"][0]["text"]["text"]


def buttons(message: dict, prefix: str) -> list[dict]:
    found = []
    for b in message["blocks"]:
        for e in [*b.get("elements", []), *([b["accessory"]] if "accessory" in b else [])]:
            if e.get("type") == "button" and e["action_id"].startswith(prefix):
                found.append(e)
    return found


def view_of(call) -> dict:
    view = call.body["view"]
    return json.loads(view) if isinstance(view, str) else view


# --- one reading ---------------------------------------------------------------------------------------


def test_define_reads_a_question_and_gives_the_card(server):
    body = define(server, "what is rag")
    assert_valid_message(body)
    assert header(body) == RAG


def test_define_with_a_framing_phrase_gives_the_card_in_that_framing(server):
    body = define(server, "RAG for execs")
    assert header(body) == RAG
    shown = json.dumps(body["blocks"])
    assert "For executives" in shown and "For engineers" not in shown


def test_a_mention_keeps_capitals_end_to_end_kv_is_the_kv_cache(server, fake_slack):
    send(server, mention("KV"))
    [post_] = fake_slack.wait_for("chat.postMessage")
    assert header(post_.body) == "kv cache"
    assert server.runtime.flush_lookups(5)
    stats = server.runtime.lookup_stats(1)
    assert stats.by_surface == {"mention": 1} and [t.term for t in stats.top_terms] == ["kv cache"]


def test_stats_by_mention_is_the_report_for_a_reviewer_and_a_refusal_for_anyone_else(server, fake_slack):
    define(server, "zqxjkv")
    assert server.runtime.flush_lookups(10)  # written in the background: on a busy machine, later than a second
    send(server, mention("stats", user="UREVIEW01"))
    [report] = fake_slack.wait_for("chat.postEphemeral")
    assert report.body["user"] == "UREVIEW01" and report.body["thread_ts"] == "1700000100.000200"
    assert_valid_message({"text": report.body["text"], "blocks": report.body["blocks"]})
    shown = json.dumps(report.body["blocks"])
    assert "*Lookups in the last 30 days:* 1" in shown and "*zqxjkv*" in shown

    mark = fake_slack.mark()
    send(server, mention("stats", user="UASKER01"))
    [refusal] = fake_slack.wait_for("chat.postEphemeral", since=mark)
    assert refusal.body["user"] == "UASKER01" and "Only glossary reviewers" in refusal.body["text"]
    assert "zqxjkv" not in json.dumps(refusal.body)
    assert fake_slack.of("chat.postMessage") == []  # neither answer went to the channel


def test_request_for_proposal_is_a_card_where_the_glossary_has_that_term(make_server, tmp_path, fake_slack):
    terms = write_glossary(
        tmp_path / "procurement",
        term_data("request for proposal", aliases=["RFP"]),
        term_data("statement of work", aliases=["SOW"]),
    )
    server = make_server(glossary_dir=terms)
    body = define(server, "request for proposal", trigger_id="trig-rfp")
    assert header(body) == "request for proposal"
    send(server, mention("request for proposal"))
    [post_] = fake_slack.wait_for("chat.postMessage")
    assert header(post_.body) == "request for proposal"
    assert fake_slack.of("views.open") == []  # never read as the request command
    # A subcommand still counts at the start of anything else: the form opens, prefilled.
    assert define(server, "request model registry", trigger_id="trig-registry") == {}
    [opened] = fake_slack.wait_for("views.open")
    assert opened.body["trigger_id"] == "trig-registry"


# --- misses that help ------------------------------------------------------------------------------


def assert_helpful_miss(server, message: dict) -> None:
    assert_valid_message(message)
    texts = mrkdwn_texts(message["blocks"])
    assert texts[0] == "No term matches *model registry* in the glossary yet."
    assert CLOSEST in texts and "did you mean" not in json.dumps(message).lower()
    expected = [m.term.slug for m in server.runtime.glossary.ask("model registry").closest]
    assert 1 <= len(expected) <= 3
    assert [read_value(b["value"])["s"] for b in buttons(message, "open_term")] == expected
    [request] = buttons(message, "request_term")
    assert request["text"]["text"] == "Request this term" and read_value(request["value"]) == {"t": "model registry"}


def test_a_missing_term_names_just_the_missing_words_on_define_and_in_a_mention(server, fake_slack):
    question = "hey, what does model registry mean exactly?"
    body = define(server, question)
    assert_helpful_miss(server, body)
    send(server, mention(question))
    [post_] = fake_slack.wait_for("chat.postMessage")
    assert_helpful_miss(server, post_.body)
    # Request this term opens the form with just the missing words.
    [request] = buttons(body, "request_term")
    post(server, block_action("request_term", request["value"], trigger_id="trig-miss"))
    [opened] = fake_slack.wait_for("views.open")
    form = view_of(opened)
    assert_valid_view(form)
    term_input = next(b for b in form["blocks"] if b.get("block_id") == "req_term")
    assert term_input["element"]["initial_value"] == "model registry"
    assert server.runtime.flush_lookups(5)
    assert [(m.query, m.count) for m in server.runtime.lookup_stats(1).top_misses] == [("model registry", 2)]


# --- small talk ------------------------------------------------------------------------------------


def test_small_talk_gets_a_friendly_line_no_request_and_is_never_counted_as_a_miss(server, fake_slack):
    body = define(server, "thanks!")
    assert_valid_message(body)
    assert body["text"].startswith("You're welcome!") and buttons(body, "") == []

    send(server, mention("thanks!"))
    [private] = fake_slack.wait_for("chat.postEphemeral")
    assert private.body["text"].startswith("You're welcome!") and buttons(private.body, "") == []

    send(server, dm("hello :wave:"))
    [in_dm] = fake_slack.wait_for("chat.postMessage")
    assert in_dm.body["channel"] == "D0000009" and in_dm.body["text"].startswith("Hi!")
    assert buttons(in_dm.body, "") == []

    define(server, "zqxjkv")  # one real miss, so the report has something to count
    assert server.runtime.flush_lookups(10)  # written in the background: on a busy machine, later than a second
    report = define(server, "stats", user="UREVIEW01")
    shown = json.dumps(report["blocks"])
    assert "*Lookups in the last 30 days:* 1" in shown and "*zqxjkv*" in shown
    assert "thanks" not in shown.lower() and "hello" not in shown.lower()


# --- requests that know the glossary --------------------------------------------------------------


def test_the_request_form_offers_the_existing_term_and_a_vote_on_the_open_request(server, fake_slack):
    book = server.runtime.requests
    open_one = book.file(RequestForm(term="LLM hallucination rate", why="Asked in a review."), "UOTHER01").request
    define(server, "request LLM hallucinations", trigger_id="trig-req")
    [opened] = fake_slack.wait_for("views.open")
    form = view_of(opened)
    assert_valid_view(form)
    assert_no_injection(form["blocks"])
    texts = mrkdwn_texts(form["blocks"])
    assert texts[0].startswith("*Already in the glossary?*")
    assert {"s": "hallucination"} in [read_value(b["value"]) for b in buttons(form, "request_hint_term")]
    assert any(t.startswith("*Asked for already?*") for t in texts)
    [vote] = buttons(form, "request_vote")
    assert vote["text"]["text"] == "Vote" and read_value(vote["value"]) == {"r": open_one.id}
    assert "UOTHER01" not in json.dumps(form) and "Asked in a review" not in json.dumps(form)

    # Show: the term over the form, on the click's own trigger.
    [show] = [b for b in buttons(form, "request_hint_term") if read_value(b["value"]) == {"s": "hallucination"}]
    post(server, in_the_form(block_action(show["action_id"], show["value"], trigger_id="trig-show")))
    [pushed] = fake_slack.wait_for("views.push")
    assert pushed.body["trigger_id"] == "trig-show" and "*hallucination*" in json.dumps(view_of(pushed))

    # Vote: a vote on the open request, not a second request; the form becomes the confirmation.
    post(server, in_the_form(block_action(vote["action_id"], vote["value"], trigger_id="trig-vote")))
    [updated] = fake_slack.wait_for("views.update")
    assert updated.body["view_id"] == "V0001"
    assert "I've added your vote: 2 people want it now" in json.dumps(view_of(updated))
    assert book.count() == 1 and book.get(open_one.id).voters == ("UOTHER01", "UASKER01")


def in_the_form(payload: dict) -> dict:
    """A click inside the open request modal: Slack sends the view, and no response_url."""
    payload = {**payload, "container": {"type": "view", "view_id": "V0001"}, "response_url": ""}
    payload["view"] = {"id": "V0001", "hash": "h1", "type": "modal", "callback_id": "term_request"}
    return payload


def test_triage_shows_reviewers_the_possible_duplicates(server, fake_slack):
    book = server.runtime.requests
    first = book.file(RequestForm(term="LLM hallucination rate", why="Asked in a review."), "UOTHER01").request
    submit_request(server, term="LLM hallucinations")

    def second_post(call) -> bool:
        return call.body.get("channel") == "CREQUESTS" and "LLM hallucinations" in call.body.get("text", "")

    [triage] = fake_slack.wait_for("chat.postMessage", where=second_post)
    assert_valid_message({"text": triage.body["text"], "blocks": triage.body["blocks"]})
    shown = json.dumps(triage.body["blocks"])
    assert f"Possibly the same as: #{first.id} LLM hallucination rate" in shown
    assert "The glossary has: *hallucination*" in shown


def test_a_vote_on_a_request_closed_meanwhile_changes_nothing_and_says_so(server, fake_slack):
    book = server.runtime.requests
    closed = book.file(RequestForm(term="LLM hallucination rate", why="Asked in a review."), "UOTHER01").request
    book.decline(closed.id, "UREVIEW01", "Covered by hallucination.")
    value = json.dumps({"r": closed.id})
    post(server, in_the_form(block_action("request_vote:0", value, trigger_id="trig-late")))
    [pushed] = fake_slack.wait_for("views.push")
    assert pushed.body["trigger_id"] == "trig-late"
    assert f"Request #{closed.id} is not open any more (declined)" in json.dumps(view_of(pushed))
    assert book.count() == 1 and book.get(closed.id).voters == ("UOTHER01",)
    assert fake_slack.of("views.update") == []
