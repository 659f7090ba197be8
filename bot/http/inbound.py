"""What a request to /slack/events must be before Bolt sees it: small, signed, and shaped like Slack's.

Bolt parses a body before it checks the signature, so unsigned garbage used to reach its JSON parser and
come back as a 500 with a traceback (and a forged 10 MB body went to the log). Here the order is: size
(413 before reading it all), signature and timestamp (401), then shape (400). A refusal is one log line
with the reason and the size, never the body.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

MAX_BODY = 1_000_000  # Slack's payloads are a few kilobytes; a big modal is well under 100 KB
MAX_SKEW_SECONDS = 300  # Slack's own rule: a request signed more than 5 minutes away is a replay
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
_READ_CHUNK = 64 * 1024


class Refused(Exception):
    """The request is not one to hand to Bolt; `status` is the HTTP answer, `reason` the log line's words."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_body(environ: Mapping[str, Any], limit: int = MAX_BODY) -> bytes:
    """The whole body, or Refused(413) as soon as it is known to be over `limit` (from Content-Length, or
    while reading a chunked one), or Refused(400) for a Content-Length that is not a number."""
    declared = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if declared:
        if not declared.isascii() or not declared.isdigit():
            raise Refused(400, "Content-Length is not a number")
        size = int(declared)
        if size > limit:
            raise Refused(413, f"body of {size} bytes is over the {limit}-byte limit")
        return stream.read(size) if stream is not None and size else b""
    if stream is None or not environ.get("wsgi.input_terminated"):
        return b""  # no length and no server-terminated stream: there is no body to read
    parts, total = [], 0
    while chunk := stream.read(_READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise Refused(413, f"chunked body over the {limit}-byte limit")
        parts.append(chunk)
    return b"".join(parts)


def check_signature(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> str:
    """The body as text when Slack signed it within the last five minutes; Refused(401) otherwise."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    if not timestamp or not signature:
        raise Refused(401, "no Slack signature")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refused(401, "X-Slack-Request-Timestamp is not a number")
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        raise Refused(401, "timestamp more than 5 minutes away (a replay?)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(401, "body is not UTF-8, so it cannot carry a valid signature") from None
    expected = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=text) or ""
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise Refused(401, "bad signature")
    return text


def check_shape(text: str, content_type: str | None) -> dict[str, Any]:
    """The body parsed the way Bolt parses it, or Refused(400) when it is not a Slack payload."""
    try:
        body = parse_body(text, content_type)
    except ValueError:
        raise Refused(400, "body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "body is not a JSON object")
    problem = _shape_problem(body)
    if problem:
        raise Refused(400, problem)
    return body


def _shape_problem(body: dict[str, Any]) -> str:
    """What Bolt itself reads without checking: fields that must be objects, lists or strings if present."""
    for name in ("user", "team", "enterprise", "channel", "view", "event", "container", "message", "authorizations"):
        value = body.get(name)
        if value is not None and not isinstance(value, list if name == "authorizations" else dict):
            return f"field {name!r} has the wrong type"
    for name in ("type", "event_id", "command", "callback_id", "trigger_id", "response_url", "api_app_id"):
        if body.get(name) is not None and not isinstance(body[name], str):
            return f"field {name!r} is not a string"
    actions = body.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    ):
        return "actions are not a list of actions"
    if not all(isinstance(a, dict) for a in body.get("authorizations") or []):
        return "authorizations are not objects"
    event = body.get("event")
    if isinstance(event, dict):
        problem = _event_problem(event)
        if problem:
            return problem
    view = body.get("view")
    if isinstance(view, dict) and not _view_ok(view):
        return "view is malformed"
    return ""


_EVENT_TEXT_FIELDS = ("type", "user", "text", "channel", "ts", "thread_ts", "channel_type", "subtype", "bot_id")


def _event_problem(event: dict[str, Any]) -> str:
    for name in _EVENT_TEXT_FIELDS:
        if event.get(name) is not None and not isinstance(event[name], str):
            return f"event field {name!r} is not a string"
    if event.get("type") in ("app_mention", "message") and not (event.get("channel") and event.get("ts")):
        return "a message event without its channel or ts"  # Slack always sends both; replies need them
    return ""


def _view_ok(view: dict[str, Any]) -> bool:
    if not all(isinstance(view.get(k, ""), str) for k in ("callback_id", "private_metadata", "id", "type")):
        return False
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, dict) else None
    return isinstance(values, dict) and all(
        isinstance(block, dict) and all(isinstance(element, dict) for element in block.values())
        for block in values.values()
    )
