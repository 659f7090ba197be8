"""The App Home and `/define browse` over signed HTTP, with the fake Slack recording every call.

Listeners finish on worker threads after the HTTP reply, so every wait is FakeSlack.wait_for from a mark
taken before the request: a second click is never satisfied by the first one's call.
"""

from __future__ import annotations

import json

from blockkit import assert_no_injection, assert_valid_message, assert_valid_view

from bot.answers.browse import PAGE_SIZE
from bot.slack.kit import ids
from bot.term_requests.rules import RequestForm

from .harness import TEAM, command_body, event_body, interaction_body, signed_post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MEMBER = "UASKER01"
REVIEWER = "UREVIEW01"  # in the fixture's REVIEWERS


def shown(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def open_home(server, fake_slack, user: str, *, event_id: str, view: dict | None = None) -> dict:
    """Open the Home tab; return the view published for this person."""
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME01", "tab": "home", "event_ts": "1.2"}
    if view is not None:
        event["view"] = view
    before = fake_slack.mark()
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON)
    assert reply.status == 200
    [call] = fake_slack.wait_for("views.publish", since=before)
    assert call.body["user_id"] == user
    view = call.body["view"]
    published = json.loads(view) if isinstance(view, str) else view
    assert_valid_view(published)
    # The workspace settings a reviewer reads: the conftest's requests channel and reviewers, drawn from their ids.
    assert_no_injection(published["blocks"], allowed_mentions=("<#CREQUESTS>", "<@UREVIEW01>", "<!subteam^SREVIEWERS>"))
    return published


def home_click(server, fake_slack, user: str, home: dict, action: dict, *, then: str = "views.publish") -> dict:
    """A click in the Home as Slack sends it: a view container, the view with its private_metadata, no
    response_url. Returns the body of the Web API call it causes (the Home published again, or a modal)."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "trigger-home",
        "container": {"type": "view", "view_id": "V0001"},
        "view": {
            "id": "V0001",
            "type": "home",
            "private_metadata": home.get("private_metadata", ""),
            "blocks": home["blocks"],
            "state": {"values": {}},
            "hash": "h1",
            "team_id": TEAM,
        },
        "actions": [{"block_id": "b1", "action_ts": "1.3", **action}],
    }
    before = fake_slack.mark()
    reply = signed_post(server.url + "/slack/events", interaction_body(payload), FORM)
    assert reply.status == 200 and reply.body == ""
    [call] = fake_slack.wait_for(then, since=before)
    body = call.body
    view = body["view"]
    body["view"] = json.loads(view) if isinstance(view, str) else view
    assert_valid_view(body["view"])
    return body


def element(view: dict, action_id: str) -> dict:
    for block in view["blocks"]:
        for e in [*block.get("elements", []), block.get("accessory") or {}]:
            if e.get("action_id") == action_id:
                return e
    raise AssertionError(f"no {action_id} in the view")


def select(action_id: str, value: str) -> dict:
    return {"action_id": action_id, "type": "static_select", "selected_option": {"value": value}}


def press(button: dict) -> dict:
    return {"action_id": button["action_id"], "type": "button", "value": button.get("value", "")}


# --- App Home -----------------------------------------------------------------------------------


def test_a_member_gets_a_home_without_the_reviewer_section(server, fake_slack):
    home = open_home(server, fake_slack, MEMBER, event_id="EvHome1")
    text = shown(home["blocks"])
    assert "Your defaults" in text and "Browse" in text and "Recently added or changed" in text
    assert "Your requests" in text and "None yet" in text
    assert "For reviewers" not in text and "top misses" not in text
    assert element(home, ids.HOME_FRAMING)["initial_option"]["value"] == "both"
    assert element(home, ids.HOME_ROLE)["initial_option"]["value"] == "none"


def test_a_reviewer_gets_open_requests_by_age_each_with_a_button_that_opens_it(server, fake_slack):
    book = server.runtime.requests
    first = book.file(RequestForm(term="vibe coding", why="Heard it twice."), MEMBER).request
    second = book.file(RequestForm(term="context rot", why="A customer said it."), "UOTHER01").request
    home = open_home(server, fake_slack, REVIEWER, event_id="EvHome2")
    text = shown(home["blocks"])
    assert "For reviewers" in text and "top misses" in text
    assert text.index(f"#{first.id} vibe coding") < text.index(f"#{second.id} context rot")  # oldest first
    opens = [b["accessory"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == ids.HOME_REQUEST]
    assert [b["value"] for b in opens] == [str(first.id), str(second.id)]
    modal = home_click(server, fake_slack, REVIEWER, home, press(opens[0]), then="views.open")
    assert modal["trigger_id"] == "trigger-home"
    details = shown(modal["view"]["blocks"])
    assert "vibe coding" in details and "Heard it twice." in details and "History" in details
    assert "triage:" not in details  # moves stay on the requests-channel post


def test_a_member_sees_what_they_asked_for_and_voted_for_and_no_one_elses(server, fake_slack):
    book = server.runtime.requests
    mine = book.file(RequestForm(term="vibe coding", why="Heard it."), MEMBER).request
    theirs = book.file(RequestForm(term="context rot", why="Heard it."), "UOTHER01").request
    book.file(RequestForm(term="Context-Rot", why="Me too."), MEMBER)  # a vote on theirs
    other = book.file(RequestForm(term="slop", why="Heard it."), "UOTHER01").request
    home = open_home(server, fake_slack, MEMBER, event_id="EvHome3")
    text = shown(home["blocks"])
    assert f"#{mine.id} vibe coding* · Open · 1 vote · 0 days old · you asked" in text
    assert f"#{theirs.id} context rot* · Open · 2 votes · 0 days old · you voted" in text
    assert f"#{other.id} slop" not in text
    # someone else's request cannot be opened by guessing its number
    modal = home_click(
        server,
        fake_slack,
        MEMBER,
        home,
        press({"action_id": ids.HOME_REQUEST, "value": str(other.id)}),
        then="views.open",
    )
    assert f"Request #{other.id} is not one you filed or voted for" in shown(modal["view"]["blocks"])


def test_framing_and_role_save_at_once_and_redraw_the_home(server, fake_slack):
    home = open_home(server, fake_slack, MEMBER, event_id="EvHome4")
    home = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_FRAMING, "engineer"))["view"]
    assert server.runtime.store.preference(MEMBER).framing == "engineer"
    assert element(home, ids.HOME_FRAMING)["initial_option"]["value"] == "engineer"

    published = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_ROLE, "legal"))
    assert published["user_id"] == MEMBER
    home = published["view"]
    assert server.runtime.store.preference(MEMBER).role == "legal"
    assert element(home, ids.HOME_ROLE)["initial_option"]["value"] == "legal"
    # with a role and nothing picked, Browse opens the role's starter pack
    assert "Starter pack: Legal &amp; Compliance" in shown(home["blocks"])
    assert element(home, ids.HOME_PACK)["initial_option"]["value"] == "legal"

    home = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_ROLE, "none"))["view"]
    pref = server.runtime.store.preference(MEMBER)
    assert (pref.framing, pref.role) == ("engineer", None)  # the framing stays

    home = home_click(server, fake_slack, MEMBER, home, press(element(home, ids.HOME_RESET)))["view"]
    pref = server.runtime.store.preference(MEMBER)
    assert (pref.framing, pref.role) == (None, None)
    assert element(home, ids.HOME_FRAMING)["initial_option"]["value"] == "both"


def test_a_reviewer_home_is_redrawn_with_its_reviewer_section_after_a_preference_change(server, fake_slack):
    home = open_home(server, fake_slack, REVIEWER, event_id="EvHome5")
    home = home_click(server, fake_slack, REVIEWER, home, select(ids.HOME_FRAMING, "exec"))["view"]
    assert server.runtime.store.preference(REVIEWER).framing == "exec"
    assert "For reviewers" in shown(home["blocks"])


def shelf_size(server, category: str) -> tuple[int, int]:
    """How many terms a category holds and on how many pages, from the glossary the server runs: the bundled
    glossary keeps growing, and these tests are about paging, not about today's count."""
    total = sum(category in term.categories for term in server.runtime.glossary.terms.values())
    return total, -(-total // PAGE_SIZE)


def test_browsing_in_the_home_pages_next_and_previous_and_keeps_the_place_on_reopening(server, fake_slack):
    home = open_home(server, fake_slack, MEMBER, event_id="EvHome6")
    home = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_CATEGORY, "Governance &amp; Risk"))["view"]
    text = shown(home["blocks"])
    total, pages = shelf_size(server, "Governance & Risk")
    assert pages >= 3  # the walk below needs a third page
    assert f"*Governance &amp; Risk* · {total} terms · page 1 of {pages}" in text
    home = home_click(server, fake_slack, MEMBER, home, press(element(home, ids.HOME_NEXT)))["view"]
    assert f"page 2 of {pages}" in shown(home["blocks"])
    home = home_click(server, fake_slack, MEMBER, home, press(element(home, ids.HOME_NEXT)))["view"]
    assert f"page 3 of {pages}" in shown(home["blocks"])
    home = home_click(server, fake_slack, MEMBER, home, press(element(home, ids.HOME_PREVIOUS)))["view"]
    assert f"page 2 of {pages}" in shown(home["blocks"])
    # Reopening the tab: Slack sends the view the person last saw, and they are back on that page.
    again = open_home(server, fake_slack, MEMBER, event_id="EvHome7", view=home)
    assert f"page 2 of {pages}" in shown(again["blocks"])


def test_a_term_opens_from_the_home_in_a_modal(server, fake_slack):
    home = open_home(server, fake_slack, MEMBER, event_id="EvHome8")
    home = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_PACK, "engineering"))["view"]
    button = element(home, ids.HOME_TERM)
    modal = home_click(server, fake_slack, MEMBER, home, press(button), then="views.open")["view"]
    term = server.runtime.glossary.get(button["value"])
    assert modal["type"] == "modal" and modal["blocks"][0]["text"]["text"] == term.term


# --- /define browse -----------------------------------------------------------------------------


def define(server, text: str) -> dict:
    reply = signed_post(server.url + "/slack/events", command_body(text), FORM)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert_valid_message(body)
    return body


def message_click(server, fake_slack, action: dict, *, name: str = "r1") -> dict:
    """A click on a private browse message: its reply goes to the response_url."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": MEMBER, "team_id": TEAM},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "trigger-2",
        "response_url": fake_slack.response_url(name),
        "channel": {"id": "C0000001"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C0000001", "is_ephemeral": True},
        "actions": [{"block_id": "b1", "action_ts": "1.3", **action}],
    }
    before = fake_slack.mark()
    reply = signed_post(server.url + "/slack/events", interaction_body(payload), FORM)
    assert reply.status == 200
    [call] = fake_slack.wait_for(f"/respond/{name}", since=before)
    assert call.body["replace_original"] is True  # the same message, turned in place
    assert_valid_message(call.body)
    return call.body


def test_browse_lists_categories_and_roles_with_counts(server, fake_slack):
    body = define(server, "browse")
    text = shown(body["blocks"])
    total, _ = shelf_size(server, "Governance & Risk")
    assert f"Governance &amp; Risk · {total}" in text and "Legal &amp; Compliance (`legal`) · " in text
    assert fake_slack.api_calls() == []  # answered in the ack


def test_browse_pages_next_and_previous_in_place(server, fake_slack):
    body = define(server, "browse governance")
    total, pages = shelf_size(server, "Governance & Risk")
    assert pages >= 3  # the walk below needs a third page
    assert f"*Governance &amp; Risk* · {total} terms · page 1 of {pages}" in body["blocks"][0]["text"]["text"]
    assert ids.BROWSE_PREVIOUS not in shown(body["blocks"])
    page2 = message_click(server, fake_slack, press(element(body, ids.BROWSE_NEXT)))
    assert f"page 2 of {pages}" in page2["blocks"][0]["text"]["text"]
    page3 = message_click(server, fake_slack, press(element(page2, ids.BROWSE_NEXT)))
    assert f"page 3 of {pages}" in page3["blocks"][0]["text"]["text"]
    back = message_click(server, fake_slack, press(element(page3, ids.BROWSE_PREVIOUS)))
    assert back["blocks"] == page2["blocks"]
    # each term row opens its card with the existing open-term action, in place
    opener = next(b["accessory"] for b in back["blocks"] if b.get("accessory"))
    card = message_click(server, fake_slack, press(opener))
    assert card["blocks"][0]["type"] == "header"


def test_browse_by_menu_and_back_to_the_index(server, fake_slack):
    index = define(server, "browse")
    pack = message_click(server, fake_slack, select(ids.BROWSE_ROLE, "legal"))
    assert "Starter pack: Legal &amp; Compliance" in pack["blocks"][0]["text"]["text"]
    category = message_click(
        server, fake_slack, select(ids.BROWSE_CATEGORY, element(index, ids.BROWSE_CATEGORY)["options"][0]["value"])
    )
    total, _ = shelf_size(server, "Agents & Tooling")
    assert f"*Agents &amp; Tooling* · {total} terms" in category["blocks"][0]["text"]["text"]
    again = message_click(server, fake_slack, press(element(category, ids.BROWSE_INDEX)))
    assert again["blocks"] == index["blocks"]


def test_browse_something_unknown_says_so_and_lists_what_there_is(server):
    body = define(server, "browse <!channel> astronauts")
    assert "No category or role is called *&lt;!channel&gt; astronauts*" in body["blocks"][0]["text"]["text"]
    assert_no_injection(body["blocks"])


def test_browse_by_mention_answers_in_the_thread(server, fake_slack):
    event = {
        "type": "app_mention",
        "user": MEMBER,
        "text": "<@UBOT0001> browse legal",
        "ts": "1700000100.000200",
        "channel": "C0000001",
        "event_ts": "1700000100.000200",
    }
    before = fake_slack.mark()
    assert signed_post(server.url + "/slack/events", event_body(event, event_id="EvBrowse1"), JSON).status == 200
    [post] = fake_slack.wait_for("chat.postMessage", since=before)
    assert post.body["thread_ts"] == "1700000100.000200"
    assert "Starter pack: Legal &amp; Compliance" in shown(post.body["blocks"])
