"""Two workspaces on one running bot: signed requests from two teams (the same user ids, the same term) file and
vote on requests, list them and triage them, and neither team sees, counts or changes the other's."""

from __future__ import annotations

import json
import urllib.parse

from bot.state.team import Team

from .harness import TEAM, block_action, command_body, signed_post, view_submission, wait_until
from .requests_helpers import FORM, post, request_values

OTHER = "T0BETA01"


def as_team(payload: dict, team: str) -> dict:
    """An interaction payload as Slack sends it from another workspace: its team and its user's team."""
    payload = json.loads(json.dumps(payload))
    payload["team"]["id"] = team
    payload["user"]["team_id"] = team
    if "view" in payload:
        payload["view"]["team_id"] = team
    return payload


def file_request(server, team: str, user: str) -> dict:
    values = request_values("prompt golf")
    reply = post(
        server, as_team(view_submission("term_request", values, user=user, private_metadata='{"k":"new","s":""}'), team)
    )
    assert reply.status == 200, reply.body
    return reply.json()


def define(server, team: str, text: str, user: str) -> str:
    body = dict(urllib.parse.parse_qsl(command_body(text, user=user)))
    body["team_id"] = team
    reply = signed_post(server.url + "/slack/events", urllib.parse.urlencode(body), FORM)
    assert reply.status == 200, reply.body
    return json.dumps(reply.json())


def test_two_teams_file_vote_list_and_triage_without_seeing_each_other(server, fake_slack):
    first = file_request(server, TEAM, "UASKER01")
    second = file_request(server, OTHER, "UASKER01")  # the same person id and term, in another workspace
    assert "request #1" in json.dumps(first) and "request #2" in json.dumps(second)  # a request, not a vote on #1
    third = file_request(server, OTHER, "UVOTER01")
    assert "#2" in json.dumps(third)  # a vote on its own team's request

    home, beta = server.runtime.for_team(Team(TEAM)), server.runtime.for_team(Team(OTHER))
    [mine] = home.requests.list()
    [theirs] = beta.requests.list()
    assert (mine.id, mine.voters) == (1, ("UASKER01",))
    assert (theirs.id, theirs.voters) == (2, ("UASKER01", "UVOTER01"))

    listed_home = define(server, TEAM, "requests", "UREVIEW01")
    listed_beta = define(server, OTHER, "requests", "UREVIEW01")
    assert "#1" in listed_home and "#2" not in listed_home
    assert "#2" in listed_beta and "#1" not in listed_beta
    assert "no request #1" in define(server, OTHER, "request 1", "UREVIEW01")  # not another team's request

    # A reviewer in the other workspace presses triage on #1: nothing of team one's request moves.
    respond = fake_slack.response_url("beta")
    click = block_action(
        "triage:drafting", "1", user="UREVIEW01", ephemeral=False, channel="CREQUESTS", response_url=respond
    )
    assert post(server, as_team(click, OTHER)).status == 200
    [refusal] = fake_slack.wait_for("/respond/beta")
    assert "no request #1" in json.dumps(refusal.body)  # told as if it did not exist
    assert wait_until(lambda: len(fake_slack.of("chat.postMessage")) >= 4)  # both triage posts and both DMs
    assert home.requests.get(1).status == "open" and [h["action"] for h in home.requests.history(1)] == [
        "filed",
        "voted",
    ]

    with server.runtime.store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, team_id FROM term_requests ORDER BY id").all()
        letters = conn.exec_driver_sql("SELECT DISTINCT team_id FROM outbox ORDER BY team_id").all()
    assert [tuple(r) for r in rows] == [(1, TEAM), (2, OTHER)]
    assert [r[0] for r in letters] == sorted([TEAM, OTHER])  # each team's letters carry their team
