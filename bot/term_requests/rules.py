"""The term request workflow's rules: what a request is, what makes one valid, how its status may move,
who may move it, when it is due, and which words name which statuses. Tested without Slack; the book
enforces these moves when it writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from ..glossary.lookup import Glossary
from ..glossary.model import Term
from ..glossary.names import normalise


class RequestStatus(StrEnum):
    OPEN = "open"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    DECLINED = "declined"
    DUPLICATE = "duplicate"


class RequestKind(StrEnum):
    NEW = "new"  # a term the glossary lacks
    CHANGE = "change"  # a change to a term it has


# Statuses, and the backlog stage of the glossary's own request page each one stands for.
REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.OPEN: "Open",
    RequestStatus.DRAFTING: "Drafting",
    RequestStatus.IN_REVIEW: "In review",
    RequestStatus.PUBLISHED: "Published",
    RequestStatus.DECLINED: "Declined",
    RequestStatus.DUPLICATE: "Duplicate",
}
# Still being worked on: a second ask becomes a vote. The state schema's unique index is built from this.
ACTIVE: tuple[RequestStatus, ...] = (RequestStatus.OPEN, RequestStatus.DRAFTING, RequestStatus.IN_REVIEW)
_S = RequestStatus
MOVES: dict[RequestStatus, frozenset[RequestStatus]] = {
    _S.OPEN: frozenset({_S.DRAFTING, _S.IN_REVIEW, _S.PUBLISHED, _S.DECLINED, _S.DUPLICATE}),
    _S.DRAFTING: frozenset({_S.OPEN, _S.IN_REVIEW, _S.PUBLISHED, _S.DECLINED, _S.DUPLICATE}),
    _S.IN_REVIEW: frozenset({_S.DRAFTING, _S.PUBLISHED, _S.DECLINED, _S.DUPLICATE}),
    _S.PUBLISHED: frozenset(),  # the term shipped; a new need is a new request
    _S.DECLINED: frozenset({_S.OPEN}),  # reopened if reviewers change their minds
    _S.DUPLICATE: frozenset({_S.OPEN}),
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
KINDS = tuple(RequestKind)

TERM_MAX = 100
TEXT_MAX = 3000
ALIASES_MAX = 500
# Who files, votes or acts: a Slack user id (about 11 characters) or "mcp:" and an agent's name of up to 60.
PERSON_MAX = 64
ANSWER_DAYS = 5  # the glossary's promise: an answer within five business days

NEEDS_A_REASON = "Give the requester a reason."
NEEDS_A_TERM = "Pick a term that is in the glossary."


class PersonRefused(ValueError):
    """A requester or voter id the state database cannot hold: refused before anything is written."""


def check_person(person: str) -> None:
    if not person or len(person) > PERSON_MAX:
        raise PersonRefused(f"A requester id must be 1 to {PERSON_MAX} characters (this one has {len(person)}).")


class MoveRefused(ValueError):
    """A status change the rules do not allow; the message says why, for the person who tried."""


@dataclass(frozen=True)
class RequestForm:
    """What someone typed into the request modal, as typed."""

    term: str
    why: str
    kind: str = RequestKind.NEW
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


def due_date(created: dt.datetime) -> dt.date:
    """Five business days after filing: the glossary's promised answer time."""
    day, left = created.date(), ANSWER_DAYS
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@dataclass(frozen=True)
class TermRequest:
    id: int
    kind: RequestKind
    term: str
    term_key: str
    requester: str
    status: RequestStatus
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
        return REQUEST_STATUS_LABELS.get(self.status, self.status)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def due_date(self) -> dt.date:
        """When reviewers promised an answer."""
        return due_date(self.created_at)

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
    elif form.kind == RequestKind.NEW:
        problem = _already_in(term, form.key, glossary)
        if problem:
            errors["term"] = problem
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
        errors["links"] = link_problem(bad[0])
    unknown = [a for a in form.audiences if a not in AUDIENCES]
    if unknown:
        errors["audiences"] = "Pick audiences from the list."
    if form.urgency and form.urgency not in URGENCIES:
        errors["urgency"] = "Pick an urgency from the list."
    if form.kind not in KINDS:
        errors["term"] = "Unknown kind of request."
    return errors


def _already_in(term: str, key: str, glossary: Glossary) -> str:
    """What to tell someone asking for a new term the glossary already answers; empty if it does not."""
    found = glossary.resolve(term)
    if found.status == "hit" and found.term is not None:
        t = found.term
        if normalise(t.term) == key:
            return f"{t.term} is already in the glossary. Try /define {t.term}."
        return f"{term} is already in the glossary as {t.term}. Try /define {t.term}."
    if found.status == "ambiguous":
        names = " and ".join(m.term.term for m in found.matches[:3])
        return f"{term} is already in the glossary, as {names}."
    return ""


def is_web_url(text: str) -> bool:
    """A full https:// address. Plain http:// is refused: the README promises https links only, and a
    reviewer clicking through from the triage post should never be sent over an unencrypted link."""
    parts = urlsplit(text.strip())
    return parts.scheme == "https" and bool(parts.netloc) and " " not in text.strip()


def link_problem(link: str) -> str:
    """What the links field says about the first link it refuses."""
    if urlsplit(link.strip()).scheme.lower() == "http":
        return f"Links must start with https://, not http:// ({link[:60]}). Use the https:// address of that page."
    return f"Each link must be a full web address starting with https:// (not: {link[:60]})."


def split_links(text: str) -> tuple[str, ...]:
    """One link per line (commas and spaces also separate), blanks dropped."""
    return tuple(part for part in text.replace(",", " ").split() if part)


def check_move(current: str, target: str) -> None:
    try:
        now, then = RequestStatus(current), RequestStatus(target)
    except ValueError:
        raise MoveRefused(f"'{target}' is not a request status.") from None
    if then == now:
        raise MoveRefused(f"This request is already {REQUEST_STATUS_LABELS[now].lower()}.")
    if then not in MOVES[now]:
        raise MoveRefused(
            f"A request that is {REQUEST_STATUS_LABELS[now].lower()} cannot become "
            f"{REQUEST_STATUS_LABELS[then].lower()}."
        )


def check_closing(target: str, *, note: str, linked_slug: str | None) -> None:
    """What a move must carry: a decline tells the requester why; a publication names the term that shipped."""
    if target == RequestStatus.DECLINED and not note.strip():
        raise MoveRefused(NEEDS_A_REASON)
    if target == RequestStatus.PUBLISHED and not linked_slug:
        raise MoveRefused(NEEDS_A_TERM)


def check_assign(request: TermRequest) -> None:
    """Only a request still being worked on gets a reviewer; a closed one must be reopened first."""
    if not request.active:
        raise MoveRefused(f"Request #{request.id} is {request.label.lower()}; reopen it before assigning it.")


def allowed_moves(current: str) -> tuple[RequestStatus, ...]:
    """The statuses a request may move to next, in the workflow's order."""
    try:
        moves = MOVES[RequestStatus(current)]
    except ValueError:
        return ()
    return tuple(s for s in RequestStatus if s in moves)


def may_read(request: TermRequest, user_id: str, *, reviewer: bool) -> bool:
    """Who may read a request and its history, on every surface (the Home, `/define request N`): reviewers, any;
    anyone else, a request they filed or voted for. A voter reads it because it is theirs too: the Home lists it
    among their requests and they are told when it closes. Reading a request never tells who filed an anonymous
    one (may_see_requester)."""
    return reviewer or request.requester == user_id or user_id in request.voters


def may_see_requester(request: TermRequest, user_id: str) -> bool:
    """Whether this person may see who filed the request: anyone, unless it was filed anonymously; then only the
    requester, not even a reviewer (the requests channel shows "Anonymous" too)."""
    return not request.anonymous or request.requester == user_id


def is_reviewer(user_id: str, reviewers: Iterable[str], group_members: Callable[[str], Iterable[str]]) -> bool:
    """Reviewers are user ids (U…/W…) and user-group ids (S…) whose members count."""
    reviewers = tuple(reviewers)
    if user_id in reviewers:
        return True
    return any(user_id in set(group_members(g)) for g in reviewers if g.startswith("S"))


# --- which requests someone means -----------------------------------------------------------------


@dataclass(frozen=True)
class StatusFilter:
    statuses: tuple[RequestStatus, ...] | None  # None: every request
    title: str


# Words that name a group of statuses; any status's key ("in_review") or label ("in review") names itself.
_GROUPS: dict[str, StatusFilter] = {
    "": StatusFilter((RequestStatus.OPEN,), "Open requests"),
    "all": StatusFilter(None, "All requests"),
    "any": StatusFilter(None, "All requests"),
    "active": StatusFilter(ACTIVE, "Requests in the backlog"),
    "backlog": StatusFilter(ACTIVE, "Requests in the backlog"),
}
STATUS_FILTER_WORDS: tuple[str, ...] = (*RequestStatus, "active", "all")  # what to suggest after a typo


def parse_status_filter(text: str) -> StatusFilter | None:
    """Which requests a status word names, for `/define requests …` and `requests export --status`; None if none."""
    wanted = " ".join(text.lower().split())
    if wanted in _GROUPS:
        return _GROUPS[wanted]
    for status, label in REQUEST_STATUS_LABELS.items():
        if wanted in (status.value, label.lower()):
            return StatusFilter((status,), f"{label} requests")
    return None


def matches_typed(request: TermRequest, typed: str) -> bool:
    """Whether a reviewer typing in the duplicate picker means this request: part of its name, or #id."""
    key = normalise(typed)
    return not key or key in request.term_key or typed.strip().strip("#") == str(request.id)


def now_in_glossary(requests: Iterable[TermRequest], glossary: Glossary) -> list[tuple[TermRequest, Term]]:
    """Open new-term requests the glossary now answers (by the lookup's exact rules), with the term that does."""
    answered = []
    for request in requests:
        if not request.active or request.kind != RequestKind.NEW:
            continue
        found = glossary.resolve(request.term)
        if found.status == "hit" and found.term is not None:
            answered.append((request, found.term))
    return answered
