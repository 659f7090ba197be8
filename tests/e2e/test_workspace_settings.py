"""Settings per workspace from the Home, over signed HTTP with the fake Slack (issue 23 items 4 and 5, issue 24's
channel -> domain from the Home): an admin sets the requests channel and reviewers through the modal (a bad field
is an error in the modal, and nothing is saved), requests then go to that channel and those reviewers; a member
never sees the section; with nothing set, the admin's Home says what to set and the requester is told nobody was
notified. Two workspaces with a glossary each get their own answers."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from blockkit import assert_no_injection, assert_valid_view
from termfactory import term_data, write_glossary

from bot.slack.kit import ids

from .harness import TEAM, command_body, event_body, signed_post, view_submission, wait_until
from .requests_helpers import post, submit_request, triage_click
from .test_home_and_browse import home_click

FORM, JSON = "application/x-www-form-urlencoded", "application/json"
ADMIN, MEMBER, REVIEWER_A, REVIEWER_B = "UADMIN01", "UASKER01", "UREVA0001", "UREVB0001"


@pytest.fixture
def server(make_server, fake_slack):
    """An install with no REQUESTS_CHANNEL and no REVIEWERS: everything comes from the Home."""
    fake_slack.admins.add(ADMIN)
    return make_server(requests_channel="", reviewers=())


def open_home(server, fake_slack, user, *, event_id, allowed=()) -> dict:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME01", "tab": "home", "event_ts": "1.2"}
    before = fake_slack.mark()
    assert signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON).status == 200
    # This person's Home: an admin's save redraws the admin's Home on another thread, maybe meanwhile.
    [call] = fake_slack.wait_for("views.publish", since=before, where=lambda c: c.body.get("user_id") == user)
    view = call.body["view"]
    home = json.loads(view) if isinstance(view, str) else view
    assert_valid_view(home)
    assert_no_injection(home["blocks"], allowed_mentions=allowed)
    return home


def text_of(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def settings_button(home) -> dict | None:
    found = [e for b in home["blocks"] for e in b.get("elements", []) if e.get("action_id") == ids.HOME_SETTINGS]
    return found[0] if found else None


def values(*, channel=None, users=(), group="", day="env", domains="") -> dict:
    return {
        ids.SETTINGS_CHANNEL: {ids.INPUT: {"type": "conversations_select", "selected_conversation": channel}},
        ids.SETTINGS_USERS: {ids.INPUT: {"type": "multi_users_select", "selected_users": list(users)}},
        ids.SETTINGS_GROUP: {ids.INPUT: {"type": "plain_text_input", "value": group or None}},
        ids.SETTINGS_DAY: {ids.INPUT: {"type": "static_select", "selected_option": {"value": day}}},
        ids.SETTINGS_DOMAINS: {ids.INPUT: {"type": "plain_text_input", "value": domains or None}},
    }


def save(server, user=ADMIN, **fields) -> dict:
    reply = post(server, view_submission(ids.SETTINGS_VIEW, values(**fields), user=user))
    assert reply.status == 200, reply.body
    return reply.json() if reply.body else {}


def test_with_nothing_set_the_admin_is_told_what_to_set_and_the_requester_that_nobody_was_told(server, fake_slack):
    home = open_home(server, fake_slack, ADMIN, event_id="EvSet1")
    assert "Workspace settings" in text_of(home["blocks"]) and "Set where term requests go" in text_of(home["blocks"])
    assert settings_button(home) is not None
    member_home = open_home(server, fake_slack, MEMBER, event_id="EvSet2")
    assert "Workspace settings" not in text_of(member_home["blocks"]) and settings_button(member_home) is None
    told = text_of(submit_request(server, term="quokka ops")["view"]["blocks"])
    assert "Nobody reviews requests here yet" in told and "Settings on the bot's Home" in told
    assert "will answer by" not in told


def test_an_admin_sets_channel_and_reviewers_and_requests_then_reach_them(server, fake_slack):
    home = open_home(server, fake_slack, ADMIN, event_id="EvSet3")
    modal = home_click(server, fake_slack, ADMIN, home, settings_button(home), then="views.open")["view"]
    assert modal["callback_id"] == ids.SETTINGS_VIEW
    assert [b["block_id"] for b in modal["blocks"]] == [
        ids.SETTINGS_CHANNEL,
        ids.SETTINGS_USERS,
        ids.SETTINGS_GROUP,
        ids.SETTINGS_DAY,
        ids.SETTINGS_DOMAINS,
    ]
    # A bad group id and a bad domain line: errors in the modal, on their fields, and nothing saved.
    refused = save(server, channel="CTRIAGE01", users=(REVIEWER_A,), group="reviewers", domains="CPEOPLE01 people")
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {ids.SETTINGS_GROUP, ids.SETTINGS_DOMAINS}
    assert "starts with S" in refused["errors"][ids.SETTINGS_GROUP]
    assert server.runtime.workspaces.saved(TEAM) is None

    before = fake_slack.mark()
    assert save(server, channel="CTRIAGE01", users=(REVIEWER_A, REVIEWER_B), domains="CPEOPLE01: people") == {}
    [published] = fake_slack.wait_for("views.publish", since=before)
    redrawn = text_of(published.body["view"])
    assert "<#CTRIAGE01>" in redrawn and f"<@{REVIEWER_B}>" in redrawn and "Set where term requests go" not in redrawn

    confirmation = text_of(submit_request(server, term="quokka ops")["view"]["blocks"])
    assert "<#CTRIAGE01>" in confirmation and f"<@{REVIEWER_A}>" in confirmation and "Who sees it" in confirmation
    [post_call] = fake_slack.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "CTRIAGE01")
    assert "quokka ops" in json.dumps(post_call.body)
    request = server.runtime.requests.list()[0]
    triage_click(server, fake_slack, "drafting", request.id, user=MEMBER, name="m")  # not a reviewer
    fake_slack.wait_for("/respond/m")
    assert server.runtime.requests.get(request.id).status == "open"
    triage_click(server, fake_slack, "drafting", request.id, user=REVIEWER_B, name="b")  # a reviewer set on the Home
    assert wait_until(lambda: server.runtime.requests.get(request.id).status == "drafting")

    # The channel -> domain pair set in the modal picks the sense a card shows first there.
    card = signed_post(server.url + "/slack/events", command_body("evaluation", channel="CPEOPLE01"), FORM).json()
    assert "A manager" in text_of(card["blocks"]) and "this channel is about people" in text_of(card["blocks"])
    elsewhere = signed_post(server.url + "/slack/events", command_body("evaluation", channel="C0OTHER01"), FORM)
    assert "this channel is about people" not in text_of(elsewhere.json()["blocks"])


def test_a_reviewer_reads_the_settings_and_a_member_cannot_change_them(server, fake_slack):
    assert save(server, users=(REVIEWER_A,)) == {}
    allowed = (f"<@{REVIEWER_A}>",)
    home = open_home(server, fake_slack, REVIEWER_A, event_id="EvSet4", allowed=allowed)
    assert "Read-only: a workspace admin or owner" in text_of(home["blocks"]) and settings_button(home) is None
    forged = save(server, user=MEMBER, channel="CSTOLEN01")  # a submission Slack would never open for them
    assert forged["response_action"] == "errors" and "Only workspace admins" in json.dumps(forged["errors"])
    assert server.runtime.effective_settings(TEAM).requests_channel == ""


def test_two_workspaces_each_get_answers_from_their_own_glossary(make_server, fake_slack, tmp_path):
    own = write_glossary(tmp_path / "team-b-terms", term_data("quokka ops"))
    server = make_server(glossaries=(("T0TEAMB01", own),))

    def define(text, team):
        body = dict(urllib.parse.parse_qsl(command_body(text)))
        body["team_id"] = team
        reply = signed_post(server.url + "/slack/events", urllib.parse.urlencode(body), FORM)
        assert reply.status == 200
        return text_of(reply.json()["blocks"])

    assert "A short definition of quokka ops" in define("quokka ops", "T0TEAMB01")
    assert "A short definition of quokka ops" not in define("quokka ops", TEAM)
    assert "retrieval" in define("rag", TEAM).lower() and "retrieval" not in define("rag", "T0TEAMB01").lower()
