"""One request with everything it says and its history: the one renderer for every surface, `/define request N`
(a private message) and the Home (a modal), each read through the core's may_read, so the same person reads
the same request, and sees the same names, wherever they open it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...runtime import Runtime
from ...state.pulls import PullRecord
from ...term_requests.rules import (
    AUDIENCES,
    REQUEST_STATUS_LABELS,
    URGENCIES,
    RequestStatus,
    TermRequest,
    may_read,
    may_see_requester,
)
from ..kit.blocks import context, escape, link, mention, plain, safe, section, truncate
from ..kit.inputs import MODAL_TITLE
from ..kit.messages import notice, notice_modal

MAX_BLOCKS = 50
SECTION = 2900
NOT_YOURS = (
    "Request #{n} is not one you filed or voted for. `/define my requests` lists yours; glossary reviewers can open "
    "any request."
)
GONE = "That request no longer exists."  # a button whose value is no request number at all
ON_ITS_POST = "Reviewers move it from its post in the requests channel."


def detail_message(runtime: Runtime, user_id: str, number: int | None, *, reviewer: bool) -> dict:
    """`/define request N`, privately to who asked."""
    found = _readable(runtime, user_id, number, reviewer=reviewer)
    return notice(found) if isinstance(found, str) else _detail(runtime, found, user_id, reviewer)


def detail_modal(runtime: Runtime, user_id: str, number: int | None, *, reviewer: bool) -> dict:
    """A request opened from the Home, in a modal."""
    found = _readable(runtime, user_id, number, reviewer=reviewer)
    if isinstance(found, str):
        return notice_modal(found)
    history = runtime.requests.history(found.id)
    pull = runtime.pulls.ledger.for_request(found.id)
    return detail_view(
        found, history, viewer=user_id, reviewer=reviewer, term_name=_term_name(runtime, found), pull=pull
    )


def detail_view(
    request: TermRequest,
    history: Sequence[Mapping[str, Any]],
    *,
    viewer: str,
    reviewer: bool,
    term_name: str | None = None,
    pull: PullRecord | None = None,
) -> dict:
    """request_detail as a read-only modal. The triage buttons stay on the requests-channel post, where each move
    redraws it for every reviewer."""
    blocks = request_detail(request, history, viewer=viewer, reviewer=reviewer, term_name=term_name, pull=pull)[
        "blocks"
    ]
    if request.channel_id and request.message_ts:
        blocks.append(context(ON_ITS_POST))
    return {
        "type": "modal",
        "title": plain("Term request", MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": blocks,
    }


def _readable(runtime: Runtime, user_id: str, number: int | None, *, reviewer: bool) -> TermRequest | str:
    """The request, if this person may read it; else what they are told instead. To anyone but a reviewer an
    unknown number and somebody else's request read the same, so nobody learns what others asked for."""
    if number is None:
        return GONE
    try:
        request = runtime.requests.get(number)
    except LookupError:
        return f"There is no request #{number}." if reviewer else NOT_YOURS.format(n=number)
    if not may_read(request, user_id, reviewer=reviewer):
        return NOT_YOURS.format(n=number)
    return request


def _detail(runtime: Runtime, request: TermRequest, user_id: str, reviewer: bool) -> dict:
    history = runtime.requests.history(request.id)
    pull = runtime.pulls.ledger.for_request(request.id)
    term_name = _term_name(runtime, request)
    return request_detail(request, history, viewer=user_id, reviewer=reviewer, term_name=term_name, pull=pull)


def _term_name(runtime: Runtime, request: TermRequest) -> str | None:
    linked = runtime.glossary.get(request.linked_slug) if request.linked_slug else None
    return linked.term if linked else None


def request_detail(
    request: TermRequest,
    history: Sequence[Mapping[str, Any]],
    *,
    viewer: str,
    reviewer: bool,
    term_name: str | None = None,
    pull: PullRecord | None = None,
) -> dict:
    """Reviewers see who did what; anyone else sees their own part, with other people's votes counted, not
    named. An anonymous requester stays anonymous to everyone but themselves (may_see_requester). `term_name`:
    the glossary term the request is linked to (the one to change, or the one it was published as)."""
    r = request
    head = (
        f"*Request #{r.id}: {safe(r.term, 200)}* · {'change' if r.kind == 'change' else 'new term'} · "
        f"{r.label} · {r.votes} vote{'s' if r.votes != 1 else ''}"
    )
    facts = [f"*Filed by:* {_requester(r, viewer, reviewer)} on {r.created_at:%-d %B %Y}"]
    if r.reviewer:
        facts.append(f"*Reviewer:* {mention(r.reviewer)}")
    for label, value in (("Why", r.why), ("Seen in", r.seen_where), ("Also called", r.aliases)):
        if value.strip():
            facts.append(f"*{label}:* {safe(value, 900)}")
    if r.audiences:
        facts.append("*For:* " + ", ".join(escape(AUDIENCES.get(a, a)) for a in r.audiences))
    if r.urgency in URGENCIES:
        facts.append(f"*How soon:* {URGENCIES[r.urgency]}")
    if r.links:
        facts.append("*Links:* " + " ".join(safe(x, 300) for x in r.links[:10]))
    if term_name:
        facts.append(f"*Term:* {safe(term_name, 200)}")
    if r.resolution:
        facts.append(f"*Answer:* {safe(r.resolution, 900)}")
    if pull is not None:  # the pull request it became, and where it stands (bot/pulls)
        where = link(pull.url, f"#{pull.number}") if pull.url and pull.number else "being opened"
        facts.append(f"*Pull request:* {where}, {pull.label}")
    blocks = [section(head), section(truncate("\n".join(facts), SECTION))]
    lines = [_event(e, r, viewer, reviewer) for e in history]
    blocks.append(section("*History*"))
    blocks += _chunks([line for line in lines if line], MAX_BLOCKS - len(blocks) - 1)
    return {"text": f"Request #{r.id}: {safe(r.term, 200)}", "blocks": blocks}


def _who(actor: str, r: TermRequest, viewer: str, reviewer: bool) -> str:
    if actor == r.requester:
        return _requester(r, viewer, reviewer)
    if actor == "glossary":
        return "the glossary"
    if actor.startswith("mcp:"):
        return escape(actor)
    return mention(actor) if reviewer or actor == viewer else "a reviewer"


def _requester(r: TermRequest, viewer: str, reviewer: bool) -> str:
    if r.requester == viewer:
        return "you"
    if not may_see_requester(r, viewer):
        return "someone (anonymous)"
    return mention(r.requester) if r.requester[:1] in "UW" else escape(r.requester)


def _event(e: Mapping[str, Any], r: TermRequest, viewer: str, reviewer: bool) -> str:
    actor, action, note = e["actor"], e["action"], e.get("note") or ""
    when = _date(e["at"])
    if action == "voted":
        if actor == r.requester:
            return ""  # filing counts the requester's own vote; "filed" says it
        who = mention(actor) if reviewer or actor == viewer else "someone"
        return f"{when} · {who} voted"
    who = _who(actor, r, viewer, reviewer)
    if action == "filed":
        return f"{when} · {who} filed it"
    if action == "assigned":
        return f"{when} · {who} assigned it to {mention(note)}"
    if action == "status":
        before = _status(e.get("from_status"))
        after = _status(e.get("to_status"))
        said = f" ({safe(note, 600)})" if note else ""
        return f"{when} · {who} moved it from {before} to {after}{said}"
    return f"{when} · {who} {escape(action)}"


def _status(value: str | None) -> str:
    try:
        return REQUEST_STATUS_LABELS[RequestStatus(value or "")]
    except ValueError:
        return escape(value or "?")


def _date(at: dt.datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M}"


def _chunks(lines: list[str], room: int) -> list[dict]:
    """Sections of at most SECTION characters; what does not fit in `room` blocks is counted, not dropped silently."""
    if not lines:
        return [context("Nothing recorded yet.")]
    blocks: list[dict] = []
    chunk: list[str] = []
    for i, line in enumerate(lines):
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION:
            if len(blocks) == room - 1:
                blocks.append(context(f"…and {len(lines) - i} more entries. `requests export --history` has all."))
                return blocks
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    return blocks
