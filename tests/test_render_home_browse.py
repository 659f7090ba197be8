"""The Home tab, browse messages and the Home's modals are valid Block Kit, within Slack's limits, and escaped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from blockkit import assert_no_injection, assert_valid_message, assert_valid_view
from paths import BUNDLED_ROLES

from bot.answers.browse import (
    Recent,
    Shelf,
    ShelfKind,
    categories,
    page_of,
    recent,
    role_shelf,
    roles_with_counts,
    shelf_terms,
)
from bot.answers.cards import build_card
from bot.answers.label_lookups import LabelLookups
from bot.glossary.model import Framing, Term, TermStatus
from bot.glossary.roles import load_roles
from bot.glossary.terminology import Usage
from bot.slack.browse.messages import browse_index, category_from_value, category_value, shelf_message
from bot.slack.home.view import HomeModel, Miss, ReviewerPart, home_view, term_modal
from bot.slack.kit import ids
from bot.slack.kit.messages import notice_modal
from bot.slack.requests.detail import detail_view
from bot.state.pulls import PullRecord
from bot.state.team import LOCAL
from bot.term_requests.rules import RequestKind, RequestStatus, TermRequest

ROLES = load_roles(BUNDLED_ROLES)
EVIL = "<!channel> & <@U123> <https://x|y> <!here> *bold*"
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def evil_term(i: int) -> Term:
    return Term(
        slug=f"evil-{i}",
        term=f"{EVIL} {i} " + "x" * 200,
        aliases=(),
        categories=(f"{EVIL} category {i % 120} " + "c" * 100,),
        roles=("legal",),
        part_of_speech="noun",
        short_def=EVIL + " definition " * 300,
        long_def=EVIL,
        exec_framing=EVIL,
        engineer_framing=EVIL,
        examples_do=(),
        examples_dont=(),
        status=TermStatus.DEPRECATED if i % 3 == 0 else TermStatus.DRAFT,
        last_reviewed="2026-11-20",
    )


def request(i: int, term: str = EVIL) -> TermRequest:
    created = NOW - dt.timedelta(days=i)
    return TermRequest(
        id=i,
        kind=RequestKind.NEW,
        term=f"{term} {i}"[:100],
        term_key=f"k{i}",
        requester="UASKER01",
        status=RequestStatus.OPEN,
        created_at=created,
        updated_at=created,
        why=EVIL,
        votes=i,
    )


TERMS = [evil_term(i) for i in range(240)]


def pull(i: int) -> PullRecord:
    state = ("queued", "opened", "changes_requested", "approved", "failed")[i % 5]
    url = f"https://github.test/acme/glossary/pull/{i}" if state not in ("queued", "failed") else ""
    return PullRecord(f"glossary/edit-{EVIL}-{i}", "change", i if i % 2 else None, state, i, url, "U1", NOW, LOCAL)


def label_lookups(i: int) -> LabelLookups:
    surfaces = tuple((s, 50 - k) for k, s in enumerate(("slash", "mention", "mcp", EVIL)))
    return LabelLookups(f"{EVIL} label {i} " + "w" * 200, Usage.FORBIDDEN, f"evil-{i}", f"{EVIL} {i}" * 5, surfaces)


def model(*, reviewer: bool, shelf: Shelf | None = None, page: int = 1) -> HomeModel:
    shelf = shelf or role_shelf(ROLES["legal"])  # every term: 24 pages
    requests = [(request(i), i % 2 == 0) for i in range(1, 40)]
    part = ReviewerPart(
        page_of([request(i) for i in range(1, 40)], 2),
        [Miss(EVIL + " miss " * 50, 12, request(3) if i % 2 else None) for i in range(25)],
        pulls=[pull(i) for i in range(8)],
        request_pulls={i: pull(i) for i in range(1, 40)},
        labels=[label_lookups(i) for i in range(8)],
    )
    return HomeModel(
        framing=Framing.EXEC,
        role=ROLES["legal"],
        roles=list(ROLES.values()),
        categories=categories(TERMS),
        role_counts=roles_with_counts(TERMS, ROLES),
        shelf=shelf,
        shelf_page=page_of(shelf_terms(TERMS, shelf, {}) or TERMS, page),
        recent=recent(TERMS),
        requests=page_of(requests, 2),
        reviewer=part if reviewer else None,
        metadata=json.dumps({"k": "category", "v": "x" * 1500}),
        now=NOW,
    )


def texts(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


@pytest.mark.parametrize("reviewer", [False, True])
def test_the_fullest_home_is_valid_and_within_100_blocks(reviewer):
    view = home_view(model(reviewer=reviewer))
    assert_valid_view(view)
    assert len(view["blocks"]) <= 80  # room to spare: nothing is cut at 100
    assert_no_injection(view["blocks"])
    assert ("For reviewers" in texts(view)) is reviewer
    assert ("top misses" in texts(view)) is reviewer
    assert ("Pull requests from Slack" in texts(view)) is reviewer
    assert ("Discouraged words looked up" in texts(view)) is reviewer


def test_the_home_shows_the_saved_defaults_as_the_menus_initial_choices():
    view = home_view(model(reviewer=False))
    selects = {e["action_id"]: e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert selects[ids.HOME_FRAMING]["initial_option"]["value"] == "exec"
    assert selects[ids.HOME_ROLE]["initial_option"]["value"] == "legal"
    assert len(selects[ids.HOME_CATEGORY]["options"]) == 100  # 120 categories: Slack's limit for a menu


def test_the_home_pages_each_list_and_its_buttons_name_the_page_they_show():
    view = home_view(model(reviewer=True, page=2))
    pages = [
        (e["action_id"], json.loads(e["value"]))
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] in (ids.HOME_PREVIOUS, ids.HOME_NEXT)
    ]
    lists = {(action, value["s"], value["p"]) for action, value in pages}
    assert {(ids.HOME_PREVIOUS, "shelf", 1), (ids.HOME_NEXT, "shelf", 3)} <= lists
    assert {(ids.HOME_PREVIOUS, "mine", 1), (ids.HOME_NEXT, "mine", 3)} <= lists
    assert {(ids.HOME_PREVIOUS, "review", 1), (ids.HOME_NEXT, "review", 3)} <= lists


def test_each_miss_files_a_request_or_opens_the_one_filed():
    view = home_view(model(reviewer=True))
    misses = [b for b in view["blocks"] if b["type"] == "section" and " miss " in b["text"]["text"]]
    assert len(misses) == 10  # of 25: this week's top ten
    for block in misses:
        action = block["accessory"]["action_id"]
        if "requested as #3" in block["text"]["text"]:
            assert action == ids.HOME_REQUEST and block["accessory"]["value"] == "3"
        else:
            assert action == ids.REQUEST_TERM and "not requested yet" in block["text"]["text"]
            assert json.loads(block["accessory"]["value"])["t"].startswith("<!channel> &")


def test_a_category_menu_value_reads_back_as_the_category_and_carries_no_mention():
    name = EVIL + " category"
    value = category_value(name)
    assert "<" not in value and category_from_value(value) == name
    assert category_from_value(category_value("R&D &lt; literally")) == "R&D &lt; literally"


def test_an_empty_home_for_someone_new_is_valid_and_says_what_to_do():
    empty = HomeModel(
        framing=None,
        role=None,
        roles=list(ROLES.values()),
        categories=[],
        role_counts=[],
        shelf=None,
        shelf_page=None,
        recent=Recent((), "", 0),
        requests=page_of([], 1),
        reviewer=ReviewerPart(page_of([], 1), ()),
    )
    view = home_view(empty)
    assert_valid_view(view)
    shown = texts(view)
    assert "Pick a category" in shown and "None yet" in shown and "No misses recorded" in shown


def test_browse_index_lists_every_bundled_category_and_role_with_counts(bundled_glossary):
    terms = bundled_glossary.terms.values()
    message = browse_index(categories(terms), roles_with_counts(terms, ROLES))
    assert_valid_message(message)
    shown = texts(message)
    assert "Governance &amp; Risk · " in shown and "Legal &amp; Compliance (`legal`) · " in shown


def test_every_page_of_every_bundled_shelf_is_valid(bundled_glossary):
    terms = list(bundled_glossary.terms.values())
    shelves = [Shelf(ShelfKind.CATEGORY, c, c) for c, _ in categories(terms)] + [role_shelf(r) for r in ROLES.values()]
    for shelf in shelves:
        listed = shelf_terms(terms, shelf, {})
        first = page_of(listed, 1)
        for number in range(1, first.pages + 1):
            message = shelf_message(shelf, page_of(listed, number))
            assert_valid_message(message)
            assert_no_injection(message["blocks"])


def test_a_shelf_page_has_an_open_button_per_term_and_previous_and_next_in_place():
    shelf = role_shelf(ROLES["legal"])
    message = shelf_message(shelf, page_of(TERMS, 2))
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    opens = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert len(opens) == 10 and all(ids.OPEN_TERM_PATTERN.match(b["action_id"]) for b in opens)
    [nav] = [b for b in message["blocks"] if b["type"] == "actions"]
    values = {e["action_id"]: json.loads(e.get("value", "{}")) for e in nav["elements"]}
    assert values[ids.BROWSE_PREVIOUS] == {"k": "role", "v": "legal", "p": 1}
    assert values[ids.BROWSE_NEXT] == {"k": "role", "v": "legal", "p": 3}
    assert ids.BROWSE_INDEX in values
    last = shelf_message(shelf, page_of(TERMS, 99))
    assert ids.BROWSE_NEXT not in json.dumps(last["blocks"]) and "page 24 of 24" in last["blocks"][0]["text"]["text"]


def test_the_home_modals_are_valid(bundled_glossary):
    term = bundled_glossary.get("fine-tuning")
    card = build_card(
        bundled_glossary, term, framing=None, preferred=None, role=ROLES["legal"], expanded=True, attribution="x"
    )
    modal = term_modal(card)
    assert_valid_view(modal)
    assert all(b["type"] != "actions" for b in modal["blocks"])  # card buttons answer in messages, not here
    assert_valid_view(notice_modal("That request no longer exists."))
    history = [
        {"actor": "UASKER01", "action": "filed", "to_status": "open", "note": "new", "at": NOW},
        {"actor": "UREVIEW01", "action": "assigned", "to_status": "open", "note": "UREVIEW01", "at": NOW},
        {"actor": "glossary", "action": "status", "to_status": "published", "note": EVIL, "at": NOW},
    ] * 10
    view = detail_view(request(5), history, viewer="UREVIEW01", reviewer=True, term_name=EVIL)
    assert_valid_view(view)
    assert_no_injection(view["blocks"], allowed_mentions=("<@UASKER01>", "<@UREVIEW01>"))
    shown = texts(view)
    assert shown.count("filed it") == 10 and "to Published" in shown and "triage:" not in shown
