"""Issue 23's acceptance, end to end: two workspaces installed through the OAuth flow against the fake Slack, on
SQLite and PostgreSQL, each setting its own requests channel and reviewers on the Home, looking terms up, filing a
request, voting and triaging it. Every post, redraw, DM and user-group read goes with its own workspace's token to
its own channel and people; every row names its own team. A token refreshed mid-run by the outbox; tokens revoked
(the team's letters wait, sent with nobody else's token) then a reinstall (they go); uninstall deletes the tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import inspect, text

from bot.slack.install.sealed import Sealer
from bot.slack.install.store import SealedInstallationStore
from bot.slack.kit import ids
from bot.state.outbox import LetterKind
from bot.state.team import Team

from .fake_slack_oauth import CLIENT_ID, FakeOAuth, Grant, token_of
from .harness import block_action, view_submission, wait_until
from .oauth_flow import KEY, define, event, install, oauth_settings
from .requests_helpers import post, request_values
from .test_two_teams import as_team
from .test_workspace_settings import values

ONE, TWO = Grant("T0000ONE"), Grant("T0000TWO")
ORG = Grant(None, "E00000ORG")  # an Enterprise Grid org, installed org-wide
CHANNEL = {ONE: "C0ONEREQS", TWO: "C0TWOREQS"}
ADMIN, ASKER, VOTER, REVIEWER, GROUPIE = "UADMIN01", "UASKER01", "UVOTER01", "UREVIEW01", "UGROUPIE1"
GROUP = "SONEREVS1"  # workspace ONE's reviewers' user group: read with ONE's token


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, make_server, settings, fake_slack):
    url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    fake_slack.oauth = FakeOAuth()
    fake_slack.admins.add(ADMIN)
    fake_slack.usergroups[GROUP] = [GROUPIE]
    # Nothing from the environment: each workspace's channel and reviewers come from its Home.
    changes = {"requests_channel": "", "reviewers": (), "slack_team_id": "", "outbox_retry_seconds": 0.05}
    return make_server(**oauth_settings(settings, database_url=url, **changes))


def team_of_token(token: str) -> str:
    """The fake issues tokens named after their grant: `xoxe.xoxb-<team>-<serial>-not-real`."""
    return token.split("-")[1] if token.startswith("xoxe.xoxb-") else f"not an installation's: {token!r}"


def sent(fake_slack, since: int = 0) -> list[tuple[str, str, str, str]]:
    """(method, the team whose token it carried, channel or user, text) of every Web API call since the mark."""
    return [
        (c.method, team_of_token(token_of(c)), str(c.body.get("channel") or c.body.get("user_id") or ""), str(c.body))
        for c in fake_slack.calls[since:]
        if c.path.startswith("/api/") and c.method != "oauth.v2.access"
    ]


def submit(server, grant: Grant, payload: dict) -> dict:
    reply = post(server, as_team(payload, grant.team_id))
    assert reply.status == 200, reply.body
    return reply.json() if reply.body else {}


def rows_by_team(server) -> dict[str, set[str]]:
    """Every state table with a team column: the teams its rows name."""
    engine = server.runtime.store.engine
    tables = [
        t for t in inspect(engine).get_table_names() if "team_id" in {c["name"] for c in inspect(engine).get_columns(t)}
    ]
    with engine.connect() as conn:
        return {t: set(conn.execute(text(f"SELECT DISTINCT team_id FROM {t}")).scalars()) for t in tables}


def expire_soon(server, grant: Grant) -> str:
    """As if hours went by: the stored token expires in a minute (under TOKEN_ROTATION_MINUTES). Its token now."""
    store = SealedInstallationStore(CLIENT_ID, server.runtime.store.engine, Sealer([KEY]))
    bot = store.find_bot(enterprise_id=None, team_id=grant.team_id)
    bot.bot_token_expires_at = int(dt.datetime.now(dt.UTC).timestamp()) + 60
    store.save_bot(bot)
    return bot.bot_token


def test_two_workspaces_through_oauth_keep_every_row_message_and_token_to_their_own_team(server, fake_slack):
    oauth = fake_slack.oauth
    for grant in (ONE, TWO):
        assert install(server.url, oauth, grant).status == 200
        group = GROUP if grant is ONE else ""
        settings = values(channel=CHANNEL[grant], users=(REVIEWER,), group=group)
        assert submit(server, grant, view_submission(ids.SETTINGS_VIEW, settings, user=ADMIN)) == {}
        card = define(server.url, "RAG", team=grant.team_id)
        assert card.status == 200 and "Retrieval" in card.body
    # The same people and the same term in both: one request each, and a vote on its own team's only.
    for grant in (ONE, TWO):
        for person in (ASKER, VOTER):
            submit(server, grant, request_form(person))
    one, two = (server.runtime.for_team(Team(g.team_id)) for g in (ONE, TWO))
    [first], [second] = one.requests.list(), two.requests.list()
    assert first.voters == second.voters == (ASKER, VOTER) and first.id != second.id
    for grant, request in ((ONE, first), (TWO, second)):  # each triage post in its own channel, with its own token
        assert wait_until(lambda g=grant, r=request: (r.id, g.team_id) in posts(fake_slack))
        assert wait_until(lambda r=request, v=(one if grant is ONE else two): v.requests.get(r.id).message_ts)

    # A token refresh mid-run, by the outbox itself: a letter to ONE (as the digest writes them) goes with a new token.
    old = expire_soon(server, ONE)
    refreshed_at = fake_slack.mark()
    one.outbox.send(LetterKind.DM, {"user": ASKER, "message": {"text": "digest for one"}})
    [dm] = fake_slack.wait_for("chat.postMessage", since=refreshed_at, where=lambda c: "digest for one" in str(c.body))
    assert oauth.refreshed == [old] and token_of(dm) == oauth.token_for(ONE) != old

    after_refresh = fake_slack.calls.index(dm) + 1  # a call already on its way with the old token may land before
    triage_in_each(server, fake_slack, {ONE: (first, one, GROUPIE), TWO: (second, two, REVIEWER)})
    assert old not in [token_of(c) for c in fake_slack.calls[after_refresh:]]  # refreshed once, then the new one
    nothing_crosses(server, fake_slack, {ONE: first.id, TWO: second.id})
    grid_org_is_one_team_of_its_own(server, fake_slack)
    revoked_then_reinstalled(server, fake_slack, two)

    # Uninstalled: ONE's tokens deleted, the others' kept.
    assert event(server.url, {"type": "app_uninstalled"}, team=ONE.team_id).status == 200
    assert wait_until(lambda: installed(server) == sorted([TWO.team_id, None], key=str))
    # The bot row and the installation row go one after the other, after Slack is answered: wait for both.
    assert wait_until(lambda: ONE.team_id not in installations(server)), installations(server)
    assert TWO.team_id in installations(server)


def installations(server) -> list[str | None]:
    with server.runtime.store.engine.connect() as conn:
        return list(conn.execute(text("SELECT team_id FROM slack_installations")).scalars())


def request_form(person: str) -> dict:
    form = view_submission("term_request", request_values("prompt golf"), user=person)
    return {**form, "view": {**form["view"], "private_metadata": '{"k":"new","s":""}'}}


def triage_in_each(server, fake_slack, work: dict) -> None:
    """A group member triages in ONE (the group read with ONE's token), the plain reviewer in TWO; then TWO's
    reviewer presses ONE's request, which TWO is told does not exist."""
    for grant, (request, view, who) in work.items():
        mark = fake_slack.mark()
        respond = fake_slack.response_url(grant.team_id)
        click = block_action(
            "triage:drafting", str(request.id), user=who, ephemeral=False, channel=CHANNEL[grant], response_url=respond
        )
        submit(server, grant, click)
        assert wait_until(lambda r=request, v=view: v.requests.get(r.id).status == "drafting")
        fake_slack.wait_for("chat.update", since=mark, where=lambda c, g=grant: CHANNEL[g] == c.body.get("channel"))
    first, one, _who = work[ONE]
    respond = fake_slack.response_url("stranger")
    click = block_action("triage:declined", str(first.id), user=REVIEWER, ephemeral=False, response_url=respond)
    submit(server, TWO, click)
    [refusal] = fake_slack.wait_for("/respond/stranger")
    assert f"no request #{first.id}" in json.dumps(refusal.body)
    assert one.requests.get(first.id).status == "drafting"


def nothing_crosses(server, fake_slack, requests: dict) -> None:
    """Every call with its team's token, to its team's channel; every row about a request in that request's team."""
    calls = sent(fake_slack)
    assert {team for _m, team, _w, _t in calls} == {ONE.team_id, TWO.team_id}  # never a token of nobody's
    assert any(m == "usergroups.users.list" for m, *_ in calls)
    for method, team, where, body in calls:
        assert where not in CHANNEL.values() or where == CHANNEL[ONE if team == ONE.team_id else TWO], (method, body)
        assert method != "usergroups.users.list" or team == ONE.team_id  # ONE's group, read with ONE's token
        for grant, request_id in requests.items():  # a post, redraw or DM about a request: its team's token only
            if f"#{request_id}" in body and method in ("chat.postMessage", "chat.update"):
                assert team == grant.team_id, (method, where, body)
    assert [c for c in fake_slack.calls if c.method != "oauth.v2.access" and not c.ok] == []
    teams = {ONE.team_id, TWO.team_id}
    tables = rows_by_team(server)
    assert all(named <= teams for named in tables.values()), tables
    for table in ("term_requests", "request_votes", "request_history", "outbox", "team_settings"):
        assert tables[table] == teams, table
    assert wait_until(lambda: rows_by_team(server)["lookups"] == teams)  # each /define counted in its own team
    with server.runtime.store.engine.connect() as conn:
        owners = dict(conn.execute(text("SELECT id, team_id FROM term_requests")).all())
        for table in ("request_votes", "request_history", "outbox"):  # a row about a request: that request's team
            about = conn.execute(text(f"SELECT request_id, team_id FROM {table} WHERE request_id IS NOT NULL")).all()
            assert about and all(owners[request] == team for request, team in about), table
    assert owners == {request_id: grant.team_id for grant, request_id in requests.items()}


def as_org_workspace(payload: dict, workspace: str) -> dict:
    """An interaction from a workspace of the Grid org that installed the app org-wide."""
    payload = as_team(payload, workspace)
    return {**payload, "enterprise": {"id": ORG.enterprise_id}, "is_enterprise_install": True}


def grid_org_is_one_team_of_its_own(server, fake_slack) -> None:
    """An org-wide install: two of the org's workspaces are one team (one request, a vote from the other), answered
    with the org's token; nothing of it reaches ONE or TWO, nor theirs it."""
    assert install(server.url, fake_slack.oauth, ORG).status == 200
    mark = fake_slack.mark()
    for workspace, person in (("T0GRIDAAA", ASKER), ("T0GRIDBBB", VOTER)):
        card = define(server.url, "RAG", team=workspace, enterprise=ORG.enterprise_id, org_wide=True)
        assert card.status == 200 and "Retrieval" in card.body
        reply = post(server, as_org_workspace(request_form(person), workspace))
        assert reply.status == 200, reply.body
    org = server.runtime.for_team(Team(ORG.enterprise_id, ORG.enterprise_id))
    [request] = org.requests.list()
    assert request.voters == (ASKER, VOTER)
    dms = fake_slack.wait_for("chat.postMessage", 2, since=mark, where=lambda c: f"#{request.id}" in str(c.body))
    assert {token_of(c) for c in dms} == {fake_slack.oauth.token_for(ORG)}
    assert all(team_of_token(token_of(c)) == ORG.name for c in fake_slack.calls[mark:] if c.path.startswith("/api/"))
    with server.runtime.store.engine.connect() as conn:
        rows = conn.execute(text("SELECT team_id, enterprise_id FROM term_requests WHERE id = :i"), {"i": request.id})
        assert rows.all() == [(ORG.enterprise_id, ORG.enterprise_id)]


def revoked_then_reinstalled(server, fake_slack, two) -> None:
    """TWO's tokens revoked: its letter waits (its error says why), sent with nobody's token; a reinstall sends it
    with TWO's new one."""
    oauth = fake_slack.oauth
    oauth.revoke(TWO)
    revoked = {"type": "tokens_revoked", "tokens": {"bot": [f"UBOT{TWO.team_id}"]}}
    assert event(server.url, revoked, team=TWO.team_id).status == 200
    # Both rows gone (bot, then installation) before the reinstall, which would otherwise race the second delete.
    assert wait_until(lambda: TWO.team_id not in installed(server) and TWO.team_id not in installations(server))
    mark = fake_slack.mark()
    two.outbox.send(LetterKind.DM, {"user": ASKER, "message": {"text": "digest for two"}})
    assert wait_until(lambda: "no installation" in letter_error(server, "digest for two"))
    assert [c for c in fake_slack.calls[mark:] if "digest for two" in str(c.body)] == []
    assert install(server.url, oauth, TWO).status == 200
    # Its next try comes after its backoff, which grew while TWO had no install (doubling from 0.05 s): a long wait.
    late_dm = fake_slack.wait_for(
        "chat.postMessage", since=mark, timeout=90, where=lambda c: "digest for two" in str(c.body)
    )
    [late] = late_dm
    assert token_of(late) == oauth.token_for(TWO)


def posts(fake_slack) -> set[tuple[int, str]]:
    """(request id, token's team) of each triage post made to its own workspace's requests channel."""
    found = set()
    for call in fake_slack.delivered("chat.postMessage"):
        team = team_of_token(token_of(call))
        channel = call.body.get("channel")
        metadata = call.body.get("metadata")
        if channel in CHANNEL.values() and metadata:
            for grant in (ONE, TWO):
                if channel == CHANNEL[grant] and team == grant.team_id:
                    found |= {(int(n), team) for n in _request_ids(call.body)}
    return found


def _request_ids(body: dict) -> list[str]:
    import re

    return re.findall(r"#(\d+)", json.dumps(body))


def installed(server) -> list[str | None]:
    """The team of each stored bot (None: an org-wide install's)."""
    with server.runtime.store.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT team_id FROM slack_bots")).scalars(), key=str)


def letter_error(server, marker: str) -> str:
    with server.runtime.store.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload, last_error FROM outbox")).all()
    return " ".join(str(error or "") for payload, error in rows if marker in str(payload))
