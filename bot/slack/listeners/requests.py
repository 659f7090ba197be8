"""Ways into a term request (button, command, shortcut, "Suggest a change") and the modal's submission."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from ...requests import RequestForm, split_links, validate
from ...runtime import Runtime
from .. import ids
from ..notify import dm, post_triage, update_triage
from ..render.requests import confirmation_text, confirmation_view, request_modal
from ..render.results import notice
from ..render.text import read_value

# Which modal block shows each field's validation error.
FIELD_BLOCKS = {
    "term": ids.REQ_TERM, "aliases": ids.REQ_ALIASES, "seen_where": ids.REQ_WHERE, "why": ids.REQ_WHY,
    "audiences": ids.REQ_AUDIENCE, "urgency": ids.REQ_URGENCY, "links": ids.REQ_LINKS,
}  # fmt: skip


def form_from_view(view: dict) -> RequestForm:
    values = view["state"]["values"]

    def text(block: str) -> str:
        return (values.get(block, {}).get(ids.INPUT, {}).get("value")) or ""

    def chosen(block: str) -> list[str]:
        element = values.get(block, {}).get(ids.INPUT, {})
        options = element.get("selected_options") or (
            [element["selected_option"]] if element.get("selected_option") else []
        )
        return [o["value"] for o in options]

    meta = read_value(view.get("private_metadata"))
    urgency = chosen(ids.REQ_URGENCY)
    return RequestForm(
        term=text(ids.REQ_TERM),
        why=text(ids.REQ_WHY),
        kind=meta.get("k") or "new",
        aliases=text(ids.REQ_ALIASES),
        seen_where=text(ids.REQ_WHERE),
        audiences=tuple(chosen(ids.REQ_AUDIENCE)),
        urgency=urgency[0] if urgency else "",
        links=split_links(text(ids.REQ_LINKS)),
        anonymous="anonymous" in chosen(ids.REQ_ANONYMOUS),
        linked_slug=meta.get("s") or None,
    )


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.REQUEST_TERM)
    def request_button(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        term = read_value(action.get("value")).get("t", "")
        client.views_open(trigger_id=body["trigger_id"], view=request_modal(term=str(term)))

    @app.action(ids.SUGGEST_CHANGE)
    def suggest_change(ack: Ack, body: dict, action: dict, client: WebClient, respond) -> None:
        ack()
        term = runtime.glossary.get(str(read_value(action.get("value")).get("s", "")))
        if term is None:
            respond(
                response_type="ephemeral", replace_original=False, **notice("That term is no longer in the glossary.")
            )
            return
        client.views_open(
            trigger_id=body["trigger_id"],
            view=request_modal(term=term.term, kind="change", slug=term.slug, term_name=term.term),
        )

    @app.shortcut(ids.REQUEST_SHORTCUT)
    def request_shortcut(ack: Ack, shortcut: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=shortcut["trigger_id"], view=request_modal())

    @app.view(ids.REQUEST_VIEW)
    def submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        form = form_from_view(view)
        errors = validate(form, runtime.glossary)
        if errors:
            ack(response_action="errors", errors={FIELD_BLOCKS[f]: m for f, m in errors.items()})
            return
        user = body["user"]["id"]
        filed = runtime.requests.file(form, user)  # committed before anyone is told
        text = confirmation_text(filed.request, created=filed.created, voted=filed.voted)
        ack(response_action="update", view=confirmation_view(text))
        if filed.created:
            post_triage(client, runtime, filed.request)
        elif filed.voted:
            update_triage(client, runtime, filed.request)
        dm(client, user, notice(text))
