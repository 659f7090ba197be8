"""Checks every rendered message against slack_sdk.models, plus the limits it does not check itself."""

from __future__ import annotations

import json
import re

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

_UNESCAPED = re.compile(r"<(?![@#!]?[^<>]*>)")


def assert_valid_blocks(blocks: list[dict], *, limit: int = 50) -> None:
    assert 0 < len(blocks) <= limit, f"{len(blocks)} blocks"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"unknown block type {raw.get('type')}"
        block.validate_json()  # raises SlackObjectFormationError on any limit it knows
        # what slack_sdk reads back is what we wrote: no field silently dropped as unknown
        assert block.to_dict() == raw, raw
        if raw["type"] == "section":
            assert "text" not in raw or len(raw["text"]["text"]) <= 3000
            for f in raw.get("fields", []):
                assert len(f["text"]) <= 2000
        if raw["type"] == "context":
            assert len(raw["elements"]) <= 10
            for e in raw["elements"]:
                assert len(e.get("text", "")) <= 3000
    ids = [e["action_id"] for b in blocks for e in _elements(b) if "action_id" in e]
    for b in blocks:
        block_ids = [e["action_id"] for e in _elements(b) if "action_id" in e]
        assert len(block_ids) == len(set(block_ids)), f"duplicate action_id in a block: {block_ids}"
    assert all(len(i) <= 255 for i in ids)


def assert_valid_message(message: dict) -> None:
    assert message["text"].strip(), "a message needs top-level text for notifications and screen readers"
    assert_valid_blocks(message["blocks"])


def assert_valid_view(view: dict) -> None:
    View(**view).validate_json()
    assert_valid_blocks(view["blocks"], limit=100)
    assert len(view.get("private_metadata", "")) <= 3000


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    """Every mrkdwn string anywhere in the blocks."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return found


def assert_no_injection(blocks: list[dict], *, allowed_mentions: tuple[str, ...] = ()) -> None:
    """No special mention or link reaches Slack unless we built it ourselves. `allowed_mentions`: the exact ones we
    built from checked ids (a person, a user group, a channel), each allowed as written and nothing more."""
    for text in mrkdwn_texts(blocks):
        for built in allowed_mentions:
            text = text.replace(built, "")
        assert "<!" not in text, text
        for m in re.findall(r"<@[^>]*>", text):
            assert m in allowed_mentions, (m, text)
        for link in re.findall(r"<([^>]*)>", text):
            assert link.startswith(("http://", "https://", "@")), link
    # Anywhere else too, except an input's initial_value: the person's own text put back in a text box,
    # which Slack never parses, and which must come back exactly as they typed it.
    everywhere = json.dumps(_without_initial_values(blocks))
    for built in allowed_mentions:
        everywhere = everywhere.replace(json.dumps(built)[1:-1], "")
    assert "<!" not in everywhere


def _without_initial_values(node):
    if isinstance(node, dict):
        return {k: _without_initial_values(v) for k, v in node.items() if k != "initial_value"}
    if isinstance(node, list):
        return [_without_initial_values(v) for v in node]
    return node


def _elements(block: dict) -> list[dict]:
    els = list(block.get("elements", []))
    if block.get("accessory"):
        els.append(block["accessory"])
    if block.get("element"):
        els.append(block["element"])
    return els
