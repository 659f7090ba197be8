"""Term requests as Block Kit messages: the confirmation after filing, lists of requests, and the DMs
people get when their request closes. The triage post is in triage_post.py,
the modals in form.py and triage_forms.py."""

from __future__ import annotations

import datetime as dt

from ...term_requests.rules import URGENCIES, TermRequest
from ...workspaces.settings import Effective
from ..cards.results import request_button
from ..kit.blocks import actions, channel_link, context, escape, mention_owner, plain, safe, section
from ..kit.inputs import MODAL_TITLE

MAX_LISTED = 25
NOT_POSTED = ":warning: not in the requests channel: its post failed (`python -m bot outbox --retry` resends it)"


UNREVIEWED = (
    "*Nobody reviews requests here yet:* this workspace has no requests channel and no reviewers set (a "
    "workspace admin sets them under Settings on the bot's Home, or REQUESTS_CHANNEL and REVIEWERS), so no one "
    "was told. Your request is kept in the glossary's request list; "
    "`/define my requests` shows it, and whoever runs the bot sees it with `python -m bot requests export`."
)


def confirmation_text(request: TermRequest, *, created: bool, voted: bool, audience: Effective | None = None) -> str:
    """`audience`: the workspace's settings, so the requester hears who will see the request, or that nobody will
    (no requests channel, no reviewers): a request is never parked without a word. None: the usual next steps."""
    term = f"*{safe(request.term, 200)}*"
    if created:
        what = "change to" if request.kind == "change" else "request for"
        happens = (
            f"*What happens next:* the glossary reviewers triage requests every week and will answer by "
            f"{request.due_date:%A %-d %B}. I'll message you when the term ships. "
            "`/define my requests` shows where it stands."
        )
        head = f"Thanks! Your {what} {term} is in as *request #{request.id}*.\n"
        if audience is not None and not audience.someone_reviews:
            return head + UNREVIEWED
        return head + happens + (who_sees(audience) if audience is not None else "")
    if voted:
        return (
            f"{term} was already requested (*#{request.id}*, {request.label.lower()}). I've added your vote: "
            f"{request.votes} people want it now. I'll message you when it ships."
        )
    return (
        f"You've already asked for {term} (*#{request.id}*, {request.label.lower()}). I'll message you when it ships."
    )


def who_sees(audience: Effective) -> str:
    """The line naming who will see a filed request: the requests channel and the reviewers (ids only, checked)."""
    people = [mention_owner(r) for r in audience.reviewers]
    listed = ", ".join(people[:10]) + (f" and {len(people) - 10} more" if len(people) > 10 else "")
    channel = channel_link(audience.requests_channel)
    if channel and people:
        return f"\n*Who sees it:* the reviewers ({listed}), in {channel}."
    if channel:
        return f"\n*Who sees it:* everyone in {channel}, where requests are triaged."
    return f"\n*Who sees it:* the reviewers ({listed}), on their Home and with `/define requests`."


def confirmation_view(text: str) -> dict:
    return {
        "type": "modal",
        "title": plain("Request sent", MODAL_TITLE),
        "close": plain("Done", MODAL_TITLE),
        "blocks": [section(text)],
    }


ID_REFUSED = "Nothing was saved. Please tell the glossary's admins, who can see this in the bot's log."


def refused_view(text: str) -> dict:
    """A request that could not be filed at all, said in the modal where it was asked for."""
    return {
        "type": "modal",
        "title": plain("Request not sent", MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": [section(escape(text))],
    }


def request_list(
    requests: list[TermRequest],
    *,
    title: str,
    now: dt.datetime | None = None,
    voted_for: frozenset[int] = frozenset(),
    unposted: frozenset[int] = frozenset(),
) -> dict:
    """`voted_for`: the requests to mark as ones the reader voted for rather than filed. `unposted`: requests
    whose triage post could not be sent (dead in the outbox); each is marked."""
    if not requests:
        return {"text": title, "blocks": [section(f"{escape(title)}: none.")]}
    lines = []
    for r in requests[:MAX_LISTED]:
        age = r.age_days(now)
        lines.append(
            f"*#{r.id} {safe(r.term, 100)}* · {r.label} · {r.votes} vote{'s' if r.votes != 1 else ''} · "
            f"{age} day{'s' if age != 1 else ''} old"
            + (f" · {URGENCIES[r.urgency]}" if r.urgency in URGENCIES else "")
            + (" · _you voted_" if r.id in voted_for else "")
            + (f" · {NOT_POSTED}" if r.id in unposted else "")
        )
    blocks = [section(f"*{escape(title)}*")]
    chunk: list[str] = []
    for line in lines:  # sections hold 3,000 characters
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    if len(requests) > MAX_LISTED:
        blocks.append(context(f"…and {len(requests) - MAX_LISTED} more. `python -m bot requests export` lists all."))
    return {"text": title, "blocks": blocks}


def request_offer(term: str) -> dict:
    """A mention cannot open a form (it brings no trigger_id): a button that opens it, prefilled."""
    shown = safe(term.strip(), 200)
    text = f"Request *{shown}* from the glossary reviewers:" if shown else "Request a term from the glossary reviewers:"
    return {"text": text, "blocks": [section(text), actions(request_button(term))]}


def published_dm(request: TermRequest, card_blocks: list[dict], *, voter: bool) -> dict:
    why = "voted for" if voter else "asked for"
    text = f"Good news: *{safe(request.term, 200)}*, which you {why} (request #{request.id}), is now in the glossary."
    return {"text": text, "blocks": [section(text), *card_blocks[:45]]}


def _whose(request: TermRequest, voter: bool) -> str:
    return f"The request you voted for, #{request.id}," if voter else f"Your request #{request.id}"


def declined_dm(request: TermRequest, *, voter: bool = False) -> dict:
    text = (
        f"{_whose(request, voter)} for *{safe(request.term, 200)}* was declined by the glossary reviewers.\n"
        f"*Their reason:* {safe(request.resolution, 2500)}"
    )
    return {"text": text, "blocks": [section(text)]}


def duplicate_dm(request: TermRequest, *, voter: bool = False) -> dict:
    text = (
        f"{_whose(request, voter)} for *{safe(request.term, 200)}* was closed as a duplicate: "
        f"{safe(request.resolution, 2500)}"
    )
    return {"text": text, "blocks": [section(text)]}
