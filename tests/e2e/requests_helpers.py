"""Driving the request workflow over signed HTTP."""

from __future__ import annotations

import json

from .harness import block_action, interaction_body, signed_post, view_submission

FORM = "application/x-www-form-urlencoded"


def post(server, payload):
    return signed_post(server.url + "/slack/events", interaction_body(payload), FORM)


def request_values(
    term="prompt golf",
    why="It came up in planning and nobody could explain it.",
    *,
    aliases="",
    where="",
    audiences=(),
    urgency="",
    links="",
    anonymous=False,
) -> dict:
    return {
        "req_term": {"value": {"type": "plain_text_input", "value": term}},
        "req_aliases": {"value": {"type": "plain_text_input", "value": aliases or None}},
        "req_where": {"value": {"type": "plain_text_input", "value": where or None}},
        "req_why": {"value": {"type": "plain_text_input", "value": why}},
        "req_audience": {"value": {"type": "checkboxes", "selected_options": [{"value": a} for a in audiences]}},
        "req_urgency": {"value": {"type": "radio_buttons", "selected_option": {"value": urgency} if urgency else None}},
        "req_links": {"value": {"type": "plain_text_input", "value": links or None}},
        "req_anonymous": {
            "value": {"type": "checkboxes", "selected_options": [{"value": "anonymous"}] if anonymous else []}
        },
    }


def submit_request(server, *, user="UASKER01", metadata='{"k":"new","s":""}', **values):
    reply = post(
        server, view_submission("term_request", request_values(**values), user=user, private_metadata=metadata)
    )
    assert reply.status == 200, reply.body
    return reply.json() if reply.body else {}


def triage_click(server, fake_slack, operation, request_id, *, user="UREVIEW01", name="t"):
    reply = post(
        server,
        block_action(
            f"triage:{operation}",
            str(request_id),
            user=user,
            ephemeral=False,
            channel="CREQUESTS",
            response_url=fake_slack.response_url(name),
        ),
    )
    assert reply.status == 200
    return reply


def triage_view_submit(server, callback_id, request_id, values, *, user="UREVIEW01", first_block="x"):
    payload = view_submission(
        callback_id,
        values,
        user=user,
        private_metadata=json.dumps({"r": request_id}),
        blocks=[{"type": "input", "block_id": first_block}],
    )
    reply = post(server, payload)
    assert reply.status == 200
    return reply.json() if reply.body else {}
