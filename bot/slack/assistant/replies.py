"""What the agent DM answers with, from the glossary alone: the router's answers, plus the two the DM adds
(the terms in what you are looking at, and what changed this week). No Slack I/O but reading a conversation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container

from slack_sdk import WebClient

from ...answers.ask import parse_question
from ...runtime import Runtime
from ..cards.explain import explain_message
from ..kit import ids
from ..kit.blocks import button, context, safe, section, truncate
from ..kit.card_state import CardState
from ..kit.messages import notice
from ..router import Asking, answer
from .reading import MAX_MESSAGES, read_viewing
from .viewing import Viewing, asks_what_changed, explain_request

WEEK = 7
CHANGED_SHOWN = 20
SWITCHED_OFF = "Explaining what you are looking at is switched off in this workspace."
WHICH_CHANNEL = (
    "Open the channel or thread you want explained, then pick *Explain the terms in this channel* from the "
    "suggested prompts (or write `explain the terms in #channel`)."
)


def agent_answer(runtime: Runtime, client: WebClient, user: str, text: str, reviewers: Container[str] = ()) -> dict:
    """The message the agent DM answers `text` with."""
    explain = explain_request(text)
    if explain is not None:
        return _explained(runtime, client, user, explain.viewing)
    if asks_what_changed(text):
        return changed_message(runtime)
    return answer(Asking(runtime, user, parse_question(text), "dm", text, reviewers))


def _explained(runtime: Runtime, client: WebClient, user: str, viewing: Viewing | None) -> dict:
    if not runtime.settings.explain_viewed:
        return notice(SWITCHED_OFF)
    if viewing is None:
        return notice(WHICH_CHANNEL)
    read = read_viewing(client, user, viewing)
    if read.refusal:
        return notice(read.refusal)
    explained = runtime.explain(user, read.text, surface="explain")  # scanned: not counted as lookups
    message = explain_message(explained.found, explained.framing, explained.discouraged)
    where = f"<#{viewing.channel}>" + (" (this thread)" if viewing.thread_ts else "")
    # Said in the heading, not in a block of its own: the explain message may already hold Slack's 50 blocks.
    note = f"\n_Read just now from {where}: the last {MAX_MESSAGES} messages at most. Nothing was kept._"
    message["blocks"][0]["text"]["text"] += note
    return message


def changed_message(runtime: Runtime) -> dict:
    """Terms reviewed or updated in the last seven days (their last_reviewed date), newest first."""
    today = runtime.governance.today()
    since = today - dt.timedelta(days=WEEK)
    changed = []
    for term in runtime.glossary.terms.values():
        try:
            day = dt.date.fromisoformat(term.last_reviewed)
        except ValueError:
            continue
        if since < day <= today:
            changed.append((day, term))
    changed.sort(key=lambda pair: (-pair[0].toordinal(), pair[1].term.lower()))
    if not changed:
        return notice(f"No term was reviewed or updated in the last {WEEK} days.")
    head = f"*{len(changed)} term{'s' if len(changed) != 1 else ''} reviewed or updated in the last {WEEK} days*"
    blocks = [section(head)]
    for i, (day, term) in enumerate(changed[:CHANGED_SHOWN]):
        text = f"*{safe(term.term, 150)}* · {day.isoformat()}\n{safe(term.short_def, 600)}"
        blocks.append(section(text, button("Show", ids.open_term_id(i), CardState(term.slug).encode())))
    if len(changed) > CHANGED_SHOWN:
        blocks.append(context(f"…and {len(changed) - CHANGED_SHOWN} more."))
    names = ", ".join(t.term for _, t in changed)
    return {"text": truncate(f"Changed this week: {names}", 2000), "blocks": blocks}
