"""/define lookups run on the request thread (no ack poll); every other listener keeps Bolt's pool."""

from __future__ import annotations

import threading

from bot.slack.kit.inline import InlineExecutor, answer_inline
from bot.slack.router import answers_in_ack


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
