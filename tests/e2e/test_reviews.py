"""The review loop in Slack, end to end over signed HTTP with the fake Slack: the weekly digest DM, Still
accurate (recorded, then shown on the card), Needs a change (the change-request modal, then a triage post
that mentions the owners), and owners triaging requests in their categories."""

from __future__ import annotations

import json
import time

import pytest
from governance_helpers import bundled_terms_reviewed_on
from slack_sdk import WebClient

from bot.slack.kit.reviewers import Reviewers
from bot.slack.reviews.schedule import send_digests

from .harness import BOT_TOKEN, block_action, view_submission
from .requests_helpers import post, request_values, triage_click

OWNERS = """\
owners:
  categories: {"Retrieval & RAG": [SRAGTEAM]}
  terms: {"fine-tuning": [UOWNER01]}
review_days: {approved: 1, reviewed: 1, draft: 1}   # every term of the aged copy is due
"""


@pytest.fixture
def owned(make_server, fake_slack, tmp_path):
    path = tmp_path / "owners.yml"
    path.write_text(OWNERS, encoding="utf-8")
    fake_slack.usergroups["SRAGTEAM"] = ["URAG0001"]
    return make_server(owners_file=path, glossary_dir=bundled_terms_reviewed_on(tmp_path / "terms"))


def send(server, fake_slack, holder="test"):
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    return send_digests(client, server.runtime, Reviewers(client, ()).members, holder=holder)


def digest_to(fake_slack, user):
    """The digest DM to `user`: an outbox letter, sent by the server's delivery worker a moment later."""
    [dm] = fake_slack.wait_for("chat.postMessage", where=lambda c: c.body["channel"] == user)
    return dm.body


def button_value(message, slug, action_id):
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id and json.loads(element["value"])["s"] == slug:
                return element["value"]
    raise AssertionError(f"no {action_id} button for {slug}")


def click(server, fake_slack, action_id, value, *, user, name):
    reply = post(
        server,
        block_action(
            action_id, value, user=user, ephemeral=False, channel="D0OWNER", response_url=fake_slack.response_url(name)
        ),
    )
    assert reply.status == 200


def test_each_owner_gets_one_digest_a_week_with_their_terms(owned, fake_slack):
    run = send(owned, fake_slack)
    assert run.claimed and sorted(run.sent_to) == ["UOWNER01", "URAG0001"]
    owner = digest_to(fake_slack, "UOWNER01")
    assert "fine-tuning" in str(owner["blocks"]) and "chunking" not in str(owner["blocks"])
    rag = digest_to(fake_slack, "URAG0001")  # a group member, through the category rule
    # The category has more due terms than a digest lists (ten, then "and N more"): chunking comes first.
    assert "chunking" in str(rag["blocks"]) and "fine-tuning" not in str(rag["blocks"])
    again = send(owned, fake_slack, holder="other")
    assert not again.claimed and len(fake_slack.of("chat.postMessage")) == 2


def test_still_accurate_records_who_and_when_and_the_card_shows_it(owned, fake_slack):
    term = owned.runtime.glossary.get("fine-tuning")
    assert owned.runtime.governance.state(term).stale
    send(owned, fake_slack)
    value = button_value(digest_to(fake_slack, "UOWNER01"), "fine-tuning", "review_still_accurate")

    mark = fake_slack.mark()
    click(owned, fake_slack, "review_still_accurate", value, user="UNOBODY1", name="nobody")
    [refusal] = fake_slack.wait_for("/respond/nobody", since=mark)
    assert "Only this term's owners" in refusal.body["text"] and owned.runtime.governance.state(term).stale

    click(owned, fake_slack, "review_still_accurate", value, user="UOWNER01", name="owner")
    [reply] = fake_slack.wait_for("/respond/owner")
    assert reply.body["response_type"] == "ephemeral" and "still accurate" in reply.body["text"]
    state = owned.runtime.governance.state(term)
    assert not state.stale and state.verified_by == "UOWNER01" and state.due_since > state.verified_on
    facts = [e["text"] for b in reply.body["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("Verified by <@UOWNER01> on" in f for f in facts)
    card = owned.runtime.open_term("UANYONE1", "fine-tuning")
    assert card.verified is not None and card.verified[0] == "UOWNER01" and card.review_due == ""


def test_needs_a_change_opens_the_change_request_form_and_the_triage_post_mentions_the_owners(owned, fake_slack):
    send(owned, fake_slack)
    value = button_value(digest_to(fake_slack, "UOWNER01"), "fine-tuning", "review_needs_change")
    click(owned, fake_slack, "review_needs_change", value, user="UOWNER01", name="change")
    [opened] = fake_slack.wait_for("views.open")
    view = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert view["callback_id"] == "term_request" and json.loads(view["private_metadata"]) == {
        "k": "change",
        "s": "fine-tuning",
    }
    assert view["blocks"][1]["element"]["initial_value"] == "fine-tuning"

    values = request_values("fine-tuning", "The definition predates parameter-efficient methods.")
    reply = post(
        owned, view_submission("term_request", values, user="UOWNER01", private_metadata=view["private_metadata"])
    )
    assert reply.status == 200
    [posted] = [c for c in fake_slack.wait_for("chat.postMessage", 3) if c.body["channel"] == "CREQUESTS"]
    request = owned.runtime.requests.list()[0]
    assert request.kind == "change" and request.linked_slug == "fine-tuning"
    sections = [b["text"]["text"] for b in posted.body["blocks"] if b["type"] == "section" and "text" in b]
    owners = [text for text in sections if text.startswith("*Owners*")]
    assert owners == ["*Owners*\n<@UOWNER01>"]


def test_category_owners_may_triage_requests_about_their_terms(owned, fake_slack):
    from bot.term_requests.rules import RequestForm, RequestKind

    book = owned.runtime.requests
    rag = book.file(
        RequestForm("RAG", "outdated", kind=RequestKind.CHANGE, linked_slug="retrieval-augmented-generation"),
        "UASKER01",
    ).request
    other = book.file(
        RequestForm("fine-tuning", "outdated", kind=RequestKind.CHANGE, linked_slug="fine-tuning"), "UASKER01"
    ).request
    triage_click(owned, fake_slack, "drafting", rag.id, user="URAG0001", name="rag")
    triage_click(owned, fake_slack, "drafting", other.id, user="URAG0001", name="other")
    [refusal] = fake_slack.wait_for("/respond/other")
    assert "Only glossary reviewers" in refusal.body["text"] and book.get(other.id).status == "open"
    assert _eventually(lambda: book.get(rag.id).status == "drafting")


def _eventually(predicate, timeout=10.0):
    """Listeners finish on worker threads after the HTTP reply."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False
