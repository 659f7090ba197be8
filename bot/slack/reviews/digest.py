"""The weekly review digest an owner gets by DM: due terms with Still accurate / Needs a change, then the
change requests, 👎 feedback and open requests that concern them."""

from __future__ import annotations

import datetime as dt

from ...governance.digest import Digest
from ...governance.staleness import day_words
from ...term_requests.rules import TermRequest
from ..kit import ids
from ..kit.blocks import CONTEXT_MAX, actions, button, context, encode_value, plain, safe, section, truncate

MAX_DUE = 10  # two blocks each: the digest stays well under Slack's 50 blocks a message
MAX_LISTED = 10  # requests and feedback lines per section


def digest_message(digest: Digest, today: dt.date) -> dict:
    due = digest.due[:MAX_DUE]
    blocks: list[dict] = [{"type": "header", "text": plain(f"Glossary reviews for week {digest.week}", 150)}]
    if digest.due:
        blocks.append(
            section(
                f"*{len(digest.due)} of your terms {'is' if len(digest.due) == 1 else 'are'} due for review.* "
                "Is each still accurate? If so, say so; the term is then not due until its next interval."
            )
        )
    for item in due:
        t, state = item.term, item.state
        facts = [f"review due since {day_words(state.due_since, today)}" if state.due_since else "review due"]
        if state.last_verified:
            facts.append(f"last verified {day_words(state.last_verified, today)}")
        if item.lookups:
            facts.append(f"{item.lookups} lookup{'s' if item.lookups != 1 else ''} in 90 days")
        blocks.append(section(f"*{safe(t.term, 200)}* · {safe(', '.join(facts), 300)}\n{safe(t.short_def, 600)}"))
        value = encode_value({"s": t.slug})
        blocks.append(
            actions(
                button("Still accurate", ids.STILL_ACCURATE, value, style="primary"),
                button("Needs a change", ids.NEEDS_CHANGE, value),
            )
        )
    if len(digest.due) > MAX_DUE:
        more = len(digest.due) - MAX_DUE
        blocks.append(context(f"…and {more} more. `python -m bot reviews` lists every term due."))
    if digest.change_requests:
        blocks.append(section(_requests("Change requests on your terms", digest.change_requests)))
    if digest.not_helpful:
        lines = [f"• {safe(t.term, 200)}: {n} 👎" for t, n in digest.not_helpful[:MAX_LISTED]]
        blocks.append(section(truncate("*Marked not helpful*\n" + "\n".join(lines), 3000)))
    if digest.open_requests:
        blocks.append(section(_requests("Open requests in your categories", digest.open_requests)))
    blocks.append(context(truncate("You get this because the glossary's owners file names you.", CONTEXT_MAX)))
    count = len(digest.due)
    text = f"Glossary reviews for week {digest.week}: {count} term{'s' if count != 1 else ''} due"
    return {"text": text, "blocks": blocks}


def _requests(title: str, requests: list[TermRequest]) -> str:
    lines = [
        f"• #{r.id} {safe(r.term, 200)} ({r.label.lower()}, {r.votes} vote{'s' if r.votes != 1 else ''}): "
        f"{safe(r.why, 300)}"
        for r in requests[:MAX_LISTED]
    ]
    if len(requests) > MAX_LISTED:
        lines.append(f"…and {len(requests) - MAX_LISTED} more in the requests channel.")
    return truncate(f"*{title}*\n" + "\n".join(lines), 3000)
