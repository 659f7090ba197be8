"""Block Kit primitives, and the escaping and truncation for everything that reaches Slack.

In mrkdwn only &, < and > are control characters. Escaping them (& first) neutralises <!channel>,
<@U…> and <url|label> smuggled in through glossary or user text.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

SECTION_MAX = 3000
HEADER_MAX = 150
BUTTON_MAX = 75
OPTION_MAX = 75
OPTION_VALUE_MAX = 150
CONTEXT_MAX = 2000  # per element; Slack's own limit is 3,000, this leaves room for the label
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary where one is near, and say so with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def safe(text: str, limit: int = SECTION_MAX) -> str:
    """Escape, then truncate without splitting an escape sequence such as &amp;."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return escape(truncate(text, max(1, limit - (len(escaped) - len(text)))))


def plain(text: str, limit: int) -> dict:
    """Slack does not parse plain text for mentions or links, but < and > are still written as entities:
    then no `<!channel>` from a term file reaches Slack in any form, and Slack shows them as < and >.
    A bare & is left alone (it is not a control character outside mrkdwn)."""
    text = truncate(" ".join(text.split()) or " ", limit)
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    if len(escaped) > limit:
        escaped = truncate(text, limit - (len(escaped) - len(text))).replace("<", "&lt;").replace(">", "&gt;")
    return {"type": "plain_text", "text": escaped, "emoji": True}


def mrkdwn(text: str) -> dict:
    # verbatim: Slack does not turn bare URLs or #channel names in our text into links on its own
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def link(url: str, label: str) -> str:
    """A mrkdwn link; the URL's own <, >, | and spaces are percent-encoded so it cannot break out."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")
    return f"<{safe_url}|{safe(label, 300)}>"


def mention(user_id: str) -> str:
    """A user mention built by us from a Slack-given id, never from free text."""
    return f"<@{user_id}>" if _USER_ID.match(user_id or "") else "someone"


_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,30}$")


def mention_owner(owner_id: str) -> str:
    """A person or a user group (owners files name both), built from a checked id, never from free text."""
    return f"<!subteam^{owner_id}>" if _GROUP_ID.match(owner_id or "") else mention(owner_id)


_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")


def channel_link(channel_id: str) -> str:
    """A channel link built from a checked id, never from free text; "" for anything else."""
    return f"<#{channel_id}>" if _CHANNEL_ID.match(channel_id or "") else ""


def section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def button(text: str, action_id: str, value: dict | str | None = None, style: str | None = None) -> dict:
    b = {"type": "button", "text": plain(text, BUTTON_MAX), "action_id": action_id}
    if value is not None:
        b["value"] = value if isinstance(value, str) else encode_value(value)
    if style:
        b["style"] = style
    return b


def actions(*elements: dict) -> dict:
    return {"type": "actions", "elements": list(elements)[:25]}


def option(text: str, value: str) -> dict:
    """One choice in a select, checkboxes or radio buttons; Slack refuses, rather than cuts, what is too long."""
    return {"text": plain(text, OPTION_MAX), "value": value[:OPTION_VALUE_MAX]}


def encode_value(data: dict) -> str:
    """Compact JSON for a button value; < and > as JSON escapes so no term text travels as `<!…`."""
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")


def read_value(value: str | None) -> dict:
    """A button's value as we wrote it; anything else (old buttons, tampering) reads as empty."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
