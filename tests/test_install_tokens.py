"""A workspace's token outside a request (bot/slack/install/tokens.py): its own install's, else its Grid org's,
refreshed against the fake Slack's oauth.v2.access when it is about to expire, and a lost refresh race settled by
reading the pair the other process stored."""

from __future__ import annotations

import threading
import time

import pytest
from cryptography.fernet import Fernet
from e2e.fake_slack_oauth import CLIENT_ID, CLIENT_SECRET, FakeOAuth, Grant
from e2e.harness import FakeSlack
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.slack.install.sealed import Sealer
from bot.slack.install.store import SealedInstallationStore
from bot.slack.install.tokens import TeamTokens
from bot.state.store import Store

KEY = Fernet.generate_key().decode()
ONE, ORG = Grant("T0000ONE"), Grant(None, "E00000ORG")


@pytest.fixture
def slack():
    fake = FakeSlack().start()
    fake.oauth = FakeOAuth()
    yield fake
    fake.stop()


@pytest.fixture
def store(tmp_path):
    opened = Store(f"sqlite:///{tmp_path / 'state.db'}")
    yield SealedInstallationStore(CLIENT_ID, opened.engine, Sealer([KEY]))
    opened.close()


def installed(slack, store, grant: Grant, expires_in: int = 43200) -> str:
    """What the install flow stores, from the fake's own answer to a code exchange."""
    slack.oauth.first_expires_in = expires_in
    answer = WebClient(base_url=slack.api_url).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=slack.oauth.approve(grant)
    )
    store.save(
        Installation(
            app_id="A0001",
            enterprise_id=grant.enterprise_id,
            team_id=grant.team_id,
            user_id=grant.installer,
            bot_token=answer["access_token"],
            bot_id="B1",
            bot_user_id=answer["bot_user_id"],
            bot_refresh_token=answer["refresh_token"],
            bot_token_expires_in=answer["expires_in"],
            is_enterprise_install=grant.org_wide,
        )
    )
    return answer["access_token"]


def tokens(slack, store, minutes: int = 120) -> TeamTokens:
    settings = Settings(slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET, token_rotation_minutes=minutes)
    return TeamTokens(settings, store, WebClient(base_url=slack.api_url))


def test_a_workspace_gets_its_own_token_and_a_grid_workspace_its_orgs(slack, store):
    one, org = installed(slack, store, ONE), installed(slack, store, ORG)
    found = tokens(slack, store)
    assert found.bot_token(enterprise_id=None, team_id=ONE.team_id) == one
    assert found.bot_token(enterprise_id=ORG.enterprise_id, team_id="T0GRIDAAA") == org
    assert found.bot_token(enterprise_id=None, team_id="T0STRANGER") is None
    assert found.bot_token(enterprise_id="E0OTHER", team_id="T0GRIDAAA") is None
    assert slack.of("oauth.v2.access") and all(c.body.get("grant_type") != "refresh_token" for c in slack.calls)


def test_a_token_about_to_expire_is_refreshed_once_and_stored_sealed(slack, store):
    first = installed(slack, store, ONE, expires_in=3600)
    found = tokens(slack, store)
    fresh = found.bot_token(enterprise_id=None, team_id=ONE.team_id)
    assert fresh != first and slack.oauth.refreshed == [first] and fresh == slack.oauth.token_for(ONE)
    assert found.bot_token(enterprise_id=None, team_id=ONE.team_id) == fresh and slack.oauth.refreshed == [first]


def test_a_token_far_from_expiry_is_one_store_read_and_no_refresh(slack, store, monkeypatch):
    first = installed(slack, store, ONE)  # twelve hours left, refreshed two hours before the end
    found = tokens(slack, store)
    reads = []
    find_bot = store.find_bot
    monkeypatch.setattr(store, "find_bot", lambda **kw: reads.append(kw) or find_bot(**kw))
    assert found.bot_token(enterprise_id=None, team_id=ONE.team_id) == first
    assert len(reads) == 1 and slack.oauth.refreshed == []
    # Within the window the same call refreshes (the lock and the second read are only for that case).
    found.minutes = 12 * 60 + 1
    assert found.bot_token(enterprise_id=None, team_id=ONE.team_id) != first and slack.oauth.refreshed == [first]


def test_a_lost_refresh_race_reads_the_pair_the_other_process_stored(slack, store):
    installed(slack, store, ONE, expires_in=3600)

    def other_process_refreshes_first(refresh_token: str) -> None:
        answer = slack.oauth.refresh(refresh_token)
        bot = store.find_bot(enterprise_id=None, team_id=ONE.team_id)
        bot.bot_token, bot.bot_refresh_token = answer["access_token"], answer["refresh_token"]
        bot.bot_token_expires_at = int(time.time()) + answer["expires_in"]
        store.save_bot(bot)
        slack.oauth.before_refresh = None

    slack.oauth.before_refresh = other_process_refreshes_first
    assert tokens(slack, store).bot_token(enterprise_id=None, team_id=ONE.team_id) == slack.oauth.token_for(ONE)


def test_a_lost_refresh_race_waits_for_the_pair_the_winner_stores_late(slack, store):
    # The winner spends the refresh token, then takes a while to store the new pair (a busy machine): the loser
    # must wait for that pair, not go on with the token the refresh has just revoked.
    first = installed(slack, store, ONE, expires_in=3600)

    def other_process_refreshes_first(refresh_token: str) -> None:
        answer = slack.oauth.refresh(refresh_token)
        slack.oauth.before_refresh = None

        def store_late() -> None:
            time.sleep(0.5)
            bot = store.find_bot(enterprise_id=None, team_id=ONE.team_id)
            bot.bot_token, bot.bot_refresh_token = answer["access_token"], answer["refresh_token"]
            bot.bot_token_expires_at = int(time.time()) + answer["expires_in"]
            store.save_bot(bot)

        threading.Thread(target=store_late).start()

    slack.oauth.before_refresh = other_process_refreshes_first
    token = tokens(slack, store).bot_token(enterprise_id=None, team_id=ONE.team_id)
    assert token == slack.oauth.token_for(ONE) != first


def test_threads_of_one_process_refresh_a_token_once_and_all_get_the_new_one(slack, store):
    first = installed(slack, store, ONE, expires_in=3600)
    found = tokens(slack, store)
    slack.oauth.before_refresh = lambda _token: time.sleep(0.3)  # Slack slow to answer: the others pile up behind
    got: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: got.append(found.bot_token(enterprise_id=None, team_id=ONE.team_id)))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refresh_calls = [c for c in slack.of("oauth.v2.access") if c.body.get("grant_type") == "refresh_token"]
    assert slack.oauth.refreshed == [first] and len(refresh_calls) == 1  # the others waited, then read the pair
    assert got == [slack.oauth.token_for(ONE)] * 6
