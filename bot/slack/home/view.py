"""The App Home tab as Block Kit, from a HomeModel the listener side fills in. Pure: no Slack I/O.

Sections, top to bottom: your defaults (framing and role menus that save at once), browse (a category or a
role's starter pack, paged), recently added or changed terms, your requests and the ones you voted for, and
for reviewers the open requests by age (each with its pull request's state), the pull requests from Slack not done
yet, this week's top misses, the discouraged words looked up most and the cards with the most 👎. Every list is
paged or capped so the whole tab stays within Slack's 100 blocks (worst case: about 80).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...answers.browse import Page, Recent, Shelf
from ...answers.cards import Card
from ...answers.label_lookups import LabelLookups
from ...answers.lookup_stats import TermFeedback
from ...glossary.model import Framing, Role, Term
from ...state.pulls import PullRecord
from ...term_requests.rules import TermRequest
from ..browse.messages import RANKED_NOTE, category_select, page_buttons, page_note, role_select, shelf_value, term_row
from ..cards.card import card_blocks
from ..kit import ids
from ..kit.blocks import HEADER_MAX, actions, button, context, escape, option, plain, safe, section
from .reviewer_lists import discouraged_labels, pull_link, pull_requests

HOME_BLOCKS_MAX = 100
MISSES_SHOWN = 10
UNHELPFUL_SHOWN = 5
LABEL_DAYS = 30  # the discouraged words' window: long enough to rank a handful of words
MODAL_TITLE_MAX = 24

_FRAMING_CHOICES = (("both", "Both framings"), ("exec", "For executives first"), ("engineer", "For engineers first"))
NO_ROLE = "none"


@dataclass(frozen=True)
class Miss:
    """A query that found nothing this week, and the active request for it if someone filed one."""

    query: str
    count: int
    request: TermRequest | None = None
    term: Term | None = None  # the term the glossary answers it with now (added since the misses were counted)


@dataclass(frozen=True)
class ReviewerPart:
    open_requests: Page[TermRequest]  # oldest first
    misses: Sequence[Miss] = ()
    feedback: Sequence[TermFeedback] = ()  # Helpful? votes per term, the most 👎 first (lookup_stats.helpfulness)
    side_files: Sequence[str] = ()  # errors in owners.yml / roles.yml, one line each (Runtime.side_file_problems)
    undelivered: int = 0  # Slack messages not delivered: dead, or still tried after 10 minutes (Outbox.stuck)
    pulls: Sequence[PullRecord] | None = None  # unfinished pull requests; None: pull requests are not set up
    request_pulls: Mapping[int, PullRecord] = field(default_factory=dict)  # the listed requests' pull requests
    labels: Sequence[LabelLookups] | None = None  # discouraged labels looked up; None: the glossary has none


@dataclass(frozen=True)
class HomeModel:
    framing: Framing | None
    role: Role | None
    roles: Sequence[Role]
    categories: Sequence[tuple[str, int]]
    role_counts: Sequence[tuple[Role, int]]
    shelf: Shelf | None
    shelf_page: Page[Term] | None
    recent: Recent
    requests: Page[tuple[TermRequest, bool]]  # (request, filed by this person: else voted for)
    reviewer: ReviewerPart | None = None
    ranked: bool = False  # the shelf is ordered by lookups (a role's starter pack, once there are any)
    metadata: str = ""  # the HomeState, carried to the next click
    now: dt.datetime | None = field(default=None, compare=False)


def home_view(model: HomeModel) -> dict:
    blocks: list[dict] = [
        {"type": "header", "text": plain("Glossary", HEADER_MAX)},
        context("Look up a term anywhere with `/define &lt;term&gt;`, or mention me in a thread. Browse below."),
    ]
    blocks += _defaults(model)
    blocks += _browse(model)
    blocks += _recent(model.recent)
    blocks += _your_requests(model.requests, model.now)
    if model.reviewer is not None:
        blocks += _reviewer(model.reviewer, model.now)
    # The lists above are paged or capped so this never triggers; if it ever did, Slack would refuse the whole tab.
    blocks = blocks[:HOME_BLOCKS_MAX]
    return {"type": "home", "blocks": blocks, "private_metadata": model.metadata}


def _divider() -> dict:
    return {"type": "divider"}


def _header(text: str) -> dict:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def _defaults(model: HomeModel) -> list[dict]:
    framing_options = [option(label, value) for value, label in _FRAMING_CHOICES]
    chosen_framing = model.framing.value if model.framing else "both"
    role_options = [option("No role", NO_ROLE), *(option(r.name, r.key) for r in model.roles[:99])]
    chosen_role = model.role.key if model.role else NO_ROLE
    return [
        _divider(),
        section("*Your defaults* · saved as soon as you pick; every card follows them."),
        actions(
            _select(ids.HOME_FRAMING, "Framing", framing_options, chosen_framing),
            _select(ids.HOME_ROLE, "Your role", role_options, chosen_role),
            button("Reset both", ids.HOME_RESET),
        ),
        context("Your role adds its takeaway to every card and opens its starter pack below."),
    ]


def _select(action_id: str, placeholder: str, options: list[dict], chosen: str) -> dict:
    select = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": {"type": "plain_text", "text": placeholder, "emoji": True},
        "options": options,
    }
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial:
        select["initial_option"] = initial
    return select


def _open_term(term: Term) -> dict:
    return button("Open", ids.HOME_TERM, term.slug[:150])


def _browse(model: HomeModel) -> list[dict]:
    shelf = model.shelf
    kind_key = (shelf.kind.value, shelf.key) if shelf else ("", "")
    blocks = [
        _divider(),
        _header("Browse"),
        actions(
            category_select(ids.HOME_CATEGORY, model.categories, kind_key[1] if kind_key[0] == "category" else None),
            role_select(ids.HOME_PACK, model.role_counts, kind_key[1] if kind_key[0] == "role" else None),
        ),
    ]
    if shelf is None or model.shelf_page is None:
        blocks.append(context("Pick a category, or a role for its starter pack: the terms its people meet first."))
        return blocks
    page = model.shelf_page
    ordered = RANKED_NOTE if model.ranked else ""
    blocks.append(section(f"*{safe(shelf.title, 300)}* · {page_note(page)}{ordered}"))
    blocks += [term_row(term, _open_term(term)) for term in page.items] or [section("No terms here yet.")]
    nav = page_buttons(page, ids.HOME_PREVIOUS, ids.HOME_NEXT, {"s": "shelf", **shelf_value(shelf, page.number)})
    if nav:
        blocks.append(nav)
    return blocks


def _recent(recent: Recent) -> list[dict]:
    blocks = [_divider(), _header("Recently added or changed")]
    if not recent.terms:
        return [*blocks, context("No term has a review date yet.")]
    for term in recent.terms:
        row = term_row(term, _open_term(term))
        row["text"]["text"] += f"\n_Reviewed {escape(term.last_reviewed)}_"
        blocks.append(row)
    note = "By the date each term was last reviewed, newest first."
    if recent.sharing_newest > len(recent.terms):
        note += (
            f" {recent.sharing_newest} terms were reviewed on {escape(recent.newest)}; `/define browse` has them all."
        )
    blocks.append(context(note))
    return blocks


def _request_line(request: TermRequest, now: dt.datetime | None, *, mine: bool | None = None) -> str:
    age = request.age_days(now)
    who = "" if mine is None else (" · you asked" if mine else " · you voted")
    return (
        f"*#{request.id} {safe(request.term, 100)}* · {escape(request.label)} · "
        f"{request.votes} vote{'s' if request.votes != 1 else ''} · {age} day{'s' if age != 1 else ''} old{who}"
    )


def _open_request(request: TermRequest) -> dict:
    return button("Open", ids.HOME_REQUEST, str(request.id))


def _your_requests(page: Page[tuple[TermRequest, bool]], now: dt.datetime | None) -> list[dict]:
    blocks = [_divider(), _header("Your requests")]
    if not page.items:
        return [
            *blocks,
            context(
                "None yet. Missing a term? `/define request &lt;term&gt;`, or the “Request a glossary term” shortcut."
            ),
        ]
    blocks.append(context(f"The ones you asked for and the ones you voted for · {page_note(page, 'request')}"))
    blocks += [section(_request_line(r, now, mine=mine), _open_request(r)) for r, mine in page.items]
    nav = page_buttons(page, ids.HOME_PREVIOUS, ids.HOME_NEXT, {"s": "mine"})
    if nav:
        blocks.append(nav)
    return blocks


def _reviewer(part: ReviewerPart, now: dt.datetime | None) -> list[dict]:
    page = part.open_requests
    blocks = [
        _divider(),
        _header("For reviewers"),
        section(f"*Open requests, oldest first* · {page_note(page, 'request')}"),
    ]
    # A broken side file does not stop cards (the last good one is used), so nothing else would show it.
    blocks += [context(f"⚠️ Side file to fix: {safe(line, 400)}") for line in part.side_files[:3]]
    if part.undelivered:  # a triage post or a DM that has not reached Slack: the outbox keeps trying, people wait
        blocks.append(
            context(
                f"⚠️ {part.undelivered} Slack message{'s' if part.undelivered != 1 else ''} not delivered yet: "
                "`python -m bot outbox` shows why, `python -m bot outbox --retry` sends them again."
            )
        )
    for r in page.items:
        pull = part.request_pulls.get(r.id)
        line = _request_line(r, now) + (f" · pull request {pull_link(pull)}" if pull else "")
        blocks.append(section(line, _open_request(r)))
    if not page.items:
        blocks.append(context("Nothing waiting. 🎉"))
    nav = page_buttons(page, ids.HOME_PREVIOUS, ids.HOME_NEXT, {"s": "review"})
    if nav:
        blocks.append(nav)
    if part.pulls is not None:
        blocks += pull_requests(part.pulls)
    blocks.append(section("*This week's top misses* · what people looked up and did not find"))
    if not part.misses:
        blocks.append(context("No misses recorded this week."))
    for miss in part.misses[:MISSES_SHOWN]:
        times = f"{miss.count} time{'s' if miss.count != 1 else ''}"
        if miss.term is not None:
            text = f"*{safe(miss.query, 200)}* · {times} · in the glossary now as *{safe(miss.term.term, 200)}*"
            blocks.append(section(text, button("Open", ids.HOME_TERM, miss.term.slug)))
        elif miss.request:
            text = (
                f"*{safe(miss.query, 200)}* · {times} · requested as #{miss.request.id} ({escape(miss.request.label)})"
            )
            blocks.append(section(text, _open_request(miss.request)))
        else:
            text = f"*{safe(miss.query, 200)}* · {times} · not requested yet"
            blocks.append(section(text, button("File a request", ids.REQUEST_TERM, {"t": miss.query[:100]})))
    if part.labels is not None:
        blocks += discouraged_labels(part.labels, LABEL_DAYS)
    return blocks + _unhelpful(part.feedback)


def _unhelpful(feedback: Sequence[TermFeedback]) -> list[dict]:
    """The cards people voted 👎 on most, with both counts: what to rewrite first. Who voted is never shown."""
    blocks = [section("*Least helpful cards* · Helpful? votes, all time, most 👎 first")]
    down = [f for f in feedback if f.not_helpful][:UNHELPFUL_SHOWN]
    if not down:
        return [*blocks, context("No card has a 👎 yet.")]
    for f in down:
        text = f"*{safe(f.term, 150)}* · 👎 {f.not_helpful} · 👍 {f.helpful}"
        blocks.append(section(text, button("Open", ids.HOME_TERM, f.slug[:150])))
    return blocks


def term_modal(card: Card) -> dict:
    """A term's card opened from the Home: read-only, so without the card's buttons, which answer in a message."""
    blocks = [b for b in card_blocks(card) if b["type"] != "actions"]
    return {
        "type": "modal",
        "title": plain("Glossary", MODAL_TITLE_MAX),
        "close": plain("Close", MODAL_TITLE_MAX),
        "blocks": blocks[:HOME_BLOCKS_MAX],
    }
