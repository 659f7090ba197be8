"""Opening a modal: the one Web API call a listener still makes itself, because Slack's trigger_id lasts 3 s.

The listener's client has a short timeout and no retries (bot/slack/app.py), so a slow Slack costs a listener
thread two seconds at most. When Slack refuses the modal or does not answer, the person is told in words where
they clicked: privately through the interaction's response_url, or by DM when there is none (a global shortcut).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...state.outbox import Outbox
from ..kit.blocks import escape
from ..kit.messages import notice, privately
from .notify import dm

log = logging.getLogger(__name__)
COULD_NOT_OPEN = (
    "Sorry, Slack would not open the form just now ({reason}). Nothing was saved; please try again in a moment."
)


def open_modal(
    client: WebClient,
    trigger_id: str,
    view: dict[str, Any],
    *,
    respond: Callable[..., Any] | None,
    user: str,
    outbox: Outbox,
) -> bool:
    """views.open; on a refusal or a timeout the person hears why. True when the modal opened."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as exc:
        reason = str(exc.response.get("error") or "an error")
    except Exception as exc:  # a timeout or a lost connection: the trigger has expired by now anyway
        reason = "it did not answer in time" if "timed out" in str(exc).lower() else "it could not be reached"
    log.warning("views.open failed for %s: %s", user, reason)
    message = notice(COULD_NOT_OPEN.format(reason=escape(reason)))
    try:
        if respond is not None:
            respond(**privately(message))
            return False
    except Exception:  # noqa: BLE001 - the response_url failed too: a DM is the last way to tell them
        log.warning("could not tell %s through the response_url either; sending a DM", user)
    dm(outbox, user, message)
    return False
