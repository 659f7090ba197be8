"""manifest.yml and the registered listeners agree, both ways; every scope has its reason in the manifest and in
docs/marketplace/scopes.md, and no history scope is asked for that no feature needs."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml
from paths import ROOT

from bot.slack.app import LISTENER_MODULES
from bot.slack.install.oauth import REDIRECT_PATH, UNINSTALL_EVENTS
from bot.slack.kit import ids
from bot.slack.outbox import letters

MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
KINDS = {"command", "action", "view", "options", "shortcut", "event", "function"}


def registered() -> dict[str, set]:
    """Every id each kind of listener is registered for, read from the LISTENERS tables."""
    found: dict[str, set] = defaultdict(set)
    for module in LISTENER_MODULES:
        for kind, listener_id, *_handler in module.LISTENERS:
            found[kind].add(listener_id)
    return found


def test_every_row_is_a_known_kind_and_a_module_level_handler():
    for module in LISTENER_MODULES:
        for kind, _id, handler, *matchers in module.LISTENERS:
            assert kind in KINDS, (module.__name__, kind)
            assert all(getattr(module, m.__name__, None) is m for row in matchers for m in row), module.__name__
            # Importable by name, so a test can call it: no closures.
            assert getattr(module, handler.__name__) is handler, (module.__name__, handler)


def test_commands_match():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == registered()["command"] == {ids.COMMAND}


def test_events_match():
    # The install's own two (bot/slack/install/oauth.py) are heard only when workspaces install through OAuth.
    declared = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) - set(UNINSTALL_EVENTS)
    assert declared == set(ids.EVENTS)
    # message.im arrives as the "message" event; Bolt listens by event type. function_executed is heard through
    # app.function, by each step's callback_id (test_functions_match).
    assert {e.split(".")[0] for e in declared} - {"function_executed"} == registered()["event"]
    assert ("function_executed" in declared) == bool(registered()["function"])


def test_declared_ids_and_registered_listeners_are_the_same_set():
    # Registrations never use a literal id: every one goes through ids (events are named by Slack's event type).
    for module in LISTENER_MODULES:
        source = Path(module.__file__).read_text()
        assert not re.search(r"\(\s*\"(?:action|view|shortcut|options|command)\",\s*[\"']", source), module.__name__
    found = registered()
    used = found["action"] | found["view"] | found["shortcut"] | found["options"]
    declared = set(ids.ACTIONS) | set(ids.SHORTCUTS) | set(ids.VIEWS) | set(ids.OPTIONS)
    assert used == declared


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


def test_the_agent_dm_is_declared_with_what_it_needs():
    features = MANIFEST["features"]
    assert features["agent_view"]["agent_description"].strip()
    assert "assistant_view" not in features  # one experience per manifest; the older one is served in code only
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # prompts and status (assistant.threads.*), membership (conversations.members), reading (history, replies)
    assert {"assistant:write", "channels:read", "groups:read", "channels:history", "groups:history"} <= scopes
    assert {"app_context_changed", "app_home_opened", "message"} <= registered()["event"]


def test_term_links_are_declared_with_what_they_need():
    assert MANIFEST["features"]["unfurl_domains"]  # the host of GLOSSARY_URL, replaced at install
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"links:read", "links:write"} <= scopes  # link_shared; chat.unfurl
    assert {"link_shared", "entity_details_requested"} <= registered()["event"]


def test_functions_match():
    """Every step declared is registered, and the other way round; each names the inputs its handler reads."""
    functions = MANIFEST.get("functions") or {}
    assert set(functions) == registered()["function"] == set(ids.FUNCTIONS)
    for callback_id, step in functions.items():
        assert step["title"] and step["description"], callback_id
        inputs = step["input_parameters"]["properties"]
        assert set(step["input_parameters"].get("required", [])) <= set(inputs), callback_id
        assert step["output_parameters"]["properties"], callback_id
        for name, spec in {**inputs, **step["output_parameters"]["properties"]}.items():
            assert spec["type"] in {"string", "integer", "boolean", "slack#/types/user_id"}, (callback_id, name)
            assert spec.get("title"), (callback_id, name)
    # Custom steps need an org-ready app whose functions run remotely (this server), as Slack's docs say.
    assert MANIFEST["settings"]["org_deploy_enabled"] is True
    assert MANIFEST["settings"]["function_runtime"] == "remote"


def test_the_oauth_install_is_declared_with_what_it_needs():
    """Slack sends installs to the redirect URL our server answers, and says when tokens go."""
    (redirect,) = MANIFEST["oauth_config"]["redirect_urls"]
    events_url = MANIFEST["settings"]["event_subscriptions"]["request_url"]
    assert redirect == events_url.removesuffix("/slack/events") + REDIRECT_PATH
    assert set(UNINSTALL_EVENTS) <= set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


SCOPES_DOC = ROOT / "docs" / "marketplace" / "scopes.md"
# The history scopes a feature needs, each with the feature (docs/marketplace/scopes.md, "The history scopes").
HISTORY_NEEDED = {"im:history", "channels:history", "groups:history"}


def documented_scopes() -> dict[str, str]:
    """scope -> reason, from the table in docs/marketplace/scopes.md (rows "| `scope` | reason |")."""
    rows = re.findall(r"^\|\s*`([a-z.:_]+)`\s*\|(.*)\|\s*$", SCOPES_DOC.read_text(), re.MULTILINE)
    return {scope: reason.strip() for scope, reason in rows}


def manifest_scope_lines() -> dict[str, str]:
    """scope -> the comment beside it in manifest.yml: every scope says why on its own line."""
    text = (ROOT / "manifest.yml").read_text()
    block = text[text.index("  scopes:\n") : text.index("settings:\n")]
    return dict(re.findall(r"^\s+- ([a-z.:_]+)\s*(?:#\s*(.*))?$", block, re.MULTILINE))


def test_every_scope_has_a_reason_in_the_manifest_and_in_the_docs_and_no_other_scope_is_documented():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    documented = documented_scopes()
    assert set(documented) == scopes
    assert all(len(reason) > 20 for reason in documented.values()), documented
    commented = manifest_scope_lines()
    assert set(commented) == scopes and all(commented.values()), commented
    assert "user" not in MANIFEST["oauth_config"]["scopes"]  # no user scopes, as the docs say


def test_no_history_scope_the_features_do_not_need():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {s for s in scopes if s.endswith(":history")} == HISTORY_NEEDED
    assert "im:write" not in scopes  # the outbox no longer opens a DM to look in it
    # The outbox's echo instead: the event, its scope, and only our own event type.
    assert "metadata.message:read" in scopes and "message_metadata_posted" in registered()["event"]
    subscriptions = MANIFEST["settings"]["event_subscriptions"]["metadata_subscriptions"]
    assert [s["event_type"] for s in subscriptions] == [letters.MARK]


def test_the_outbox_reads_no_conversation():
    """What made the outbox need history scopes: none of these calls is left in it."""
    for path in (ROOT / "bot" / "slack" / "outbox").glob("*.py"):
        source = path.read_text()
        for call in ("conversations.history", "conversations.replies", "conversations.open", "conversations_"):
            assert call not in source, (path.name, call)
