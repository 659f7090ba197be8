"""The request listeners as plain functions: their tables cover every request id, and handlers only translate."""

from __future__ import annotations

import pytest
from blockkit import assert_valid_view
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.config import Settings
from bot.glossary.live import LiveGlossary
from bot.glossary.roles import load_roles
from bot.runtime import Runtime
from bot.slack.feedback import handlers as feedback
from bot.slack.kit import ids
from bot.slack.kit.deps import Deps
from bot.slack.kit.reviewers import Reviewers
from bot.slack.requests import filing, pulls, triage
from bot.slack.requests.form import FIELD_BLOCKS, field_errors, form_from_view, request_modal
from bot.slack.requests.triage_forms import duplicate_pick, modal_for, request_of
from bot.state.store import Store
from bot.term_requests.rules import RequestForm


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **kw) -> None:
        self.calls.append(kw)


@pytest.fixture
def deps(tmp_path):
    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path, reviewers=("UREV",))
    store = Store(settings.state_url)
    runtime = Runtime(settings, LiveGlossary(BUNDLED_TERMS, settings.glossary_db), store, load_roles(BUNDLED_ROLES))
    yield Deps(runtime, Reviewers(None, settings.reviewers))  # type: ignore[arg-type]  # no group lookups
    store.close()


def test_the_tables_register_every_request_id():
    # a 👎 files a change request too; "Open a pull request" and its modal are the requests' own (pulls.py)
    rows = filing.LISTENERS + triage.LISTENERS + feedback.LISTENERS + pulls.LISTENERS
    assert {listener_id for _, listener_id, _ in rows} == {
        ids.OPEN_PULL,
        ids.REQUEST_TERM_PATTERN,  # request_term, and request_term:N on a card's related names
        ids.FEEDBACK_HELPFUL,
        ids.FEEDBACK_UNHELPFUL,
        ids.SUGGEST_CHANGE,
        ids.TRIAGE_PATTERN,
        ids.REQUEST_SHORTCUT,
        *(v for v in ids.VIEWS if v != ids.SETTINGS_VIEW),  # the Home's settings modal is home/settings.py's
        *ids.OPTIONS,
    }
    assert all(callable(handler) and kind in {"action", "view", "options", "shortcut"} for kind, _, handler in rows)


def test_the_form_reads_back_what_the_modal_offers():
    modal = request_modal(term="vibe coding", kind="change", slug="fine-tuning", term_name="fine-tuning")
    assert_valid_view(modal)
    input_blocks = {b["block_id"] for b in modal["blocks"] if b["type"] == "input"}
    assert set(FIELD_BLOCKS.values()) <= input_blocks
    view = {
        "private_metadata": modal["private_metadata"],
        "state": {"values": {
            ids.REQ_TERM: {ids.INPUT: {"value": "vibe coding"}},
            ids.REQ_WHY: {ids.INPUT: {"value": "because"}},
            ids.REQ_AUDIENCE: {ids.INPUT: {"selected_options": [{"value": "legal"}]}},
            ids.REQ_URGENCY: {ids.INPUT: {"selected_option": {"value": "now"}}},
            ids.REQ_LINKS: {ids.INPUT: {"value": "https://a.example\nhttps://b.example"}},
            ids.REQ_ANONYMOUS: {ids.INPUT: {"selected_options": [{"value": "anonymous"}]}},
        }},
    }  # fmt: skip
    assert form_from_view(view) == RequestForm(
        term="vibe coding",
        why="because",
        kind="change",
        audiences=("legal",),
        urgency="now",
        links=("https://a.example", "https://b.example"),
        anonymous=True,
        linked_slug="fine-tuning",
    )
    assert field_errors({"term": "Write the term.", "links": "Bad."}) == {
        ids.REQ_TERM: "Write the term.",
        ids.REQ_LINKS: "Bad.",
    }


def test_triage_modals_carry_the_request_they_are_about(deps):
    request = deps.runtime.requests.file(RequestForm(term="vibe coding", why="x"), "U1").request
    for operation, callback in (("declined", ids.DECLINE_VIEW), ("duplicate", ids.DUPLICATE_VIEW)):
        modal = modal_for(operation, request)
        assert modal is not None and modal["callback_id"] == callback and request_of(modal) == request.id
    assert modal_for("drafting", request) is None
    picked = {"state": {"values": {ids.DUPLICATE_TARGET: {ids.INPUT: {"selected_option": {"value": "request:12"}}}}}}
    assert duplicate_pick(picked) == (12, None)


def test_the_duplicate_picker_does_not_offer_the_request_being_triaged(deps):
    book = deps.runtime.requests
    first = book.file(RequestForm(term="vibe coding", why="x"), "U1").request
    second = book.file(RequestForm(term="vibe coding tools", why="x"), "U2").request
    ack = Recorder()
    payload = {"value": "vibe", "view": {"private_metadata": f'{{"r": {second.id}}}'}}
    triage.target_options(ack=ack, payload=payload, context={"deps": deps})
    [groups] = [c["option_groups"] for c in ack.calls]
    assert [o["value"] for o in groups[0]["options"]] == [f"request:{first.id}"]


def test_a_decline_without_a_reason_is_refused_by_the_core_on_its_field(deps):
    request = deps.runtime.requests.file(RequestForm(term="vibe coding", why="x"), "U1").request
    view = {
        "private_metadata": f'{{"r": {request.id}}}',
        "blocks": [{"type": "input", "block_id": ids.DECLINE_REASON}],
        "state": {"values": {ids.DECLINE_REASON: {ids.INPUT: {"value": "  "}}}},
    }
    ack = Recorder()
    triage.decline(ack=ack, body={"user": {"id": "UREV"}, "view": view}, view=view, context={"deps": deps})
    assert ack.calls == [{"response_action": "errors", "errors": {ids.DECLINE_REASON: "Give the requester a reason."}}]
    ack = Recorder()
    triage.decline(ack=ack, body={"user": {"id": "UNOBODY"}, "view": view}, view=view, context={"deps": deps})
    assert "Only glossary reviewers" in ack.calls[0]["errors"][ids.DECLINE_REASON]
    assert deps.runtime.requests.get(request.id).status == "open"
