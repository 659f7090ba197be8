"""The one subcommand table: what `/define`, an @-mention and a DM are answered with.

All three read what was typed through bot/answers/ask.py's `read` (command=True for `/define`), the reading
`python -m bot ask` uses too, so a subcommand counts only as the first word, never when the whole text is a
term's name ("request for proposal"), and means the same on every surface. Small talk is answered with a
friendly line and is not recorded as a lookup. ROUTES maps each reading to its answer; the surfaces differ
only where Slack makes them:
- `/define` answers in the ack itself (no Web API call), privately, except `/define request`, which opens the
  form right after the ack (a slash command brings a trigger_id);
- a mention or a DM cannot open a form, so a request becomes a button; a question about a term is read as a
  question (frames, framing words, comparisons); the answer is a public letter in the outbox, except what
  concerns only the asker (PRIVATE), which is an ephemeral message in the thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ..answers.ask import Ask, Asked, read
from ..answers.cards import Reading
from ..answers.lookup_stats import stats_days
from ..runtime import Locale, Runtime
from .browse.replies import browse_reply
from .cards.answers import answer_message
from .cards.results import help_message, search_message, small_talk_message
from .kit import ids
from .kit.blocks import escape
from .kit.deps import Deps, Listener, deps_of
from .kit.messages import notice
from .outbox.modals import open_modal
from .outbox.notify import reply
from .requests.hints import hinted_request_modal
from .requests.lists import needs_reviewer_check, requests_reply
from .requests.messages import request_offer
from .reviews.stats import NOT_A_REVIEWER, stats_message

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
# Answered only to the asker when asked in a channel: nobody else needs to see someone's settings or requests.
PRIVATE = frozenset(
    {
        Asked.SET_FRAMING,
        Asked.SET_ROLE,
        Asked.CLEAR,
        Asked.REQUEST,
        Asked.REQUESTS,
        Asked.MY_REQUESTS,
        Asked.SHOW_REQUEST,
        Asked.STATS,  # reviewers' figures, and a refusal for anyone else
        Asked.SMALL_TALK,  # a "thanks!" in a thread is answered to the person, not to everyone in it
    }
)


@dataclass(frozen=True)
class Asking:
    """One reading on its way to its answer: what was asked, by whom, where."""

    runtime: Runtime
    user: str
    ask: Ask
    surface: str = "slash"  # "slash", "mention" or "dm": recorded beside a lookup, never who asked
    text: str = ""  # the words as typed (a mention without its mentions): a question is answered from them
    reviewers: Container[str] = ()  # asked only by an answer that depends on it (a user-group lookup)
    reading: Reading = Reading()  # the channel asked in: its domains pick the sense a card shows first
    locale: Locale | None = None  # the asker's Slack language, asked only when a card could use it


def _define(a: Asking) -> dict:
    """`/define` looks up a name (Runtime.define) and answers privately (its card has a Share button); a mention
    or a DM is read as a question (Runtime.ask, the function behind `python -m bot ask`, so Slack and the command
    line give the same answer) and answered where it was asked."""
    if a.surface == "slash":
        answer = a.runtime.define(a.user, a.ask, a.reading, a.locale)
        a.runtime.record_lookup(a.surface, answer.result.query, answer.result)
        return answer_message(answer, public=False, asked=a.ask.text, framing=a.ask.framing)
    answer = a.runtime.ask(a.user, a.text, a.reading)  # public: in the glossary's language, one click to switch
    a.runtime.record_lookup(a.surface, answer.asked, answer.result)  # recorded once, as the words asked about
    return answer_message(answer, public=True)


def _search(a: Asking) -> dict:
    found = a.runtime.glossary.search(a.ask.text)
    a.runtime.record_lookup(a.surface, a.ask.text, found)
    return search_message(a.ask.text, found)


def _set_framing(a: Asking) -> dict:
    if a.ask.framing is None:
        return _help(a)
    a.runtime.set_framing(a.user, a.ask.framing)
    return notice(
        f"Done: your cards now show the *{a.ask.framing.label.lower()}* framing. "
        "Each card still has a button for the other one."
    )


def _set_role(a: Asking) -> dict:
    role = a.runtime.set_role(a.user, a.ask.text)
    if role is None:
        known = ", ".join(f"`{r.key}`" for r in a.runtime.roles.values())
        return notice(f"I don't know the role *{escape(a.ask.text)}*. Pick one of {known}.")
    return notice(f"Done: your cards now end with the takeaway for *{escape(role.name)}*.")


def _clear(a: Asking) -> dict:
    a.runtime.clear_preferences(a.user)
    return notice("Done: your cards show both framings again, with no role takeaway.")


def _requests(a: Asking) -> dict:
    reviewer = needs_reviewer_check(a.ask) and a.user in a.reviewers
    return requests_reply(a.runtime, a.user, a.ask, reviewer=reviewer)


def _stats(a: Asking) -> dict:
    """`stats [days]`, for reviewers only."""
    try:
        days = stats_days(a.ask.text, most=a.runtime.settings.lookup_retention_days)
    except ValueError as usage:
        return notice(escape(str(usage)))
    if a.user not in a.reviewers:
        return notice(NOT_A_REVIEWER)
    return stats_message(a.runtime.lookup_stats(days))


def _help(a: Asking) -> dict:
    return help_message(a.runtime.roles, a.ask.text)


def _small_talk(a: Asking) -> dict:
    """Not recorded at all: a "thanks!" asks for no term, so it is neither a lookup nor a miss in the stats."""
    return small_talk_message(a.ask.text)


ROUTES: dict[Asked, Callable[[Asking], dict]] = {
    Asked.DEFINE: _define,
    Asked.HELP: _help,
    Asked.SEARCH: _search,
    Asked.BROWSE: lambda a: browse_reply(a.runtime, a.ask.text),
    Asked.SET_FRAMING: _set_framing,
    Asked.SET_ROLE: _set_role,
    Asked.CLEAR: _clear,
    # Only a click can open a form: a mention or a DM gets a button (`/define request` opens it in define()).
    Asked.REQUEST: lambda a: request_offer(a.ask.text),
    Asked.REQUESTS: _requests,
    Asked.MY_REQUESTS: _requests,
    Asked.SHOW_REQUEST: _requests,
    Asked.STATS: _stats,
    Asked.SMALL_TALK: _small_talk,
}


def answer(asking: Asking) -> dict:
    """The message a reading is answered with. No Slack I/O."""
    return ROUTES[asking.ask.action](asking)


# --- the listeners -----------------------------------------------------------------------------------


def define(ack: Ack, command: dict[str, Any], client: WebClient, context: Any, respond: Respond | None = None) -> None:
    """/define: every answer goes back in the ack itself, so a lookup costs no Web API call."""
    deps = deps_of(context)
    # A mention in the text names no term ("/define @ana pizza" asks about pizza), as in a mention's text.
    user, text = command["user_id"], question_text(command.get("text") or "", None)
    ask = read(text, deps.runtime.glossary, command=True)
    if ask.action == Asked.REQUEST:
        ack()
        modal = hinted_request_modal(deps.runtime, ask.text)
        outbox = deps.runtime.outbox
        open_modal(client, command["trigger_id"], modal, respond=respond, user=user, outbox=outbox)
        return
    asking = Asking(
        deps.runtime,
        user,
        ask,
        text=text,
        reviewers=deps.reviewers,
        reading=Reading(channel=(channel := command.get("channel_id") or ""), domains=deps.domains_of(channel)),
        locale=lambda: deps.locales.of(client, user),
    )
    ack(response_type="ephemeral", **answer(asking))


def answers_in_ack(body: dict[str, Any]) -> bool:
    """Whether this request is a /define answered in the ack alone (no Web API call): run it inline. Read
    without the glossary (none is at hand here): "request for proposal" that names a term is then answered
    off the inline path, which is slower but gives the same answer (define() reads it with the glossary)."""
    if body.get("command") != ids.COMMAND:
        return False
    return read(question_text(body.get("text") or "", None), command=True).action != Asked.REQUEST


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention (and without any other mention, which names no term)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return _MENTION.sub(" ", text).strip()


def _asked(deps: Deps, event: dict[str, Any], context: BoltContext, surface: str) -> Asking:
    text = question_text(event.get("text") or "", context.bot_user_id)
    ask = read(text, deps.runtime.glossary)
    channel = event.get("channel") or ""
    reading = Reading(channel=channel, domains=deps.domains_of(channel))  # the workspace's mapping, else the file's
    return Asking(deps.runtime, event.get("user", ""), ask, surface, text, deps.reviewers, reading)


def on_mention(event: dict[str, Any], context: BoltContext) -> None:
    """A public answer is a letter in the outbox: a slow Slack never holds a listener thread. A private one
    (settings, requests) is an ephemeral message, which Slack cannot take later: sent now, with a short timeout."""
    deps = deps_of(context)
    asking = _asked(deps, event, context, "mention")
    message = answer(asking)
    thread = event.get("thread_ts") or event["ts"]
    if asking.ask.action in PRIVATE:
        # Ephemeral in the thread rather than a DM: the answer stays where it was asked, seen by the asker only.
        client: WebClient = context.client
        client.chat_postEphemeral(channel=event["channel"], user=asking.user, thread_ts=thread, **message)
    else:
        reply(deps.runtime.outbox, event["channel"], message, thread_ts=thread)


# A DM is the agent DM now: bot/slack/assistant answers it (with a status, in the message's thread), through
# answer() here for everything but what only the DM adds.
LISTENERS: list[Listener] = [
    ("command", ids.COMMAND, define),
    ("event", "app_mention", on_mention),
]
