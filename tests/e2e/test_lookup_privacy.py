"""The lookup analytics keep no personal data: no user or channel column, and after a slash command, a mention
and a DM (end to end, signed requests) no stored value holds the asker's or the channel's id."""

from __future__ import annotations

from sqlalchemy import inspect, select

from bot.state.schema import lookups

from .harness import BOT_USER, command_body, event_body, signed_post

ASKER = "U0PRIV0042"
CHANNEL = "C0PRIV0042"
DM_CHANNEL = "D0PRIV0042"
# team_id and enterprise_id: whose analytics (a workspace or an org, never a person), so that one workspace's
# stats never count another's lookups.
COLUMNS = {"id", "at", "surface", "query", "outcome", "slug", "how", "team_id", "enterprise_id"}
OWNER = {"team_id", "enterprise_id"}


def test_the_table_has_no_user_or_channel_column(server):
    assert {c.name for c in lookups.columns} == COLUMNS
    migrated = {c["name"] for c in inspect(server.runtime.store.engine).get_columns("lookups")}
    assert migrated == COLUMNS
    for name in migrated - OWNER:
        assert not any(word in name for word in ("user", "channel", "team", "text", "thread", "ts"))


def _send(server, event: dict, event_id: str) -> None:
    assert (
        signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), "application/json").status
        == 200
    )


def test_no_stored_value_holds_the_askers_or_the_channels_id(server, fake_slack):
    form = "application/x-www-form-urlencoded"
    for text in ("rag", f"<@{ASKER}|me> pizza", f"what about {CHANNEL} and {ASKER}"):
        reply = signed_post(server.url + "/slack/events", command_body(text, user=ASKER, channel=CHANNEL), form)
        assert reply.status == 200
    mention = {
        "type": "app_mention",
        "user": ASKER,
        "channel": CHANNEL,
        "text": f"<@{BOT_USER}> what is <@{ASKER}> moonshot tokenomics?",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
    }
    _send(server, mention, "EvPriv1")
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": DM_CHANNEL,
        "user": ASKER,
        "text": "vibe coding",
        "ts": "1.2",
    }
    _send(server, dm, "EvPriv2")
    fake_slack.wait_for("chat.postMessage", 2)
    assert server.runtime.flush_lookups(5)
    with server.runtime.store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(lookups))]
    assert sorted(r["surface"] for r in rows) == ["dm", "mention", "slash", "slash", "slash"]
    assert {r["query"] for r in rows} >= {"rag", "pizza", "vibe coding"}
    for r in rows:
        for value in r.values():
            shown = str(value).upper()
            for secret in (ASKER, CHANNEL, DM_CHANNEL, BOT_USER):
                assert secret not in shown, (secret, r)
