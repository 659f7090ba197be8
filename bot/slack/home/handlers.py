"""The App Home tab: published for one person when they open it, and redrawn for them after each click.

Never published for everyone (on a reload, say): views.publish is rate-limited per workspace. Menus save
at once through the Runtime; a term or request opens in a modal, since the Home has no response_url.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...glossary.lookup import LookupResult, Match
from ...glossary.model import Framing, LookupStatus, MatchHow
from ..browse.messages import category_from_value
from ..kit import ids
from ..kit.deps import Deps, Listener, deps_of
from ..kit.messages import TERM_GONE, notice_modal
from ..outbox.modals import open_modal
from ..requests.detail import detail_modal
from ..requests.triage_forms import request_number
from .page import HomeState, build_home
from .settings_view import section_for
from .view import HOME_BLOCKS_MAX, NO_ROLE, term_modal

log = logging.getLogger(__name__)


def publish(client: WebClient, deps: Deps, user_id: str, state: HomeState) -> None:
    """Queued for the publisher (drawn and paced off this thread) when the bot has one, as a serving bot does."""
    if deps.homes is not None:
        draw = lambda user, state: home_view(client, deps, user, state)  # noqa: E731 - the workspace's own Home
        deps.homes.request(user_id, state, draw=draw, client=client, team=deps.team_id or "")
        return
    view = home_view(client, deps, user_id, state)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:  # the next open tries again; nothing else depends on it
        log.warning("could not publish the Home of %s: %s", user_id, exc.response.get("error"))


def home_view(client: WebClient, deps: Deps, user_id: str, state: HomeState) -> dict[str, Any]:
    """A person's Home as their workspace shows it: its glossary and reviewers (deps are scoped to it)."""
    view = build_home(deps.runtime, user_id, state, reviewer=user_id in deps.reviewers)
    # The workspace's settings, under the heading, for those who may see them (admins, owners, reviewers).
    view["blocks"] = (view["blocks"][:2] + section_for(client, deps, user_id) + view["blocks"][2:])[:HOME_BLOCKS_MAX]
    return view


def _state(body: dict[str, Any]) -> HomeState:
    return HomeState.decode((body.get("view") or {}).get("private_metadata"))


def _selected(action: dict[str, Any]) -> str:
    return str((action.get("selected_option") or {}).get("value") or "")


def on_home_tab(event: dict[str, Any]) -> bool:
    """The Home is drawn for the Home tab only: app_home_opened also arrives with tab "messages" when the person
    opens the agent DM, which is bot/slack/assistant's (a Home published then would cost a Tier 4 call for nothing)."""
    return event.get("tab") == "home"


def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if not on_home_tab(event):  # the matcher keeps these away; a direct call is refused too
        return
    # Back where they were: the Home they last saw carries its state, if Slack sends it.
    publish(
        client, deps_of(context), event["user"], HomeState.decode((event.get("view") or {}).get("private_metadata"))
    )


def set_framing(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    deps, user = deps_of(context), body["user"]["id"]
    deps.runtime.set_framing(user, Framing.parse(_selected(action)))  # "both" parses as None: both framings
    publish(client, deps, user, _state(body))


def set_role(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    deps, user, key = deps_of(context), body["user"]["id"], _selected(action)
    if key == NO_ROLE:
        deps.runtime.clear_role(user)
    else:
        deps.runtime.set_role(user, key)
    publish(client, deps, user, _state(body))


def reset(ack: Ack, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    deps, user = deps_of(context), body["user"]["id"]
    deps.runtime.clear_preferences(user)
    publish(client, deps, user, _state(body))


def pick_category(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    publish(
        client,
        deps_of(context),
        body["user"]["id"],
        _state(body).picked("category", category_from_value(_selected(action))),
    )


def pick_pack(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    publish(client, deps_of(context), body["user"]["id"], _state(body).picked("role", _selected(action)))


def turn_page(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    publish(client, deps_of(context), body["user"]["id"], _state(body).turned(action.get("value")))


def open_term(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    runtime, user, slug = deps_of(context).runtime, body["user"]["id"], str(action.get("value") or "")
    card = runtime.open_term(user, slug, expanded=True)  # expanded: a modal has no More button
    view = notice_modal(TERM_GONE) if card is None else term_modal(card)
    # The Home has no response_url: when Slack will not open the modal, the person hears why by DM.
    if not open_modal(client, body["trigger_id"], view, respond=None, user=user, outbox=runtime.outbox) or not card:
        return
    term = card.term
    runtime.record_lookup(
        "home", term.term, LookupResult(LookupStatus.HIT, term.term, (Match(term, 100.0, term.term),), MatchHow.NAME)
    )


def open_request(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: Any) -> None:
    """Reviewers open any request; anyone else the ones they filed or voted for (the core's may_read)."""
    ack()
    deps, user = deps_of(context), body["user"]["id"]
    view = detail_modal(deps.runtime, user, request_number(action.get("value")), reviewer=user in deps.reviewers)
    open_modal(client, body["trigger_id"], view, respond=None, user=user, outbox=deps.runtime.outbox)


LISTENERS: list[Listener] = [
    ("event", "app_home_opened", home_opened, (on_home_tab,)),
    ("action", ids.HOME_FRAMING, set_framing),
    ("action", ids.HOME_ROLE, set_role),
    ("action", ids.HOME_RESET, reset),
    ("action", ids.HOME_CATEGORY, pick_category),
    ("action", ids.HOME_PACK, pick_pack),
    ("action", ids.HOME_PREVIOUS, turn_page),
    ("action", ids.HOME_NEXT, turn_page),
    ("action", ids.HOME_TERM, open_term),
    ("action", ids.HOME_REQUEST, open_request),
]
