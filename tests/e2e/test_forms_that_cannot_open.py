"""Every form that cannot open says so, privately (issue 19): 👎 on a card and Open in the Home used to call
views.open bare, so a refusal from Slack became a 404 in the log and silence for the person."""

from __future__ import annotations

import json

from bot.slack.kit import ids

from .harness import wait_until
from .test_explain_and_feedback import vote
from .test_home_and_browse import MEMBER, element, home_click, open_home, press, select


def test_thumbs_down_whose_form_slack_refuses_tells_the_person_privately(server, fake_slack):
    fake_slack.fail("views.open", "expired_trigger_id")
    before = vote(server, fake_slack, "feedback_unhelpful", name="down")
    [told] = fake_slack.wait_for("/respond/down", since=before)
    assert told.body["response_type"] == "ephemeral"
    assert "would not open the form" in told.body["text"] and "expired_trigger_id" in told.body["text"]


def test_open_in_the_home_whose_modal_slack_refuses_tells_the_person_by_dm(server, fake_slack):
    home = open_home(server, fake_slack, MEMBER, event_id="EvHomeRefused")
    home = home_click(server, fake_slack, MEMBER, home, select(ids.HOME_PACK, "engineering"))["view"]
    fake_slack.fail("views.open", "expired_trigger_id")
    home_click(server, fake_slack, MEMBER, home, press(element(home, ids.HOME_TERM)), then="views.open")

    def told() -> list:
        return fake_slack.delivered("chat.postMessage", lambda c: "would not open the form" in json.dumps(c.body))

    assert wait_until(lambda: told(), timeout=30)
    assert told()[0].body["channel"] == MEMBER
