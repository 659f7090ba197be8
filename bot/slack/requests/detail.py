"""`/define request N`: one request with everything it says and its history, privately to who asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...term_requests.rules import AUDIENCES, REQUEST_STATUS_LABELS, URGENCIES, RequestStatus, TermRequest
from ..kit.blocks import context, escape, mention, safe, section, truncate

MAX_BLOCKS = 50
SECTION = 2900


def request_detail(request: TermRequest, history: list[dict[str, Any]], *, viewer: str, reviewer: bool) -> dict:
    """Reviewers see who did what; the requester sees their own request with other people's votes counted,
    not named. An anonymous requester stays anonymous here too."""
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
    if r.resolution:
        facts.append(f"*Answer:* {safe(r.resolution, 900)}")
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
    if r.anonymous:
        return "someone (anonymous)"
    return mention(r.requester) if r.requester[:1] in "UW" else escape(r.requester)


def _event(e: dict[str, Any], r: TermRequest, viewer: str, reviewer: bool) -> str:
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
