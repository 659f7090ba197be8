"""The Home's listeners called directly: which events publish, and the state a click carries."""

from __future__ import annotations

import json
from unittest.mock import Mock

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.home.handlers import home_opened
from bot.slack.home.page import HomeState
from bot.slack.kit.deps import Deps
from bot.slack.kit.reviewers import Reviewers
from bot.state.store import Store
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import RequestForm


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path_factory.mktemp("home"))
    runtime = Runtime.open(settings)
    yield runtime
    runtime.store.close()


def test_only_the_home_tab_publishes_and_only_for_the_person_who_opened_it(runtime):
    client = Mock(WebClient)
    context = BoltContext({"deps": Deps(runtime, Reviewers(Mock(WebClient), ("UREVIEW01",)))})
    home_opened({"type": "app_home_opened", "user": "UASKER01", "tab": "messages"}, client, context)
    client.views_publish.assert_not_called()
    home_opened({"type": "app_home_opened", "user": "UASKER01", "tab": "home"}, client, context)
    client.views_publish.assert_called_once()
    assert client.views_publish.call_args.kwargs["user_id"] == "UASKER01"


def test_home_state_round_trips_and_refuses_what_we_did_not_write():
    state = HomeState("category", "Governance & Risk <!channel>", 3, 2, 4)
    assert HomeState.decode(state.encode()) == state
    assert "<" not in state.encode()
    for junk in (None, "", "not json", "[1]", '{"p": -4, "m": "x", "r": true, "k": 5}'):
        assert HomeState.decode(junk) == HomeState()
    turned = state.turned('{"s": "mine", "p": 7}')
    assert (turned.mine_page, turned.shelf_page, turned.review_page) == (7, 3, 4)
    assert state.turned('{"s": "shelf", "k": "role", "v": "legal", "p": 2}') == HomeState("role", "legal", 2, 2, 4)
    assert state.turned('{"s": "elsewhere", "p": 9}') == state
    assert state.picked("role", "legal") == HomeState("role", "legal", 1, 2, 4)


def test_voted_for_lists_votes_on_other_peoples_requests_newest_first(state_url):
    store = Store(state_url)
    book = RequestBook(store)
    try:
        mine = book.file(RequestForm(term="vibe coding", why="x"), "U1").request
        first = book.file(RequestForm(term="context rot", why="x"), "U2").request
        second = book.file(RequestForm(term="slop", why="x"), "U3").request
        book.file(RequestForm(term="context rot", why="x"), "U1")
        book.file(RequestForm(term="slop", why="x"), "U1")
        book.file(RequestForm(term="vibe coding", why="x"), "U1")  # their own: not a vote "for" someone else's
        assert [r.id for r in book.voted_for("U1")] == [second.id, first.id]
        assert mine.id not in [r.id for r in book.voted_for("U1")]
        assert book.voted_for("U9") == []
    finally:
        store.close()


def test_a_starter_pack_follows_the_lookup_counts_when_there_are_some(runtime, monkeypatch):
    from bot.slack.browse.replies import picked_reply
    from bot.slack.home.page import build_home

    legal = sorted((t for t in runtime.glossary.terms.values() if "legal" in t.roles), key=lambda t: t.term.casefold())
    last = legal[-1]
    plain_home = build_home(runtime, "UPACK001", HomeState("role", "legal"), reviewer=False)
    assert "most looked up first" not in json.dumps(plain_home["blocks"])
    assert opened(plain_home)[:3] == [t.slug for t in legal[:3]]  # no lookups yet: by name

    monkeypatch.setattr(runtime, "lookup_counts", lambda days=90: {last.slug: 40, legal[1].slug: 3})
    home = build_home(runtime, "UPACK001", HomeState("role", "legal"), reviewer=False)
    assert opened(home)[:3] == [last.slug, legal[1].slug, legal[0].slug]
    assert "most looked up first" in json.dumps(home["blocks"])
    message = picked_reply(runtime, "role", "legal")
    assert "most looked up first" in message["blocks"][0]["text"]["text"]
    assert json.loads(message["blocks"][1]["accessory"]["value"])["s"] == last.slug


def opened(home: dict) -> list[str]:
    """The terms the Home's Open buttons open, top to bottom (the browse list comes first)."""
    return [b["accessory"]["value"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "home_term"]


def test_set_role_then_no_role_redraws_the_home_without_the_old_role(runtime):
    """The Home's "No role" once cleared the role in the database but not the 5-second copy of it, so the Home
    redrew with the old role. Every preference write now writes through that copy."""
    from bot.slack.home.handlers import set_role
    from bot.slack.home.view import NO_ROLE

    client, user = Mock(WebClient), "UROLE001"
    context = BoltContext({"deps": Deps(runtime, Reviewers(Mock(WebClient), ()))})
    for picked in ("legal", NO_ROLE):
        body = {"user": {"id": user}, "view": {"private_metadata": ""}}
        set_role(Mock(), body, {"selected_option": {"value": picked}}, client, context)
        view = client.views_publish.call_args.kwargs["view"]
        menu = next(e for b in view["blocks"] for e in b.get("elements", ()) if e.get("action_id") == "home_role")
        assert menu["initial_option"]["value"] == picked
    assert runtime.preferred(user) == (None, None)
