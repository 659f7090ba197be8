"""/define lookups, and the forms and menus answered in their ack, run on the request thread (no ack poll, no
3 s cut-off); every other listener keeps Bolt's pool."""

from __future__ import annotations

import json
import threading

import pytest
from adversarial import build_app, call, no_errors_logged
from e2e.harness import TEAM, FakeSlack, interaction_body, view_submission

from bot.slack import app as app_module
from bot.slack.app import runs_inline
from bot.slack.kit import ids
from bot.slack.kit.inline import InlineExecutor, answer_inline
from bot.slack.requests import triage as triage_module
from bot.slack.router import answers_in_ack
from bot.term_requests.rules import RequestForm


def run_middleware(executor, body, before=None):
    passed = []
    mark = answer_inline(executor, answers_in_ack, before=before)
    returned = mark(body=body, context={}, next=lambda: passed.append(True))
    return returned, passed


def where_it_ran(executor) -> str:
    return executor.submit(lambda: threading.current_thread().name).result(timeout=5)


def test_a_define_lookup_runs_on_the_request_thread_and_only_once():
    executor = InlineExecutor()
    here = threading.current_thread().name
    _, passed = run_middleware(executor, {"command": "/define", "text": "rag"})
    assert passed == [True]
    assert where_it_ran(executor) == here  # the listener
    assert where_it_ran(executor) != here  # anything after it (a lazy listener) goes to the pool
    executor.shutdown()


def test_other_requests_and_the_request_form_keep_the_pool():
    executor = InlineExecutor()
    here = threading.current_thread().name
    for body in (
        {"command": "/define", "text": "request vector database"},  # opens a modal: a Web API call
        {"type": "block_actions", "actions": []},
        {"type": "event_callback", "event": {"type": "app_mention"}},
    ):
        run_middleware(executor, body)
        assert where_it_ran(executor) != here, body
    executor.shutdown()


def test_a_request_stopped_before_the_listener_leaves_no_inline_mark():
    executor = InlineExecutor()
    run_middleware(executor, {"command": "/define", "text": "rag"})  # marked, but suppose no listener ran
    stopped, passed = run_middleware(executor, {"command": "/define", "text": "rag"}, before=lambda b, c: "done")
    assert stopped == "done" and passed == []
    assert where_it_ran(executor) != threading.current_thread().name
    executor.shutdown()


def test_an_error_in_an_inline_listener_is_in_its_future():
    executor = InlineExecutor()
    run_middleware(executor, {"command": "/define", "text": "rag"})
    future = executor.submit(lambda: 1 / 0)
    assert isinstance(future.exception(), ZeroDivisionError)
    executor.shutdown()


@pytest.mark.parametrize(
    ("body", "inline"),
    [
        ({"type": "view_submission", "view": {"callback_id": ids.PUBLISHED_VIEW}}, True),
        ({"type": "view_submission", "view": {"callback_id": ids.SETTINGS_VIEW}}, True),
        ({"type": "view_submission", "view": None}, True),  # no listener: Bolt's 404 at once, on either path
        ({"type": "block_suggestion", "action_id": ids.PICK_TERM}, True),
        ({"command": "/define", "text": "rag"}, True),
        ({"type": "block_actions", "actions": []}, False),  # acks first, then calls Slack: the pool
        ({"type": "view_closed", "view": {"callback_id": ids.PUBLISHED_VIEW}}, False),
        ({"type": "shortcut", "callback_id": ids.REQUEST_SHORTCUT}, False),
    ],
)
def test_which_requests_run_inline(body, inline):
    assert runs_inline(body) is inline


@pytest.fixture
def impatient_app(tmp_path, monkeypatch):
    """The server's setting (listeners on the pool unless marked), with Bolt's wait for an ack cut from 3 s to
    nothing: what a request sees when the machine stalls for longer than Slack waits. `inline=False` is the app
    as it was, every form on the pool."""
    made = []

    def make(inline: bool = True):
        if not inline:
            monkeypatch.setattr(app_module, "runs_inline", answers_in_ack)
        fake = FakeSlack().start()
        wsgi = build_app(tmp_path / str(len(made)), fake.api_url, process_before_response=False, slack_team_id=TEAM)
        for listener in wsgi.app._listeners:
            listener.ack_timeout = 0
        made.append((wsgi, fake))
        return wsgi

    yield make
    for wsgi, fake in made:
        wsgi.app._listener_runner.listener_executor.shutdown(wait=True)  # a dropped listener ends before the store
        wsgi.runtime.store.close()
        fake.stop()


def publish_by_hand(app) -> tuple[int, object]:
    filed = app.runtime.requests.file(RequestForm(term="prompt golf", why="it keeps coming up"), "UASKER01")
    payload = view_submission(
        ids.PUBLISHED_VIEW,
        {ids.PUBLISHED_TERM: {"value": {"type": "external_select", "selected_option": {"value": "fine-tuning"}}}},
        user="UREVIEW01",
        private_metadata=json.dumps({"r": filed.request.id}),
        blocks=[{"type": "input", "block_id": ids.PUBLISHED_TERM}],
    )
    return filed.request.id, call(app, interaction_body(payload))


def test_a_triage_form_is_answered_however_long_its_work_takes(impatient_app):
    """It failed on a loaded CI run: the publish took over 3 s, Bolt dropped the ack and Slack got a 404."""
    app = impatient_app()
    with no_errors_logged():
        number, answer = publish_by_hand(app)
    assert answer.status == 200 and not answer.body, answer  # a plain ack: the modal closes
    assert app.runtime.requests.get(number).status.value == "published"


def test_on_the_pool_the_same_stall_drops_the_answer(impatient_app, monkeypatch):
    """The control: with forms on the pool, as before, the same stall is a 404, so the test above can fail. The
    listener is held until the reply is back, so a pool thread that happened to run first cannot ack in time."""
    app = impatient_app(inline=False)
    released = threading.Event()
    check = triage_module._may_triage
    monkeypatch.setattr(triage_module, "_may_triage", lambda *args: released.wait(10) and check(*args))
    _, answer = publish_by_hand(app)
    released.set()
    assert answer.status == 404, answer
