"""`python -m bot mcp --http` with sign-in: its settings, a half-configured start refused in one line, and a real
process that challenges with the protected-resource metadata while the static MCP_TOKEN still works."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
from paths import ROOT
from test_mcp_transports import PROTOCOL, WAIT, Stdio, _env, _free_port, _initialize, _start, _stop, _wait_listening

from bot.config import Settings

SIGN_IN = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret-not-real",
    "SLACK_BOT_TOKEN": "xoxb-not-real",
}


def test_the_sign_in_settings_are_read_and_the_secret_kept_out_of_repr():
    settings = Settings.from_env({"MCP_PUBLIC_URL": "https://glossary.example.org/", **SIGN_IN})
    assert settings.mcp_public_url == "https://glossary.example.org"
    assert (settings.slack_client_id, settings.slack_client_secret) == ("1111.2222", "client-secret-not-real")
    assert "client-secret-not-real" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"MCP_PUBLIC_URL": "https://glossary.example.org"}, "SLACK_CLIENT_ID is not set"),
        ({**SIGN_IN, "SLACK_BOT_TOKEN": ""}, "MCP_PUBLIC_URL is not set"),
        ({"MCP_PUBLIC_URL": "https://glossary.example.org", **SIGN_IN, "SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
        ({"MCP_PUBLIC_URL": "http://glossary.example.org", **SIGN_IN}, "must be an https:// address"),
        ({"MCP_PUBLIC_URL": "https://example.org/glossary", **SIGN_IN}, "must be the server's origin only"),
    ],
)
def test_half_configured_sign_in_refuses_to_start_in_one_line(tmp_path, env, says):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "mcp", "--http", "--host", "0.0.0.0"],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and says in lines[0]


def test_a_signed_in_server_challenges_with_its_metadata_and_still_takes_the_static_token(tmp_path):
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path, "--http", MCP_PORT=str(port), MCP_PUBLIC_URL=public, MCP_TOKEN="static-token-1", **SIGN_IN)
    try:
        _wait_listening(proc, port)
        status, body = _initialize(port)
        assert status == 401 and "invalid_token" in body
        status, body = _initialize(port, token="static-token-1")
        assert status == 200 and '"serverInfo"' in body
    finally:
        _stop(proc)
    assert b"static-token-1" not in proc.stderr.read()


def test_the_console_script_serves_stdio_by_default(tmp_path):
    """`glossary-bot-mcp` (bot.mcp.main) answers initialize and lists the tools over stdio, with no argument."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.mcp.main"],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        rpc = Stdio(proc)
        init = rpc.send(
            "initialize",
            {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
        )
        assert init["result"]["serverInfo"]["name"] == "glossary" and init["result"]["serverInfo"]["version"]
        assert "cite" in init["result"]["instructions"]
        rpc.send("notifications/initialized", notify=True)
        assert "ask" in {t["name"] for t in rpc.send("tools/list")["result"]["tools"]}
        prompts = {p["name"] for p in rpc.send("prompts/list")["result"]["prompts"]}
        assert prompts == {"explain_for_my_role", "onboarding_pack", "compare_terms"}
    finally:
        _stop(proc)


def test_the_console_script_is_declared():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["glossary-bot-mcp"] == "bot.mcp.main:main"


def test_the_registry_entry_names_this_package_its_version_and_both_ways_in():
    entry = json.loads((ROOT / "server.json").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert entry["$schema"].endswith("/server.schema.json") and entry["name"].count("/") == 1
    [package] = entry["packages"]
    assert (package["identifier"], package["version"], entry["version"]) == (project["name"], *[project["version"]] * 2)
    assert package["transport"] == {"type": "stdio"}
    assert {v["name"] for v in package["environmentVariables"]} <= {"GLOSSARY_DIR", "DATA_DIR", "GLOSSARY_URL"}
    assert [r["type"] for r in entry["remotes"]] == ["streamable-http"] and entry["remotes"][0]["url"].endswith("/mcp")
    assert f"mcp-name: {entry['name']}" in (ROOT / "README.md").read_text()  # the registry's PyPI ownership check
