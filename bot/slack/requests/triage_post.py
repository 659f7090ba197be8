"""The requests-channel post reviewers act on: what was asked, by whom, and the moves allowed next."""

from __future__ import annotations

from ...state.pulls import PullRecord
from ...term_requests.rules import AUDIENCES, URGENCIES, TermRequest, allowed_moves
from ...term_requests.similar import Similar
from ..kit import ids
from ..kit.blocks import actions, button, context, link, mention, mention_owner, plain, safe, section, truncate

TRIAGE_LABELS = {
    "assign": "Assign to me", "open": "Reopen", "drafting": "Start drafting", "in_review": "In review",
    "published": "Published…", "declined": "Decline…", "duplicate": "Duplicate of…",
}  # fmt: skip


def triage_message(
    request: TermRequest,
    term_name: str | None = None,
    owners: tuple[str, ...] = (),
    similar: Similar | None = None,
    pull: PullRecord | None = None,
    pulls_on: bool = False,
) -> dict:
    """The requests-channel post reviewers act on; redrawn in place at every change. `owners` (the term's
    and its categories' owners, from the owners file) are mentioned so that they see it. `similar`: the open
    requests and the glossary terms this one may repeat, for the reviewer to judge (nothing is merged); `pull`
    is the request's pull request, and `pulls_on` offers "Open a pull request" when there is none open."""
    who = "Anonymous" if request.anonymous else mention(request.requester)
    kind = "Change to an existing term" if request.kind == "change" else "New term"
    title = f"#{request.id} {request.term}"
    fields = [
        f"*Status*\n{request.label}",
        f"*Votes*\n{request.votes}",
        f"*Kind*\n{kind}",
        f"*Urgency*\n{URGENCIES.get(request.urgency, 'Not given')}",
        f"*Audience*\n{', '.join(AUDIENCES.get(a, a) for a in request.audiences) or 'Not given'}",
        f"*Requested by*\n{who}",
        f"*Reviewer*\n{mention(request.reviewer) if request.reviewer else 'Unassigned'}",
    ]
    if term_name:
        fields.append(f"*Term*\n{safe(term_name, 200)}")
    blocks = [
        {"type": "header", "text": plain(title, 150)},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f, "verbatim": True} for f in fields[:10]]},
        section("*Why it matters*\n" + safe(request.why, 2900)),
    ]
    if request.seen_where.strip():
        blocks.append(section("*Where they saw it*\n" + safe(request.seen_where, 2900)))
    if request.aliases.strip():
        blocks.append(section("*Other names*\n" + safe(request.aliases, 2900)))
    if request.links:
        blocks.append(section(truncate("*Links*\n" + "\n".join(link(u, u) for u in request.links[:20]), 3000)))
    if owners:
        blocks.append(section("*Owners*\n" + " ".join(mention_owner(o) for o in owners[:20])))
    if request.resolution:
        blocks.append(section("*Resolution*\n" + safe(request.resolution, 2900)))
    if similar:
        blocks.append(context(*likely_duplicates(similar)))
    if pull is not None:
        where = link(pull.url, f"#{pull.number}") if pull.url and pull.number else f"`{safe(pull.branch, 200)}`"
        blocks.append(section(f"*Pull request*\n{where}: {pull.label}"))
    blocks.append(context(f"Filed {request.created_at:%Y-%m-%d} · answer due by {request.due_date:%Y-%m-%d}"))
    buttons = [
        button(TRIAGE_LABELS[op], ids.triage_id(op), str(request.id))
        for op in ("assign", *allowed_moves(request.status))
        if op != "assign" or request.active
    ]
    if pulls_on and request.active and (pull is None or pull.state == "failed"):  # one per request: its branch
        buttons.append(button("Open a pull request", ids.OPEN_PULL, str(request.id)))
    if buttons:
        blocks.append(actions(*buttons))
    return {"text": safe(f"Term request #{request.id}: {request.term} ({request.label})", 2000), "blocks": blocks}


def likely_duplicates(similar: Similar) -> list[str]:
    """ "Possibly the same as: #12 vibe coding" and "The glossary has: *hallucination*", escaped."""
    lines = []
    if similar.requests:
        lines.append("Possibly the same as: " + ", ".join(f"#{r.id} {safe(r.term, 100)}" for r in similar.requests))
    if similar.terms:
        lines.append("The glossary has: " + ", ".join(f"*{safe(t.term, 100)}*" for t in similar.terms))
    return lines
