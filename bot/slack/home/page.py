"""What one person's Home tab shows, gathered from the core, and where they are in it (HomeState).

The Home is published for one person when they open it or click in it, never for everyone at once:
views.publish is rate-limited. The state (the shelf being browsed and each list's page) travels in the
view's private_metadata, so a click redraws the Home as it was, with one thing changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...answers.browse import (
    ShelfKind,
    categories,
    page_of,
    recent,
    role_shelf,
    roles_with_counts,
    shelf_from,
    shelf_terms,
)
from ...answers.label_lookups import discouraged_keys, discouraged_lookups
from ...answers.lookup_stats import helpfulness
from ...glossary.model import Severity
from ...glossary.names import normalise
from ...runtime import Runtime
from ...term_requests.rules import ACTIVE, TermRequest
from ..kit.blocks import encode_value, read_value
from .view import LABEL_DAYS, HomeModel, Miss, ReviewerPart, home_view

REQUESTS_PAGE = 10
REVIEW_PAGE = 10
LISTS = ("shelf", "mine", "review")  # the paged lists a page button may name


@dataclass(frozen=True)
class HomeState:
    kind: str = ""  # the shelf picked: "category" or "role"; "" follows the person's role, if any
    key: str = ""
    shelf_page: int = 1
    mine_page: int = 1
    review_page: int = 1

    def encode(self) -> str:
        return encode_value(
            {"k": self.kind, "v": self.key[:1500], "p": self.shelf_page, "m": self.mine_page, "r": self.review_page}
        )

    @classmethod
    def decode(cls, metadata: str | None) -> HomeState:
        """The state a published Home carried; anything unreadable (an older Home, no Home yet) starts afresh."""
        data = read_value(metadata)
        return cls(
            kind=_text(data.get("k")),
            key=_text(data.get("v")),
            shelf_page=_number(data.get("p")),
            mine_page=_number(data.get("m")),
            review_page=_number(data.get("r")),
        )

    def picked(self, kind: str, key: str) -> HomeState:
        return replace(self, kind=kind, key=key, shelf_page=1)

    def turned(self, value: str | None) -> HomeState:
        """A Previous or Next button: its value names the list and the page to show."""
        data = read_value(value)
        page = _number(data.get("p"))
        which = data.get("s")
        if which == "shelf":
            return replace(self, kind=_text(data.get("k")), key=_text(data.get("v")), shelf_page=page)
        if which == "mine":
            return replace(self, mine_page=page)
        if which == "review":
            return replace(self, review_page=page)
        return self


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 100_000 else 1


def build_home(runtime: Runtime, user_id: str, state: HomeState, *, reviewer: bool) -> dict:
    framing, role = runtime.preferred(user_id)
    terms = list(runtime.glossary.terms.values())
    shelf = shelf_from(state.kind, state.key, terms, runtime.roles) if state.kind else None
    if shelf is None and role is not None:
        shelf = role_shelf(role)  # a new hire with a role set sees their starter pack straight away
    shelf_page, lookups = None, {}
    if shelf is not None:
        lookups = runtime.lookup_counts() if shelf.kind is ShelfKind.ROLE else {}
        shelf_page = page_of(shelf_terms(terms, shelf, lookups), state.shelf_page)
    model = HomeModel(
        framing=framing,
        role=role,
        roles=list(runtime.roles.values()),
        categories=categories(terms),
        role_counts=roles_with_counts(terms, runtime.roles),
        shelf=shelf,
        shelf_page=shelf_page,
        ranked=bool(lookups),
        recent=recent(terms),
        requests=page_of(_your_requests(runtime, user_id), state.mine_page, REQUESTS_PAGE),
        reviewer=_reviewer_part(runtime, state) if reviewer else None,
        metadata=state.encode(),
    )
    return home_view(model)


def _your_requests(runtime: Runtime, user_id: str) -> list[tuple[TermRequest, bool]]:
    """Requests this person filed, then the ones they voted for, each newest first."""
    filed = [(r, True) for r in reversed(runtime.requests.list(requester=user_id))]
    return filed + [(r, False) for r in runtime.requests.voted_for(user_id)]


def _misses(runtime: Runtime, counted: list[tuple[str, int]]) -> list[Miss]:
    """Each miss with what became of it, as `/define stats` shows: the newest request filed for it (whatever its
    status), or the term the glossary now answers it with. Only the rest get "File a request"."""
    filed = runtime.lookups.requests_for(normalise(query) for query, _ in counted)
    misses = []
    for query, count in counted:
        found = runtime.glossary.resolve(query)
        term = found.term if found.status == "hit" else None
        number = filed.get(normalise(query), (None, None))[0]
        misses.append(Miss(query, count, _request(runtime, number), term))
    return misses


def _request(runtime: Runtime, number: int | None) -> TermRequest | None:
    if number is None:
        return None
    try:
        return runtime.requests.get(number)
    except LookupError:
        return None


def _reviewer_part(runtime: Runtime, state: HomeState) -> ReviewerPart:
    active = sorted(runtime.requests.list(statuses=ACTIVE), key=lambda r: (r.created_at, r.id))  # oldest first
    misses = _misses(runtime, runtime.top_misses(days=7))
    feedback = helpfulness(runtime.feedback_counts(), runtime.glossary)
    broken = [str(p) for p in runtime.side_file_problems() if p.severity == Severity.ERROR]
    stuck = runtime.outbox.stuck()
    undelivered = stuck.dead + stuck.waiting
    page = page_of(active, state.review_page, REVIEW_PAGE)
    pulls, request_pulls = None, {}
    if runtime.pulls.configured:
        ledger = runtime.pulls.ledger
        pulls = ledger.unfinished()
        request_pulls = {r.id: p for r in page.items if (p := ledger.for_request(r.id)) is not None}
    labels = None
    if discouraged_keys(runtime.glossary):  # a glossary without discouraged labels has nothing to list
        labels = discouraged_lookups(runtime.glossary, runtime.lookups, LABEL_DAYS)
    return ReviewerPart(page, misses, feedback, broken, undelivered, pulls, request_pulls, labels)
