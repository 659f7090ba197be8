"""The term request workflow's rules: what a request is, what makes one valid, how its status may move,
and who may move it. Tested without Slack; the state store enforces these moves when it writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .glossary.lookup import Glossary, normalise

# Statuses, and the backlog stage of the glossary's own request page each one stands for.
STATUS_LABELS = {
    "open": "Open",
    "drafting": "Drafting",
    "in_review": "In review",
    "published": "Published",
    "declined": "Declined",
    "duplicate": "Duplicate",
}
ACTIVE = ("open", "drafting", "in_review")  # still being worked on: a second ask becomes a vote
MOVES: dict[str, frozenset[str]] = {
    "open": frozenset({"drafting", "in_review", "published", "declined", "duplicate"}),
    "drafting": frozenset({"open", "in_review", "published", "declined", "duplicate"}),
    "in_review": frozenset({"drafting", "published", "declined", "duplicate"}),
    "published": frozenset(),  # the term shipped; a new need is a new request
    "declined": frozenset({"open"}),  # reopened if reviewers change their minds
    "duplicate": frozenset({"open"}),
}
AUDIENCES = {
    "executives": "Executives",
    "engineers": "Engineers",
    "product": "Product",
    "data_science": "Data science",
    "policy": "Policy",
    "legal": "Legal",
    "security": "Security",
    "communications": "Communications",
}
# Which role a draft term gets for each audience (executives read every term, so they map to none).
AUDIENCE_ROLES = {
    "engineers": "engineering",
    "product": "product",
    "data_science": "data_science",
    "policy": "policy",
    "legal": "legal",
    "security": "security",
    "communications": "communications",
}
URGENCIES = {"now": "Now", "this_quarter": "This quarter", "evergreen": "Evergreen"}
KINDS = ("new", "change")

TERM_MAX = 100
TEXT_MAX = 3000
ALIASES_MAX = 500
ANSWER_DAYS = 5  # the glossary's promise: an answer within five business days


class MoveRefused(ValueError):
    """A status change the rules do not allow; the message says why, for the person who tried."""


@dataclass(frozen=True)
class RequestForm:
    """What someone typed into the request modal, as typed."""

    term: str
    why: str
    kind: str = "new"
    aliases: str = ""
    seen_where: str = ""
    audiences: tuple[str, ...] = ()
    urgency: str = ""
    links: tuple[str, ...] = ()
    anonymous: bool = False
    linked_slug: str | None = None  # the term a change request is about

    @property
    def key(self) -> str:
        return normalise(self.term)


@dataclass(frozen=True)
class TermRequest:
    id: int
    kind: str
    term: str
    term_key: str
    requester: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    aliases: str = ""
    seen_where: str = ""
    why: str = ""
    audiences: tuple[str, ...] = ()
    urgency: str = ""
    links: tuple[str, ...] = ()
    anonymous: bool = False
    votes: int = 1
    reviewer: str | None = None
    resolution: str = ""
    linked_slug: str | None = None
    duplicate_of: int | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    voters: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def age_days(self, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.UTC)
        created = self.created_at if self.created_at.tzinfo else self.created_at.replace(tzinfo=dt.UTC)
        return max(0, (now - created).days)


def validate(form: RequestForm, glossary: Glossary) -> dict[str, str]:
    """Problems by field name (term, why, aliases, seen_where, links, audiences, urgency); empty when valid."""
    errors: dict[str, str] = {}
    term = form.term.strip()
    if not term:
        errors["term"] = "Write the term or phrase you're missing."
    elif len(term) > TERM_MAX:
        errors["term"] = f"Keep the term to {TERM_MAX} characters or fewer (this one has {len(term)})."
    elif not form.key:
        errors["term"] = "Write the term in letters or numbers."
    elif form.kind == "new":
        found = glossary.resolve(term)
        if found.status == "hit":
            t = found.term
            same = normalise(t.term) == form.key
            errors["term"] = (
                f"{t.term} is already in the glossary. Try /define {t.term}."
                if same
                else f"{term} is already in the glossary as {t.term}. Try /define {t.term}."
            )
        elif found.status == "ambiguous":
            names = " and ".join(m.term.term for m in found.matches[:3])
            errors["term"] = f"{term} is already in the glossary, as {names}."
    if not form.why.strip():
        errors["why"] = "Tell the reviewers why it matters: what were you trying to do?"
    elif len(form.why) > TEXT_MAX:
        errors["why"] = f"Keep this to {TEXT_MAX} characters or fewer."
    if len(form.seen_where) > TEXT_MAX:
        errors["seen_where"] = f"Keep this to {TEXT_MAX} characters or fewer."
    if len(form.aliases) > ALIASES_MAX:
        errors["aliases"] = f"Keep the aliases to {ALIASES_MAX} characters or fewer."
    bad = [link for link in form.links if not is_web_url(link)]
    if bad:
        errors["links"] = f"Each link must be a full web address starting with https:// (not: {bad[0][:60]})."
    unknown = [a for a in form.audiences if a not in AUDIENCES]
    if unknown:
        errors["audiences"] = "Pick audiences from the list."
    if form.urgency and form.urgency not in URGENCIES:
        errors["urgency"] = "Pick an urgency from the list."
    if form.kind not in KINDS:
        errors["term"] = "Unknown kind of request."
    return errors


def is_web_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


def split_links(text: str) -> tuple[str, ...]:
    """One link per line (commas and spaces also separate), blanks dropped."""
    return tuple(part for part in text.replace(",", " ").split() if part)


def check_move(current: str, target: str) -> None:
    if target not in STATUS_LABELS:
        raise MoveRefused(f"'{target}' is not a request status.")
    if target == current:
        raise MoveRefused(f"This request is already {STATUS_LABELS[current].lower()}.")
    if target not in MOVES[current]:
        raise MoveRefused(
            f"A request that is {STATUS_LABELS[current].lower()} cannot become {STATUS_LABELS[target].lower()}."
        )


def allowed_moves(current: str) -> tuple[str, ...]:
    return tuple(s for s in STATUS_LABELS if s in MOVES.get(current, ()))


def is_reviewer(user_id: str, reviewers: Iterable[str], group_members: Callable[[str], Iterable[str]]) -> bool:
    """Reviewers are user ids (U…/W…) and user-group ids (S…) whose members count."""
    reviewers = tuple(reviewers)
    if user_id in reviewers:
        return True
    return any(user_id in set(group_members(g)) for g in reviewers if g.startswith("S"))
