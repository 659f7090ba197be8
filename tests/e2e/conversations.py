"""The fake Slack's conversations: history, replies and members of channels people post in (FakeSlack.histories
and FakeSlack.members). A channel without members is one the bot cannot read, answered as Slack answers it."""

from __future__ import annotations

from typing import Any


def history(fake: Any, body: dict) -> dict:
    channel = str(body.get("channel"))
    if channel not in fake.members:
        return {"ok": False, "error": "not_in_channel"}
    limit = int(body.get("limit") or 100)
    messages = fake.histories[channel]
    return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}


def replies(fake: Any, body: dict) -> dict:
    channel, ts = str(body.get("channel")), str(body.get("ts"))
    if channel not in fake.members:
        return {"ok": False, "error": "not_in_channel"}
    thread = [m for m in fake.histories.get(channel, []) if ts in (m.get("ts"), m.get("thread_ts"))]
    thread.sort(key=lambda m: float(m["ts"]))  # replies: the parent first, oldest first
    return {"ok": True, "messages": thread[: int(body.get("limit") or 100)], "has_more": False}


def members(fake: Any, body: dict) -> dict:
    """Pages of fake.member_page people, with a next_cursor, so a membership check has to turn pages."""
    channel = str(body.get("channel"))
    if channel not in fake.members:
        return {"ok": False, "error": "channel_not_found"}
    start = int(body.get("cursor") or 0)
    people = fake.members[channel]
    more = start + fake.member_page < len(people)
    return {
        "ok": True,
        "members": people[start : start + fake.member_page],
        "response_metadata": {"next_cursor": str(start + fake.member_page) if more else ""},
    }
