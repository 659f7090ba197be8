"""`python -m bot mcp --http` with sign-in: its settings, a half-configured start refused in one line, and a real
process that challenges with the protected-resource metadata while the static MCP_TOKEN still works."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_mcp_transports import WAIT, _env, _free_port, _initialize, _start, _stop, _wait_listening

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
