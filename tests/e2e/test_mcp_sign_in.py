"""Sign-in for MCP over HTTP, end to end: the official SDK client discovers the sign-in from a 401, registers,
signs a person in with PKCE through a fake Sign in with Slack, and calls tools as that person.

A real HTTP server (uvicorn) serves the MCP app; only Slack is faked. Every wait is bounded.
"""

from __future__ import annotations

import hashlib

import anyio
import httpx2
import pytest
from mcp_types import INVALID_PARAMS
from paths import BUNDLED_ROLES
from sqlalchemy import select
from termfactory import term_data, write_glossary

from bot.config import Settings
from bot.glossary.model import Framing
from bot.mcp.oauth.grants import ACCESS
from bot.mcp.oauth.provider import READ, REQUEST
from bot.state.schema import mcp_grants

from .fake_slack_oidc import FakeSlackOIDC
from .mcp_signin import Browser, McpServer, MemoryTokens, agent, oauth

ANA, BEN = "UANA0001", "UBEN0002"


@pytest.fixture
def oidc():
    fake = FakeSlackOIDC().start()
    yield fake
    fake.stop()


@pytest.fixture
def glossary_dir(tmp_path):
    return write_glossary(
        tmp_path / "terms",
        term_data("retrieval-augmented generation", aliases=["RAG"], categories=["Retrieval & RAG"]),
        term_data("fine-tuning", categories=["Training"], roles=["data_science", "engineering"]),
    )


@pytest.fixture
def mcp(tmp_path, glossary_dir, oidc, state_url):
    settings = Settings(
        glossary_dir=glossary_dir, roles_file=BUNDLED_ROLES, data_dir=tmp_path / "var", database_url=state_url
    )
    server = McpServer(settings, oidc)
    yield server
    server.stop()


def _post_initialize(server, token=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    return httpx2.post(server.url, json=body, headers=headers, timeout=60)


def test_a_401_names_the_protected_resource_metadata_and_it_names_the_scopes(mcp):
    reply = _post_initialize(mcp)
    assert reply.status_code == 401
    challenge = reply.headers["www-authenticate"]
    metadata_url = f"{mcp.base}/.well-known/oauth-protected-resource/mcp"
    assert challenge.startswith("Bearer ") and f'resource_metadata="{metadata_url}"' in challenge
    metadata = httpx2.get(metadata_url, timeout=60).json()
    assert metadata["resource"] == mcp.url
    assert metadata["authorization_servers"] == [mcp.base]
    assert metadata["scopes_supported"] == [READ, REQUEST]
    server_meta = httpx2.get(f"{mcp.base}/.well-known/oauth-authorization-server", timeout=60).json()
    assert server_meta["code_challenge_methods_supported"] == ["S256"]
    assert {"registration_endpoint", "revocation_endpoint", "token_endpoint"} <= set(server_meta)


def _sign_in_and_call(mcp, oidc, person, calls):
    """One person's assistant: the whole sign-in, then `calls(client)`; returns (result, browser, storage)."""
    oidc.signs_in_next = (person, "T0000001")
    browser, storage = Browser(), MemoryTokens()

    async def main():
        async with agent(mcp, oauth(mcp, browser, storage)) as client:
            return await calls(client)

    return anyio.run(main), browser, storage


def test_two_people_sign_in_and_each_gets_their_own_framing_and_role(mcp, oidc):
    mcp.runtime.set_framing(ANA, Framing.EXEC)
    mcp.runtime.set_role(ANA, "legal")
    mcp.runtime.set_framing(BEN, Framing.ENGINEER)

    async def calls(client):
        defined = await client.call_tool("define", {"term": "RAG"})
        explained = await client.call_tool("explain_text", {"text": "We tried RAG before fine-tuning."})
        asked = await client.call_tool("ask", {"question": "what is fine-tuning?"})
        return defined.structured_content, explained.structured_content, asked.structured_content

    (ana_define, ana_explain, ana_ask), ana_browser, ana_tokens = _sign_in_and_call(mcp, oidc, ANA, calls)
    (ben_define, ben_explain, _), _, ben_tokens = _sign_in_and_call(mcp, oidc, BEN, calls)

    assert ana_define["definition"]["framings"] == {"exec": "Why retrieval-augmented generation matters to the business."}
    assert ana_define["definition"]["role"]["key"] == "legal" and ana_define["framing"] == "exec"
    assert ben_define["definition"]["framings"] == {"engineer": "How retrieval-augmented generation works in code."}
    assert "role" not in ben_define["definition"]
    assert ana_explain["framing"] == "exec" and ben_explain["framing"] == "engineer"
    assert ana_explain["found"][0]["definition"].startswith("Why retrieval")
    assert ana_ask["definition"]["slug"] == "fine-tuning" and ana_ask["framing"] == "exec"

    # The consent page named the app; Slack was asked with our client id, a nonce and the state.
    assert "Test Assistant" in ana_browser.pages[0] and "glossary:request" not in ana_browser.pages[0]
    [first, _second] = oidc.of("/openid/connect/authorize")
    assert first["client_id"] == "1111.2222" and first["nonce"] and first["scope"] == "openid"
    assert ana_tokens.tokens.scope == f"{READ} {REQUEST}"

    # Tokens are kept by their sha256 only, each bound to this server and to its person.
    with mcp.runtime.store.engine.connect() as conn:
        rows = conn.execute(select(mcp_grants).where(mcp_grants.c.kind == ACCESS)).all()
    by_hash = {r.token_hash: r for r in rows}
    for storage, person in ((ana_tokens, ANA), (ben_tokens, BEN)):
        token = storage.tokens.access_token
        row = by_hash[hashlib.sha256(token.encode()).hexdigest()]
        assert (row.user_id, row.team_id, row.resource) == (person, "T0000001", mcp.url)
        assert token not in repr(rows)
