"""The custom steps: each completes with its outputs, or fails with one line that says what to fix.

Bolt acks function_executed and hands each listener a client holding the step's own short-lived token (the
workflow token, valid while the step runs): complete() and fail() use it. Anything sent after the step has
ended (the starter pack's DM) is an outbox letter, sent with the app's bot token by the delivery worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Complete, Fail

from ...answers.browse import role_shelf
from ...glossary.roles import find_role
from ...runtime import Runtime
from ...state.outbox import is_slack_user
from ...term_requests.rules import RequestForm, validate
from ..browse.replies import shelf_reply
from ..kit import ids
from ..kit.deps import Listener, deps_of
from ..outbox.notify import dm
from . import outputs

log = logging.getLogger(__name__)
SORRY = "The glossary bot could not finish this step; it has been logged. Try again, or ask the glossary owners."


class StepProblem(ValueError):
    """Bad input to a step: its message, one line, is what the workflow shows."""


def _text(inputs: dict[str, Any], name: str, label: str) -> str:
    value = str(inputs.get(name) or "").strip()
    if not value:
        raise StepProblem(f"'{label}' is empty: give this step some text (a variable from an earlier step works).")
    return value


def _person(inputs: dict[str, Any], name: str, label: str) -> str:
    user = str(inputs.get(name) or "")
    if not is_slack_user(user):
        raise StepProblem(f"'{label}' must be a person in this workspace, not {user[:40]!r}.")
    return user


def _run(work: Callable[[Runtime], dict[str, Any]], context: BoltContext, complete: Complete, fail: Fail) -> None:
    try:
        result = work(deps_of(context).runtime)
    except StepProblem as problem:
        fail(error=str(problem))
        return
    except Exception:
        log.exception("a workflow step failed")
        fail(error=SORRY)
        return
    complete(outputs=result)


def look_up_term(inputs: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail) -> None:
    def work(runtime: Runtime) -> dict[str, Any]:
        text = _text(inputs, "text", "Term or question")
        user = str(inputs.get("user") or "")
        answer = runtime.ask(user if is_slack_user(user) else "", text)
        runtime.record_lookup("workflow", answer.asked or text, answer.result)
        if answer.card is None:
            close = ", ".join(m.term.term for m in answer.result.matches[:3])
            hint = f" Closest: {close}." if close else ""
            raise StepProblem(f"No glossary term matches {text[:100]!r}.{hint} 'File a term request' can ask for it.")
        site = runtime.settings.glossary_url
        link = f"{site.rstrip('/')}/terms/{answer.card.term.slug}/" if site else ""
        return outputs.look_up(answer.card, link)

    _run(work, context, complete, fail)


def explain_text(inputs: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail) -> None:
    def work(runtime: Runtime) -> dict[str, Any]:
        text = _text(inputs, "text", "Text")
        user = str(inputs.get("user") or "")
        explained = runtime.explain(user if is_slack_user(user) else "", text)
        return outputs.explained(explained.found, explained.framing)

    _run(work, context, complete, fail)


def file_term_request(inputs: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail) -> None:
    def work(runtime: Runtime) -> dict[str, Any]:
        requester = _person(inputs, "requester", "Requested by")
        form = RequestForm(term=str(inputs.get("term") or ""), why=str(inputs.get("why") or ""))
        errors = validate(form, runtime.glossary)
        if errors:
            raise StepProblem(" ".join(errors.values()))
        filed = runtime.requests.file(form, requester, confirm=True)
        return {"request_number": filed.request.id, "status": str(filed.request.status), "created": filed.created}

    _run(work, context, complete, fail)


def send_starter_pack(inputs: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail) -> None:
    def work(runtime: Runtime) -> dict[str, Any]:
        person = _person(inputs, "person", "Send to")
        wanted = _text(inputs, "role", "Role")
        role = find_role(runtime.roles, wanted)
        if role is None:
            known = ", ".join(runtime.roles)
            raise StepProblem(f"No role is called {wanted[:60]!r}: use one of {known}.")
        message = shelf_reply(runtime, role_shelf(role), 1)
        dm(runtime.outbox, person, message)  # sent after the step ends, with the bot token (the outbox's)
        count = sum(1 for t in runtime.glossary.terms.values() if role.key in t.roles)
        return {"role": role.name, "term_count": count}

    _run(work, context, complete, fail)


LISTENERS: list[Listener] = [
    ("function", ids.STEP_LOOK_UP, look_up_term),
    ("function", ids.STEP_EXPLAIN, explain_text),
    ("function", ids.STEP_REQUEST, file_term_request),
    ("function", ids.STEP_STARTER_PACK, send_starter_pack),
]
