"""Installing in several workspaces through OAuth, end to end: the real HTTP server, the fake Slack's
oauth.v2.access, the state database on SQLite and PostgreSQL. Each workspace is answered with its own token;
an org-wide Grid install answers every workspace of the org; a token rotates mid-run; revoked tokens and an
uninstall delete what was stored."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import create_engine, insert, text

from bot.slack.install.sealed import Sealer
from bot.slack.install.store import SealedInstallationStore
from bot.state.schema import mcp_grants

from .fake_slack_oauth import CLIENT_ID, FakeOAuth, Grant, token_of
from .harness import wait_until
from .oauth_flow import KEY, define, event, finish_install, install, oauth_settings, start_install

ONE, TWO = Grant("T0000ONE"), Grant("T0000TWO")
ORG = Grant(None, "E00000ORG")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return ""  # a SQLite file under DATA_DIR, the embedded default
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def oauth(fake_slack):
    fake_slack.oauth = FakeOAuth()
    return fake_slack.oauth


@pytest.fixture
def start(make_server, settings, database_url, oauth):
    def start(**changes):
        return make_server(**oauth_settings(settings, database_url=database_url, **changes))

    return start


def stored(server, table: str = "slack_bots") -> list[dict]:
    with server.runtime.store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def opened_with(fake_slack, since: int) -> list[str]:
    """The token of each views.open since the mark: which installation answered."""
    return [token_of(c) for c in fake_slack.wait_for("views.open", since=since)]


def test_two_workspaces_install_through_oauth_and_each_is_answered_with_its_own_token(start, fake_slack, oauth):
    server = start()
    for grant in (ONE, TWO):
        page = install(server.url, oauth, grant)
        assert page.status == 200 and "slack://app?team=" + grant.team_id in page.body, page.body
    rows = stored(server)
    assert sorted(r["team_id"] for r in rows) == [ONE.team_id, TWO.team_id]
    assert all("xoxb" not in (r["bot_token"] or "") and "xoxe-1" not in r["bot_refresh_token"] for r in rows)

    for grant in (ONE, TWO):
        card = define(server.url, "RAG", team=grant.team_id)  # answered in the ack, after authorize found a token
        assert card.status == 200 and "Retrieval" in card.body
        mark = fake_slack.mark()
        assert define(server.url, "request", team=grant.team_id).status == 200
        assert opened_with(fake_slack, mark) == [oauth.token_for(grant)]
    for grant in (ONE, TWO):  # auth.test once at the install, once at the first request: then cached per token
        checks = [c for c in fake_slack.of("auth.test") if token_of(c) == oauth.token_for(grant)]
        assert len(checks) == 2


def test_a_team_nobody_installed_is_never_answered_with_another_teams_token(start, fake_slack, oauth):
    server = start()
    install(server.url, oauth, ONE)
    mark = fake_slack.mark()
    define(server.url, "request", team="T0STRANGER")
    assert "views.open" not in [c.method for c in fake_slack.calls[mark:]]


def test_an_org_wide_grid_install_answers_two_workspaces_of_the_org_with_the_orgs_token(start, fake_slack, oauth):
    server = start()
    assert install(server.url, oauth, ORG).status == 200
    (row,) = stored(server)
    assert (row["enterprise_id"], row["team_id"], row["is_enterprise_install"]) == (ORG.enterprise_id, None, True)
    for workspace in ("T0GRIDAAA", "T0GRIDBBB"):
        mark = fake_slack.mark()
        define(server.url, "request", team=workspace, enterprise=ORG.enterprise_id, org_wide=True)
        assert opened_with(fake_slack, mark) == [oauth.token_for(ORG)]
        mark = fake_slack.mark()
        home = {"type": "app_home_opened", "user": f"U{workspace}", "tab": "home", "channel": "D1"}
        assert event(server.url, home, team=workspace, enterprise=ORG.enterprise_id, org_wide=True).status == 200
        published = fake_slack.wait_for("views.publish", since=mark)
        assert [token_of(c) for c in published] == [oauth.token_for(ORG)]


def test_a_token_that_expires_soon_is_refreshed_mid_run_and_the_new_one_used(start, fake_slack, oauth):
    oauth.first_expires_in = 3600  # under TOKEN_ROTATION_MINUTES' two hours: the next request refreshes it
    server = start(token_rotation_minutes=120)
    install(server.url, oauth, ONE)
    first = oauth.token_for(ONE)
    mark = fake_slack.mark()
    define(server.url, "request", team=ONE.team_id)
    refreshed = oauth.token_for(ONE)
    assert oauth.refreshed == [first] and refreshed != first
    assert opened_with(fake_slack, mark) == [refreshed]
    mark = fake_slack.mark()
    define(server.url, "request", team=ONE.team_id)  # the stored row has the new pair: no second refresh
    assert opened_with(fake_slack, mark) == [refreshed] and oauth.refreshed == [first]
    assert "oauth.v2.access" not in [c.method for c in fake_slack.calls[mark:]]


def test_when_another_process_refreshed_the_token_first_its_stored_pair_is_used(start, fake_slack, oauth):
    """Several web processes share the installations: two may refresh one token at once. Slack honours the refresh
    token once; the process it refuses must find the pair the other stored, not leave the request unanswered."""
    oauth.first_expires_in = 3600
    server = start(token_rotation_minutes=120)
    install(server.url, oauth, ONE)
    other = SealedInstallationStore(CLIENT_ID, server.runtime.store.engine, Sealer([KEY]))

    def other_process_refreshes_first(refresh_token: str) -> None:
        answer = oauth.refresh(refresh_token)  # the other process's exchange, which Slack honours
        bot = other.find_bot(enterprise_id=None, team_id=ONE.team_id)
        bot.bot_token, bot.bot_refresh_token = answer["access_token"], answer["refresh_token"]
        bot.bot_token_expires_at = int(time.time()) + answer["expires_in"]
        other.save_bot(bot)
        oauth.before_refresh = None

    oauth.before_refresh = other_process_refreshes_first
    mark = fake_slack.mark()
    define(server.url, "request", team=ONE.team_id)
    assert [c.body.get("error") for c in fake_slack.calls[mark:] if c.method == "oauth.v2.access"] == [None]
    assert opened_with(fake_slack, mark) == [oauth.token_for(ONE)]  # the other process's token, fresh


def test_tokens_revoked_deletes_them_and_a_reinstall_works_again(start, fake_slack, oauth):
    server = start()
    install(server.url, oauth, ONE)
    install(server.url, oauth, TWO)
    oauth.revoke(ONE)
    revoked = {"type": "tokens_revoked", "tokens": {"bot": [f"UBOT{ONE.team_id}"]}}
    assert event(server.url, revoked, team=ONE.team_id).status == 200
    assert wait_until(lambda: [r["team_id"] for r in stored(server)] == [TWO.team_id])  # after the ack
    # The bot row goes first, then the installation row: both are waited for (a busy machine separates them).
    assert wait_until(lambda: [r["team_id"] for r in stored(server, "slack_installations")] == [TWO.team_id])
    mark = fake_slack.mark()
    define(server.url, "request", team=ONE.team_id)
    assert "views.open" not in [c.method for c in fake_slack.calls[mark:]]

    assert install(server.url, oauth, ONE).status == 200
    mark = fake_slack.mark()
    define(server.url, "request", team=ONE.team_id)
    assert opened_with(fake_slack, mark) == [oauth.token_for(ONE)]


def grants_of_teams(server) -> list[str]:
    """The MCP sign-in grants, a state table that names its team on this release (bot/state/teams.py)."""
    with server.runtime.store.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT team_id FROM mcp_grants")).scalars())


def sign_ins(server, *teams: str) -> None:
    now = dt.datetime.now(dt.UTC)
    with server.runtime.store.writing() as conn:
        for team in teams:
            row = {"token_hash": f"hash-{team}", "kind": "access", "grant_id": team, "client_id": "c", "scopes": ""}
            conn.execute(insert(mcp_grants).values(**row, team_id=team, detail="{}", expires_at=now, created_at=now))


@pytest.mark.parametrize("data", ["delete", "keep"])
def test_app_uninstalled_deletes_the_tokens_and_no_other_teams(start, fake_slack, oauth, data):
    server = start(uninstall_data=data)
    install(server.url, oauth, ONE)
    install(server.url, oauth, ORG)
    sign_ins(server, ONE.team_id, TWO.team_id)
    oauth.revoke(ONE)
    assert event(server.url, {"type": "app_uninstalled"}, team=ONE.team_id).status == 200
    left = [(ORG.enterprise_id, None)]  # the org's install only: its bot, and its installation (deleted after)
    assert wait_until(
        lambda: [(r["enterprise_id"], r["team_id"]) for r in stored(server, "slack_installations")] == left
    )
    assert [(r["enterprise_id"], r["team_id"]) for r in stored(server)] == left
    # UNINSTALL_DATA: the team's own rows go with its tokens, or stay for a reinstall; another team's always stay.
    expected = [TWO.team_id] if data == "delete" else [ONE.team_id, TWO.team_id]
    assert wait_until(lambda: grants_of_teams(server) == expected)
    org_uninstalled = {"type": "app_uninstalled"}
    event(server.url, org_uninstalled, team="T0GRIDAAA", enterprise=ORG.enterprise_id, org_wide=True)
    assert wait_until(lambda: stored(server) == [] and stored(server, "slack_installations") == [])


@pytest.mark.parametrize("fault", ["500", "invalid_code", "hang"])
def test_a_failed_code_exchange_stores_nothing_and_the_install_can_be_tried_again(start, fake_slack, oauth, fault):
    server = start()
    fake_slack.fail("oauth.v2.access", fault, times=1)
    page = install(server.url, oauth, ONE)
    assert page.status >= 400 or "slack://app" not in page.body
    assert stored(server) == []
    assert install(server.url, oauth, ONE).status == 200
    assert [r["team_id"] for r in stored(server)] == [ONE.team_id]


def test_a_redirect_with_a_state_the_install_page_never_issued_is_refused(start, fake_slack, oauth):
    server = start()
    _state, cookie = start_install(server.url)
    page = finish_install(server.url, oauth.approve(ONE), "forged-state", cookie)
    assert page.status >= 400 and fake_slack.of("oauth.v2.access") == [] and stored(server) == []


def test_the_single_token_bot_serves_no_install_pages(server):
    assert server.wsgi.app.oauth_flow is None
    from .harness import http

    assert http("GET", server.url + "/slack/install").status == 404
    assert http("GET", server.url + "/slack/oauth_redirect?code=x&state=y").status == 404


def test_tokens_in_the_database_cannot_be_read_without_the_key(start, oauth, database_url):
    server = start()
    install(server.url, oauth, ONE)
    url = server.runtime.settings.state_url
    engine = create_engine(url)
    with engine.connect() as conn:  # the raw rows, as anyone with a copy of the database sees them
        rows = [
            tuple(r) for t in ("slack_bots", "slack_installations") for r in conn.execute(text(f"SELECT * FROM {t}"))
        ]
    engine.dispose()
    token = oauth.token_for(ONE)
    assert rows and not any(token in str(v) or "xoxe" in str(v) for row in rows for v in row)
