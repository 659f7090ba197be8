"""Term links unfold: link_shared answered with chat.unfurl, entity_details_requested with entity.presentDetails.

A link to a term's page on GLOSSARY_URL (manifest: features.unfurl_domains) unfurls as a Work Object where the
workspace has them (UNFURL_WORK_OBJECTS=on, the default), and as a classic compact card where chat.unfurl refuses
the entity or the setting is off. Clicking the Work Object opens its flexpane, drawn for whoever clicked.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...runtime import Runtime
from ..kit.deps import Listener, deps_of
from .links import slug_of, term_page
from .shapes import classic_unfurl, flexpane_entity, gone, term_entity

log = logging.getLogger(__name__)
MAX_LINKS = 5  # Slack sends at most five links per message


def _where(event: dict[str, Any]) -> dict[str, Any]:
    """chat.unfurl names the message by channel and ts, or, in the composer before sending, by unfurl_id."""
    if event.get("source") == "composer" and event.get("unfurl_id"):
        return {"unfurl_id": event["unfurl_id"], "source": "composer"}
    return {"channel": event["channel"], "ts": event["message_ts"]}


def _term_links(runtime: Runtime, event: dict[str, Any]) -> list[tuple[str, str]]:
    """(link as posted, slug) for each link naming a term the glossary has."""
    site, found = runtime.settings.glossary_url, []
    for link in (event.get("links") or [])[:MAX_LINKS]:
        url = str(link.get("url") or "")
        slug = slug_of(url, site)
        if slug and runtime.glossary.get(slug) is not None:
            found.append((url, slug))
    return found


def on_link_shared(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    runtime = deps_of(context).runtime
    links = _term_links(runtime, event)
    if not links:
        return
    cards = {url: runtime.open_term("", slug) for url, slug in links}  # nobody's framing: everyone sees it
    site, product = runtime.settings.glossary_url, runtime.settings.glossary_name
    if runtime.settings.unfurl_work_objects:
        entities = [term_entity(c, term_page(site, c.term.slug), url, product) for url, c in cards.items() if c]
        try:
            client.chat_unfurl(**_where(event), metadata={"entities": entities})
            return
        except SlackApiError as exc:  # Work Objects off in this workspace, or the entity refused: the classic card
            log.info("work object unfurl refused (%s); unfurling the classic card", exc.response.get("error"))
    unfurls = {url: classic_unfurl(c) for url, c in cards.items() if c}
    try:
        client.chat_unfurl(**_where(event), unfurls=unfurls)
    except SlackApiError as exc:  # the link stays a link; nothing else depends on it
        log.warning("could not unfurl a term link: %s", exc.response.get("error"))


def on_entity_details(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The flexpane, for the person who opened it: their framing, their role's takeaway."""
    runtime = deps_of(context).runtime
    slug = str((event.get("external_ref") or {}).get("id") or "")
    card = runtime.open_term(event.get("user", ""), slug) if slug else None
    try:
        if card is None:
            client.entity_presentDetails(trigger_id=event["trigger_id"], error=gone(slug))
            return
        url = event.get("entity_url") or term_page(runtime.settings.glossary_url, slug)
        entity = flexpane_entity(card, url, runtime.settings.glossary_name)
        client.entity_presentDetails(trigger_id=event["trigger_id"], metadata=entity)
        runtime.record_opened("unfurl", slug)
    except SlackApiError as exc:
        log.warning("could not present a term's details: %s", exc.response.get("error"))


LISTENERS: list[Listener] = [
    ("event", "link_shared", on_link_shared),
    ("event", "entity_details_requested", on_entity_details),
]
