"""manifest.yml and the registered listeners agree, both ways."""

from __future__ import annotations

import re

import yaml
from conftest import ROOT

from bot.slack import ids

MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def _source() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "bot" / "slack" / "listeners").glob("*.py"))


def test_commands_match():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    registered = set(re.findall(r"@app\.command\(ids\.(\w+)\)", _source()))
    assert declared == {getattr(ids, name) for name in registered} == {ids.COMMAND}


def test_events_match():
    declared = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert declared == set(ids.EVENTS)
    registered = set(re.findall(r'@app\.event\("(\w+)"\)', _source()))
    # message.im arrives as the "message" event; Bolt listens by event type
    assert {e.split(".")[0] for e in declared} == registered


def test_declared_ids_and_registered_listeners_are_the_same_set():
    source = _source()
    # Registrations never use a literal id: every one goes through ids.
    assert not re.search(r"@app\.(?:action|view|shortcut|options|command)\([\"']", source)
    used = set(re.findall(r"@app\.(?:action|view|shortcut|options)\(ids\.(\w+)\)", source))
    registered = {getattr(ids, name) for name in used}
    declared = set(ids.ACTIONS) | set(ids.SHORTCUTS) | set(ids.VIEWS) | set(ids.OPTIONS)
    assert registered == declared


def test_shortcuts_match():
    declared = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    assert declared == set(ids.SHORTCUTS)


def test_interactivity_and_socket_mode():
    settings = MANIFEST["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = {
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
        *(c["url"] for c in MANIFEST["features"]["slash_commands"]),
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")


def test_scopes_cover_what_the_app_calls():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "app_mentions:read", "im:history", "usergroups:read"} <= scopes
