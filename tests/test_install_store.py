"""The OAuth install's storage, on SQLite and PostgreSQL: slack_sdk's store behind our tables (revision 0010),
tokens sealed at rest (unreadable without the key, readable with any key of the list, sealed again with the
newest), Enterprise Grid installs found from any workspace of the org, and the purge of a team's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, insert, text

from bot.slack.install.sealed import KeyRefused, Sealer
from bot.slack.install.store import SealedInstallationStore, reseal
from bot.state import schema
from bot.state.store import Store
from bot.state.teams import purge_team

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
CLIENT = "1111.2222"
TOKEN, REFRESH = "xoxe.xoxb-1-secret-not-real", "xoxe-1-refresh-not-real"


@pytest.fixture
def store(state_url):
    opened = Store(state_url)  # the migrations make the installation tables, as at a start
    yield opened
    opened.close()


def workspace(team: str = "T1", *, token: str = TOKEN, enterprise: str | None = None, org: bool = False):
    return Installation(
        app_id="A1",
        enterprise_id=enterprise,
        team_id=None if org else team,
        user_id="UINSTALL",
        bot_token=token,
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes="commands,chat:write",
        bot_refresh_token=REFRESH,
        bot_token_expires_in=43200,
        is_enterprise_install=org,
        installed_at=dt.datetime.now(dt.UTC).timestamp(),
    )


def raw(store: Store) -> str:
    with store.engine.connect() as conn:
        rows = [r for t in ("slack_bots", "slack_installations") for r in conn.execute(text(f"SELECT * FROM {t}"))]
    assert rows
    return repr(rows)


def test_our_tables_are_slack_sdks_but_for_the_wider_token_columns():
    theirs = MetaData()
    tables = (
        SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    )
    for table in tables:
        ours = schema.metadata.tables[table.name]
        assert [c.name for c in ours.c] == [c.name for c in table.c]
        for column in table.c:
            mine = ours.c[column.name]
            assert (mine.nullable, mine.primary_key) == (column.nullable, column.primary_key), column.name
            if "token" in column.name and "expires" not in column.name and column.name != "token_type":
                assert str(mine.type) == "TEXT"  # ciphertext
            else:
                assert str(mine.type) == str(column.type), column.name
        assert {i.name for i in ours.indexes} == {i.name for i in table.indexes}


def test_tokens_are_sealed_at_rest_and_opened_with_the_key(store):
    sealed = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))
    sealed.save(workspace())
    assert TOKEN not in raw(store) and REFRESH not in raw(store) and "xox" not in raw(store)
    bot = sealed.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (TOKEN, REFRESH)
    found = sealed.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == TOKEN
    assert sealed.find_bot(enterprise_id=None, team_id="T2") is None  # another team finds nothing


def test_the_stored_tokens_are_gibberish_to_slack_sdks_own_store_and_to_another_key(store):
    SealedInstallationStore(CLIENT, store.engine, Sealer([NEW])).save(workspace())
    plain = SQLAlchemyInstallationStore(client_id=CLIENT, engine=store.engine).find_bot(
        enterprise_id=None, team_id="T1"
    )
    assert plain is not None and plain.bot_token != TOKEN and not plain.bot_token.startswith("xox")
    stranger = SealedInstallationStore(CLIENT, store.engine, Sealer([OLD]))
    with pytest.raises(KeyRefused, match="SLACK_TOKEN_KEYS cannot open"):
        stranger.find_bot(enterprise_id=None, team_id="T1")
    with pytest.raises(KeyRefused):
        reseal(store.engine, Sealer([OLD]))  # what a start with the wrong key runs first


def test_a_rotated_key_reads_old_rows_and_seals_them_again_with_the_newest(store):
    SealedInstallationStore(CLIENT, store.engine, Sealer([OLD])).save(workspace())
    before = raw(store)
    rotated = Sealer([NEW, OLD])
    assert SealedInstallationStore(CLIENT, store.engine, rotated).find_bot(enterprise_id=None, team_id="T1")
    assert reseal(store.engine, rotated) == 2  # the installation's row and the bot's
    assert raw(store) != before and reseal(store.engine, rotated) == 0  # twice: nothing left to do
    newest_only = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))  # the old key can go now
    bot = newest_only.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == TOKEN


def test_a_refreshed_bot_is_sealed_again_on_write(store):
    sealed = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))
    sealed.save(workspace())
    bot = sealed.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    refreshed = Bot(**{**bot.to_dict(), "bot_token": "xoxe.xoxb-2-new-not-real", "installed_at": bot.installed_at})
    sealed.save_bot(refreshed)
    assert "xoxb-2" not in raw(store)
    again = sealed.find_bot(enterprise_id=None, team_id="T1")
    assert again is not None and again.bot_token == "xoxe.xoxb-2-new-not-real"
    assert refreshed.bot_token == "xoxe.xoxb-2-new-not-real"  # the caller's object keeps its readable token


def test_an_org_wide_install_is_found_from_any_workspace_of_the_org_and_no_other(store):
    sealed = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))
    sealed.save(workspace(enterprise="E1", org=True))
    for team in ("T-A", "T-B"):  # Bolt asks with the workspace's id and is_enterprise_install from the payload
        bot = sealed.find_bot(enterprise_id="E1", team_id=team, is_enterprise_install=True)
        assert bot is not None and bot.bot_token == TOKEN and bot.is_enterprise_install
    assert sealed.find_bot(enterprise_id="E2", team_id="T-A", is_enterprise_install=True) is None
    assert sealed.find_bot(enterprise_id=None, team_id="T-A") is None


def test_a_workspace_install_inside_an_org_is_kept_apart_from_the_orgs(store):
    sealed = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))
    sealed.save(workspace(enterprise="E1", org=True))
    sealed.save(workspace("T-C", token="xoxe.xoxb-c-not-real", enterprise="E1"))
    own = sealed.find_bot(enterprise_id="E1", team_id="T-C", is_enterprise_install=False)
    assert own is not None and own.bot_token == "xoxe.xoxb-c-not-real"


def test_purging_a_team_deletes_its_rows_in_every_table_that_names_a_team_and_nothing_else(store):
    sealed = SealedInstallationStore(CLIENT, store.engine, Sealer([NEW]))
    for team in ("T1", "T2"):
        sealed.save(workspace(team))
    sealed.save(workspace(enterprise="E1", org=True))
    now = dt.datetime.now(dt.UTC)
    grant = {"kind": "access", "grant_id": "g", "client_id": "c", "scopes": "", "detail": "{}", "expires_at": now}
    with store.writing() as conn:
        for n, team in enumerate(("T1", "T2")):
            conn.execute(insert(schema.mcp_grants).values(token_hash=f"h{n}", team_id=team, created_at=now, **grant))
    deleted = purge_team(store.engine, team_id="T1")
    assert deleted == {"slack_installations": 1, "slack_bots": 1, "mcp_grants": 1}
    assert sealed.find_bot(enterprise_id=None, team_id="T2") is not None
    assert sealed.find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True) is not None
    assert purge_team(store.engine, team_id=None, enterprise_id="E1") == {"slack_installations": 1, "slack_bots": 1}
    assert purge_team(store.engine, team_id=None) == {}  # no id: nothing at all, never everything
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT team_id FROM mcp_grants")).scalars().all() == ["T2"]
