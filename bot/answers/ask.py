"""What someone asked, from what they typed: `/define` text, an @-mention, a DM. No Slack here.

The rules, also in the README and in `/define help`:
- The first word picks a subcommand: help, search, set, request, requests, my (requests), browse, stats, in
  `/define` and in mentions and DMs alike (bot/slack/router.py answers each). `request 12` (or `request #12`)
  shows request 12; `request X` asks for X.
- A framing word as the first or last word picks the framing: exec, execs, executive(s), leadership,
  business, non-technical / engineer(s), eng, engineering, technical, tech, dev, developer(s).
  The word counts only if something is left to look up, so `/define exec` looks up "exec".
- Text in quotes is always a term: `/define "search"` looks up a term named search.
- Everything else is read as a question, in `/define` as in mentions and DMs: its frame ("what is",
  "wht's", "explain … to an engineer", "?") is dropped by the core's reading (glossary/questions.py), the
  words asked about keep their capitals (`KV` is an acronym), and a text that is all greeting or thanks is
  small talk, not a lookup.
- A subcommand word counts only at the start, and never when the whole text is a term's name ("request for
  proposal" on a glossary that has it): `read(text, glossary)` checks that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from ..glossary.lookup import Glossary, LookupResult
from ..glossary.model import Framing, LookupStatus
from ..glossary.names import normalise
from ..glossary.questions import asks, small_talk, strip_frame

FRAMING_WORDS = {
    **dict.fromkeys(
        ["exec", "execs", "executive", "executives", "leadership", "leaders", "business", "non-technical",
         "nontechnical", "ceo", "ceos"],
        Framing.EXEC,
    ),
    **dict.fromkeys(
        ["engineer", "engineers", "eng", "engineering", "technical", "tech", "dev", "devs", "developer", "developers"],
        Framing.ENGINEER,
    ),
}  # fmt: skip
SUBCOMMANDS = ("help", "search", "set", "request", "requests", "my", "browse", "stats")

_POLITE = re.compile(r"[\s,]+(?:please|pls|thanks|thank you|thx)$", re.IGNORECASE)
# "for execs", "to an engineer", "like I'm an engineer", "in engineer terms"
_FRAMING_TAIL = re.compile(
    r"\s+(?:for|to|as|like|in)\s+(?:an?\s+|the\s+|i'm\s+an?\s+|i am\s+an?\s+|my\s+)?([\w-]+)(?:\s+terms)?$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'^\s*["“”\'‘’](.+?)["“”\'‘’]\s*$')
_REQUEST_NUMBER = re.compile(r"^#?(\d{1,9})$")


class Asked(StrEnum):
    """What someone asked for."""

    DEFINE = "define"
    HELP = "help"
    SEARCH = "search"
    SET_FRAMING = "set_framing"
    SET_ROLE = "set_role"
    CLEAR = "clear"  # forget the stored framing and role
    REQUEST = "request"  # file a request for a term
    REQUESTS = "requests"  # list requests (reviewers)
    MY_REQUESTS = "my_requests"
    BROWSE = "browse"  # list categories and roles, or one of them (text)
    SHOW_REQUEST = "show_request"  # one request and its history; text is its number
    STATS = "stats"  # the lookup statistics (reviewers); text is the number of days, if given
    SMALL_TALK = "small_talk"  # a greeting or thanks: a friendly line and how to use the bot, never a miss


@dataclass(frozen=True)
class Ask:
    action: Asked
    text: str = ""  # the term, search words, role name, status filter…
    framing: Framing | None = None
    # The text read whole, framing words and all, tried first as a term name so that "prompt
    # engineering" is not read as "prompt" for engineers; full_framing is what applies to that reading.
    full_text: str = ""
    full_framing: Framing | None = None
    # Whether the text was asked as a question (a frame such as "what is" was dropped before the lookup reads it):
    # a term named inside a question is what it asks about, while one named in a statement is only in passing.
    asking: bool = False


def read(text: str, glossary: Glossary | None = None, *, command: bool = False) -> Ask:
    """The one reading of what someone typed, for `/define` (`command`), mentions, DMs, `ask` and MCP.

    With the glossary, a text that is a term's whole name is that term even when it starts like a subcommand
    ("request for proposal", "browse history" on a glossary that defines them)."""
    ask = _command_read(text) if command else parse_question(text)
    if glossary is not None and ask.action not in (Asked.DEFINE, Asked.HELP) or ask.action == Asked.SMALL_TALK:
        plain = " ".join(text.split()).strip().rstrip("?!.")
        if plain and glossary is not None and glossary.resolve(plain).status == LookupStatus.HIT:
            return Ask(Asked.DEFINE, plain, full_text=plain)
    return ask


def parse_command(text: str) -> Ask:
    """`/define …` text: a subcommand by its first word, else read as a mention is (a name or a question)."""
    text = " ".join(text.split())
    quoted = _QUOTED.match(text)
    if quoted:
        return Ask(Asked.DEFINE, quoted.group(1).strip(), full_text=quoted.group(1).strip())
    if not text:
        return Ask(Asked.HELP)
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in SUBCOMMANDS:
        return _subcommand(word, rest.strip(), text)
    return parse_question(text)


# `/define` text is read twice per request: by the middleware that decides whether the answer goes in the
# ack (no glossary at hand) and by the listener. A reading depends on the text alone and is a frozen value, so
# the second is the first's; a few hundred texts cover requests in flight.
_command_read = lru_cache(maxsize=256)(parse_command)


# A person, a channel or @here named in Slack's markup is never part of a term, and never to be stored as one.
_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")


def parse_question(text: str) -> Ask:
    """An @-mention or a DM, the mention itself already removed (and `/define` text that is no subcommand)."""
    text = " ".join(_SLACK_MARKUP.sub(" ", text).split()).strip()
    quoted = _QUOTED.match(text)
    if quoted:
        return Ask(Asked.DEFINE, quoted.group(1).strip(), full_text=quoted.group(1).strip())
    first = text.split(" ", 1)[0].lower() if text else ""
    if first in SUBCOMMANDS:
        # Mention parity: "@glossary request vibe coding" means what "/define request vibe coding" means.
        # A question that merely starts with one of the words ("my model is slow") stays a question.
        ask = parse_command(text)
        if ask.action != Asked.DEFINE:
            return ask
    if text and small_talk(text):
        return Ask(Asked.SMALL_TALK, text)
    full = _POLITE.sub("", text.rstrip("?!. ")).rstrip("?!. ")
    framing = None
    tail = _FRAMING_TAIL.search(full)
    if tail and tail.group(1).lower() in FRAMING_WORDS:
        framing = FRAMING_WORDS[tail.group(1).lower()]
        full = full[: tail.start()]
    subject = strip_frame(normalise(full))
    stripped = as_typed(full, subject)
    if not stripped:
        return Ask(Asked.HELP)
    ask = _define(stripped)
    asking = asks(normalise(full))
    return Ask(Asked.DEFINE, ask.text, framing or ask.framing, full_text=stripped, full_framing=framing, asking=asking)


def as_typed(text: str, subject: str) -> str:
    """The words of `subject` (a normalised part of `text`) as the person typed them, capitals kept, so that
    "what is KV?" asks about "KV", an acronym, and not "kv", which may be a word."""
    words = subject.split()
    if not words:
        return ""
    plain = _as_typed_plainly(text, subject, words)
    if plain is not None:
        return plain
    pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?!\w)"
    found = re.search(pattern, text, re.IGNORECASE)
    return found.group(0) if found else subject


def _as_typed_plainly(text: str, subject: str, words: list[str]) -> str | None:
    """What as_typed's pattern finds, without compiling it (a new pattern for every new text was a tenth of a
    distinct /define's CPU), in the common case where that is certain: ASCII text holding the subject as written
    (one space between words), where its first word appears nowhere earlier, so no match starts before it, and
    every word starts with a letter or digit, so the separator can take nothing but that one space. None
    otherwise: the pattern decides."""
    if not text.isascii() or not all(w[0].isalnum() for w in words):
        return None
    lowered = text.lower()
    at = lowered.find(subject)
    end = at + len(subject)
    if at < 0 or lowered.find(words[0]) != at:
        return None
    if (at > 0 and _word_char(text[at - 1])) or (end < len(text) and _word_char(text[end])):
        return None  # inside a longer word: the pattern would look further on
    return text[at:end]


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w is in ASCII


def _define(text: str) -> Ask:
    words = text.split(" ")
    framing = None
    if len(words) > 1 and words[-1].lower() in FRAMING_WORDS:
        framing, words = FRAMING_WORDS[words[-1].lower()], words[:-1]
    elif len(words) > 1 and words[0].lower() in FRAMING_WORDS:
        framing, words = FRAMING_WORDS[words[0].lower()], words[1:]
    return Ask(Asked.DEFINE, " ".join(words), framing, full_text=text)


def _subcommand(word: str, rest: str, text: str) -> Ask:
    if word == "help":
        return Ask(Asked.HELP)
    if word == "search":
        return Ask(Asked.SEARCH, rest) if rest else Ask(Asked.HELP)
    if word == "set":
        what, _, value = rest.partition(" ")
        what = what.lower()
        if what in FRAMING_WORDS and not value:
            return Ask(Asked.SET_FRAMING, framing=FRAMING_WORDS[what])
        if what == "framing" and value.lower() in FRAMING_WORDS:
            return Ask(Asked.SET_FRAMING, framing=FRAMING_WORDS[value.lower()])
        if what == "role" and value:
            return Ask(Asked.SET_ROLE, value.strip())
        if what in ("clear", "reset", "none"):
            return Ask(Asked.CLEAR)
        return Ask(Asked.HELP, "set")
    if word == "browse":
        return Ask(Asked.BROWSE, rest)
    if word == "request":
        number = _REQUEST_NUMBER.match(rest)
        return Ask(Asked.SHOW_REQUEST, number.group(1)) if number else Ask(Asked.REQUEST, rest)
    if word == "requests":
        return Ask(Asked.REQUESTS, rest.lower())
    if word == "stats":
        return Ask(Asked.STATS, rest)
    if word == "my" and rest.lower().startswith("request"):
        return Ask(Asked.MY_REQUESTS)
    return _define(text)  # "my" followed by anything else is a term ("my term")


@dataclass(frozen=True)
class Reply:
    """What a mention, a DM or `python -m bot ask` answers: the lookup and the framing that applies."""

    ask: Ask
    result: LookupResult
    framing: Framing | None = None

    @property
    def asked(self) -> str:
        """The words the question asked about, without its frame: what **Request this term** is prefilled with
        and what the lookup analytics record. The reading that answered ("promt engineering", whose framing-
        looking last word belongs to the name), except on a miss, where the framing word is not the term."""
        if self.result.status == LookupStatus.MISS or not self.ask.full_text:
            return self.ask.text
        return self.result.query


def answer_question(glossary: Glossary, text: str) -> Reply:
    """The one function behind mentions, DMs and `ask`: question frames, framing words, comparisons.

    The text read whole (framing words and all) and the text with its framing word dropped both go
    through the whole pipeline; the better answer wins, the whole reading on a tie ("prompt engineering").
    """
    ask = read(text, glossary)
    if ask.action == Asked.SEARCH:
        return Reply(ask, glossary.search(ask.text))
    if ask.action != Asked.DEFINE:
        return Reply(ask, LookupResult(LookupStatus.MISS, text))
    return Reply(ask, *best_reading(ask, lambda said: glossary.ask(said, asking=ask.asking)))


def best_reading(ask: Ask, lookup: Callable[[str], LookupResult]) -> tuple[LookupResult, Framing | None]:
    """The better of the whole text and the text with its framing word dropped, with its framing."""
    whole = lookup(ask.full_text or ask.text)
    if not ask.full_text or ask.full_text == ask.text:
        return whole, ask.framing
    dropped = lookup(ask.text)
    if _strength(dropped) > _strength(whole):
        return dropped, ask.framing
    return whole, ask.full_framing


_RANK = {LookupStatus.HIT: 3, LookupStatus.COMPARISON: 3, LookupStatus.AMBIGUOUS: 2, LookupStatus.SUGGESTIONS: 1}


def _strength(result: LookupResult) -> tuple[int, float]:
    return _RANK.get(result.status, 0), result.matches[0].score if result.matches else 0.0
