"""What people are told about a pull request: the asker when it opens or cannot be opened, everyone who asked
for the request when it is merged (or, with no request behind it, whoever opened it from Slack)."""

from __future__ import annotations

from typing import Any

from ..kit.blocks import escape, link
from ..kit.messages import notice


def pull_dm(payload: dict[str, Any]) -> dict[str, Any] | None:
    about = payload.get("about")
    request_id = payload.get("request_id")
    number, url = payload.get("number"), str(payload.get("url") or "")
    pull = link(url, f"pull request #{number}") if url and number else "the pull request"
    about_request = f" for request #{request_id}" if request_id else ""
    if about == "pull_opened":
        return notice(f"I opened {pull}{about_request}: {escape(str(payload.get('title') or ''))}.")
    if about == "pull_failed":
        return notice(
            f"I could not open the pull request{about_request} ({escape(str(payload.get('error') or ''))[:500]}). "
            "Nothing was changed; an admin can retry with `python -m bot outbox --retry` once it is fixed."
        )
    if about == "pull_merged" and not request_id:
        return notice(f"Good news: {pull}, which you opened from Slack, was merged.")
    if about == "pull_merged":
        whose = "the request you voted for" if payload.get("voter") else "your request"
        return notice(
            f"Good news: {pull}, made from {whose} #{request_id}, was merged. The glossary serves it as soon "
            "as the bot picks up the new files."
        )
    return None
