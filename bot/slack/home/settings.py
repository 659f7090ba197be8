"""The Home's workspace settings: drawn for admins, owners and reviewers; changed through a modal by admins and
owners only (asked of Slack again on every save). The rules are bot/workspaces/settings.py's."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from ...workspaces.settings import CHANNEL, known_domains
from ..kit import ids
from ..kit.deps import Listener, deps_of
from ..outbox.modals import open_modal
from .handlers import publish
from .page import HomeState
from .settings_view import field_errors, form_from_view, settings_modal

NOT_ADMIN = "Only workspace admins and owners change these settings."


def open_settings(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps, user = deps_of(context), body["user"]["id"]
    if not deps.admins.is_admin(client, user, fresh=True):
        return  # the button is drawn for admins only; a stale Home after a demotion opens nothing
    runtime = deps.runtime
    form = runtime.workspaces.form_for(deps.team_id)
    view = settings_modal(form, runtime.settings.digest_day)
    open_modal(client, body["trigger_id"], view, respond=None, user=user, outbox=runtime.outbox)


def save_settings(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: Any) -> None:
    """Valid: saved whole, the modal closes and the Home is redrawn; invalid: the errors on their fields."""
    deps, user = deps_of(context), body["user"]["id"]
    if not deps.admins.is_admin(client, user, fresh=True):
        ack(response_action="errors", errors=field_errors({CHANNEL: NOT_ADMIN}))
        return
    runtime = deps.runtime
    domains = known_domains(runtime.glossary.terminology)
    form = form_from_view(view)
    errors = runtime.workspaces.save(
        deps.team_id or "", form, by=user, domains=domains, enterprise_id=deps.enterprise_id or ""
    )
    if errors:
        ack(response_action="errors", errors=field_errors(errors))
        return
    ack()
    publish(client, deps, user, HomeState())  # the Home shows what now applies


LISTENERS: list[Listener] = [
    ("action", ids.HOME_SETTINGS, open_settings),
    ("view", ids.SETTINGS_VIEW, save_settings),
]
