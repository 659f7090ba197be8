"""Reviewers triage in Slack: only they may act, every allowed move works, illegal ones are refused,
and requesters hear back when a term ships (by reload or by hand) or is declined."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from blockkit import assert_valid_message, assert_valid_view
from paths import BUNDLED_TERMS
from termfactory import term_data, write_term

from bot.term_requests.rules import MOVES, RequestForm

from .harness import block_suggestion, wait_until
from .requests_helpers import post, submit_request, triage_click, triage_view_submit


def NOT_THE_POST(call) -> bool:  # noqa: N802 - read as a phrase where it is used
    """Requests filed through the core get their triage post too (the outbox sends it): DMs are the rest."""
    return call.body.get("channel") != "CREQUESTS"


def file_request(server, term="prompt golf", user="UASKER01"):
    return server.runtime.requests.file(RequestForm(term=term, why="because"), user).request


def picked(block_id, value):
    return {block_id: {"value": {"type": "external_select", "selected_option": {"value": value}}}}


def test_a_non_reviewer_click_changes_nothing(server, fake_slack):
    request = file_request(server)
    triage_click(server, fake_slack, "drafting", request.id, user="UNOBODY1")
    [refusal] = fake_slack.wait_for("/respond/t")
    assert refusal.body["response_type"] == "ephemeral" and "Only glossary reviewers" in refusal.body["text"]
    assert server.runtime.requests.get(request.id).status == "open"
    others = [c.method for c in fake_slack.calls if c.path.startswith("/api/") and NOT_THE_POST(c)]
    assert [m for m in others if m != "auth.test"] == ["usergroups.users.list"]  # the membership check, no more


def test_a_non_reviewer_cannot_submit_a_triage_modal(server, fake_slack):
    request = file_request(server)
    reply = triage_view_submit(
        server,
        "decline_request",
        request.id,
        {"decline_reason": {"value": {"type": "plain_text_input", "value": "no"}}},
        user="UNOBODY1",
        first_block="decline_reason",
    )
    assert reply["response_action"] == "errors" and "Only glossary reviewers" in reply["errors"]["decline_reason"]
    assert server.runtime.requests.get(request.id).status == "open"


def test_a_member_of_a_reviewer_group_may_triage(server, fake_slack):
    fake_slack.usergroups["SREVIEWERS"] = ["UGROUP01"]
    request = file_request(server)
    triage_click(server, fake_slack, "assign", request.id, user="UGROUP01")
    fake_slack.wait_for("usergroups.users.list")
    assert _wait(lambda: server.runtime.requests.get(request.id).reviewer == "UGROUP01")


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def _reach(book, request_id, state):
    """Set-up moves through the core, so each test click below exercises exactly one edge."""
    paths = {
        "open": [],
        "drafting": ["drafting"],
        "in_review": ["in_review"],
        "declined": ["declined"],
        "duplicate": ["duplicate"],
    }
    for step in paths[state]:
        book.move(request_id, "USETUP01", step, note="set-up")


EDGES = [(a, b) for a, targets in MOVES.items() for b in sorted(targets)]


@pytest.mark.parametrize(("start", "target"), EDGES, ids=[f"{a}->{b}" for a, b in EDGES])
def test_every_allowed_move_through_slack(server, fake_slack, start, target):
    book = server.runtime.requests
    other = file_request(server, term="other thing", user="UOTHER01")
    request = file_request(server)
    assert _wait(lambda: book.get(request.id).message_ts is not None)  # the outbox has posted it
    book.set_message(request.id, "CREQUESTS", "1700000000.000100")  # and the test names the post it acts on
    _reach(book, request.id, start)
    triage_click(server, fake_slack, target, request.id)
    if target == "declined":
        [opened] = fake_slack.wait_for("views.open")
        assert_valid_view(_view(opened))
        triage_view_submit(
            server,
            "decline_request",
            request.id,
            {"decline_reason": {"value": {"type": "plain_text_input", "value": "Too narrow <!here>."}}},
        )
    elif target == "duplicate":
        [opened] = fake_slack.wait_for("views.open")
        assert_valid_view(_view(opened))
        triage_view_submit(server, "mark_duplicate", request.id, picked("duplicate_target", f"request:{other.id}"))
    elif target == "published":
        [opened] = fake_slack.wait_for("views.open")
        assert_valid_view(_view(opened))
        triage_view_submit(server, "mark_published", request.id, picked("published_term", "fine-tuning"))
    assert _wait(lambda: book.get(request.id).status == target), book.get(request.id)
    # The set-up moves redraw the post too (the outbox coalesces them): the click's redraw shows the target.
    label = book.get(request.id).label
    update = fake_slack.wait_for("chat.update", where=lambda c: f"*Status*\\n{label}" in json.dumps(c.body))[-1]
    assert update.body["ts"] == "1700000000.000100" and update.body["channel"] == "CREQUESTS"
    assert_valid_message({"text": update.body["text"], "blocks": update.body["blocks"]})
    history = book.history(request.id)[-1]
    assert (history["actor"], history["from_status"], history["to_status"]) == ("UREVIEW01", start, target)


def test_an_illegal_move_is_refused(server, fake_slack):
    book = server.runtime.requests
    request = file_request(server)
    book.move(request.id, "UREVIEW01", "published", linked_slug="fine-tuning")
    triage_click(server, fake_slack, "drafting", request.id)  # a stale or forged button
    [refusal] = fake_slack.wait_for("/respond/t")
    assert "cannot become drafting" in refusal.body["text"] and refusal.body["response_type"] == "ephemeral"
    assert book.get(request.id).status == "published"


def test_decline_dms_the_reason(server, fake_slack):
    request = file_request(server, user="UASKER01")
    triage_view_submit(
        server,
        "decline_request",
        request.id,
        {"decline_reason": {"value": {"type": "plain_text_input", "value": "Use <!channel> & friends"}}},
    )
    [dm] = fake_slack.wait_for("chat.postMessage", where=NOT_THE_POST)  # the request's own triage post aside
    assert dm.body["channel"] == "UASKER01"
    assert "Use &lt;!channel&gt; &amp; friends" in dm.body["text"] and "declined" in dm.body["text"]


def test_decline_needs_a_reason(server, fake_slack):
    request = file_request(server)
    reply = triage_view_submit(
        server,
        "decline_request",
        request.id,
        {"decline_reason": {"value": {"type": "plain_text_input", "value": "  "}}},
    )
    assert reply["errors"] == {"decline_reason": "Give the requester a reason."}


def test_published_by_hand_dms_requester_and_voters_with_the_card(server, fake_slack):
    book = server.runtime.requests
    request = file_request(server, user="UASKER01")
    book.file(RequestForm(term="prompt golf", why="me too"), "UVOTER01")
    triage_view_submit(server, "mark_published", request.id, picked("published_term", "fine-tuning"))
    dms = fake_slack.wait_for("chat.postMessage", 2, where=NOT_THE_POST)
    assert {d.body["channel"] for d in dms} == {"UASKER01", "UVOTER01"}
    for d in dms:
        assert "is now in the glossary" in d.body["text"]
        assert any(b.get("type") == "header" and b["text"]["text"] == "fine-tuning" for b in d.body["blocks"])


def test_a_reload_that_adds_the_term_publishes_and_tells_everyone(make_server, fake_slack, tmp_path):
    terms = tmp_path / "terms"
    shutil.copytree(BUNDLED_TERMS, terms)
    server = make_server(glossary_dir=terms)
    submit_request(server, user="UASKER01", term="Prompt Golf")
    submit_request(server, user="UVOTER01", term="prompt golf")
    fake_slack.wait_for("chat.postMessage", 3)  # triage post + two confirmations
    before = len(fake_slack.of("chat.postMessage"))

    write_term(terms, term_data("prompt golf", aliases=["promptgolf"], categories=["Agents & Tooling"]))
    assert server.runtime.live.reload() is True

    request = server.runtime.requests.get(1)
    assert (request.status, request.linked_slug) == ("published", "prompt-golf")
    posts = fake_slack.wait_for("chat.postMessage", before + 2)[before:]
    assert {p.body["channel"] for p in posts} == {"UASKER01", "UVOTER01"}
    assert all(json.dumps(p.body["blocks"]).count('"prompt golf"') >= 1 for p in posts)

    # The outbox coalesces redraws and draws the post at delivery, so how many updates it takes depends on timing;
    # what must hold is that the post ends showing both the vote and the new status.
    def post_now() -> str:
        drawn = [c for c in fake_slack.delivered("chat.postMessage") if c.body["channel"] == "CREQUESTS"]
        drawn += fake_slack.delivered("chat.update")
        return json.dumps(drawn[-1].body["blocks"]) if drawn else ""

    assert wait_until(lambda: '"*Votes*\\n2"' in post_now() and '"*Status*\\nPublished"' in post_now())


def test_requests_present_at_start_are_published_when_the_glossary_already_has_them(make_server, fake_slack):
    first = make_server()
    first.runtime.requests.file(RequestForm(term="brand new idea", why="x"), "UASKER01")
    with first.runtime.requests.store.writing() as conn:  # as if filed before the term was merged
        from sqlalchemy import update

        from bot.state.schema import term_requests

        conn.execute(update(term_requests).values(term="quantization", term_key="quantization"))
    second = make_server()  # the start-up load closes it
    assert second.runtime.requests.get(1).status == "published"
    [dm] = fake_slack.wait_for("chat.postMessage", where=NOT_THE_POST)
    assert dm.body["channel"] == "UASKER01"


def test_options_for_terms_and_duplicate_targets(server):
    file_request(server, term="prompt golf")
    reply = post(server, block_suggestion("pick_term", "quant"))
    options = reply.json()["options"]
    assert options[0]["value"] == "quantization" and len(options) <= 100
    reply = post(server, block_suggestion("pick_duplicate_target", "prompt"))
    groups = reply.json()["option_groups"]
    assert groups[0]["options"][0]["value"] == "request:1"
    everything = post(server, block_suggestion("pick_term", "")).json()["options"]
    assert len(everything) == min(100, len(server.runtime.glossary))  # Slack takes at most 100 options


def test_listing_requests(server, fake_slack):
    from .harness import command_body, signed_post

    file_request(server, term="prompt golf", user="UASKER01")
    file_request(server, term="agent washing", user="UOTHER01")
    form = "application/x-www-form-urlencoded"
    mine = signed_post(server.url + "/slack/events", command_body("my requests", user="UASKER01"), form).json()
    assert "prompt golf" in json.dumps(mine["blocks"]) and "agent washing" not in json.dumps(mine["blocks"])
    refused = signed_post(server.url + "/slack/events", command_body("requests", user="UNOBODY1"), form).json()
    assert "Only glossary reviewers" in json.dumps(refused["blocks"])
    listed = signed_post(server.url + "/slack/events", command_body("requests", user="UREVIEW01"), form).json()
    shown = json.dumps(listed["blocks"])
    assert "#1 prompt golf" in shown and "#2 agent washing" in shown and "1 vote" in shown and "0 days old" in shown
    drafting = signed_post(
        server.url + "/slack/events", command_body("requests drafting", user="UREVIEW01"), form
    ).json()
    assert "none" in json.dumps(drafting["blocks"])


def _view(call):
    view = call.body["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_duplicate_dms_what_covers_it(server, fake_slack):
    request = file_request(server, user="UASKER01")
    triage_view_submit(server, "mark_duplicate", request.id, picked("duplicate_target", "term:fine-tuning"))
    [dm] = fake_slack.wait_for("chat.postMessage", where=NOT_THE_POST)
    assert dm.body["channel"] == "UASKER01"
    assert "closed as a duplicate: Already in the glossary as fine-tuning." in dm.body["text"]
    reply = triage_view_submit(server, "mark_duplicate", request.id, picked("duplicate_target", "term:nope"))
    assert "Pick another request or a glossary term" in reply["errors"]["duplicate_target"]
