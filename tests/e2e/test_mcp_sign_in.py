"""Sign-in for MCP over HTTP, end to end: the official SDK client discovers the sign-in from a 401, registers,
signs a person in with PKCE through a fake Sign in with Slack, and calls tools as that person.

A real HTTP server (uvicorn) serves the MCP app; only Slack is faked. Every wait is bounded.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import urllib.parse

import anyio
import httpx2
import pytest
from paths import BUNDLED_ROLES
from sqlalchemy import select
from termfactory import term_data, write_glossary

from bot.config import Settings
from bot.glossary.model import Framing
from bot.mcp.oauth import slack_oidc
from bot.mcp.oauth.grants import ACCESS
from bot.mcp.oauth.provider import READ, REQUEST
from bot.state.schema import lookups, mcp_grants

from .fake_slack_oidc import FakeSlackOIDC
from .mcp_signin import REDIRECT_URI, Browser, McpServer, MemoryTokens, agent, oauth

ANA, BEN = "UANA0001", "UBEN0002"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636's example verifier
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")


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
        prompt = await client.get_prompt("explain_for_my_role", {"text": "RAG"})
        return defined.structured_content, explained.structured_content, asked.structured_content, prompt

    (ana_define, ana_explain, ana_ask, ana_prompt), ana_browser, ana_tokens = _sign_in_and_call(mcp, oidc, ANA, calls)
    (ben_define, ben_explain, _, ben_prompt), _, ben_tokens = _sign_in_and_call(mcp, oidc, BEN, calls)

    rag_exec = "Why retrieval-augmented generation matters to the business."
    assert ana_define["definition"]["framings"] == {"exec": rag_exec}
    assert ana_define["definition"]["role"]["key"] == "legal" and ana_define["framing"] == "exec"
    assert ben_define["definition"]["framings"] == {"engineer": "How retrieval-augmented generation works in code."}
    assert "role" not in ben_define["definition"]
    assert ana_explain["framing"] == "exec" and ben_explain["framing"] == "engineer"
    assert ana_explain["found"][0]["definition"].startswith("Why retrieval")
    assert ana_ask["definition"]["slug"] == "fine-tuning" and ana_ask["framing"] == "exec"
    assert "a reader in Legal & Compliance" in ana_prompt.messages[0].content.text
    assert "a colleague new to the subject" in ben_prompt.messages[0].content.text

    # The consent page named the app; Slack was asked with our client id, a nonce and the state.
    assert "Test Assistant" in ana_browser.pages[0] and "glossary:request" not in ana_browser.pages[0]
    [first, _second] = oidc.of("/openid/connect/authorize")
    assert first["client_id"] == "1111.2222" and first["nonce"] and first["scope"] == "openid"
    assert ana_tokens.tokens.scope == f"{READ} {REQUEST}"

    # The lookups are counted under "mcp", with no trace of who asked.
    assert mcp.runtime.flush_lookups(timeout=30)
    with mcp.runtime.store.engine.connect() as conn:
        looked_up = conn.execute(select(lookups)).all()
    assert {r.surface for r in looked_up} == {"mcp"} and len(looked_up) >= 4
    assert ANA not in repr(looked_up) and BEN not in repr(looked_up)

    # Tokens are kept by their sha256 only, each bound to this server and to its person.
    with mcp.runtime.store.engine.connect() as conn:
        rows = conn.execute(select(mcp_grants).where(mcp_grants.c.kind == ACCESS)).all()
    by_hash = {r.token_hash: r for r in rows}
    for storage, person in ((ana_tokens, ANA), (ben_tokens, BEN)):
        token = storage.tokens.access_token
        row = by_hash[hashlib.sha256(token.encode()).hexdigest()]
        assert (row.user_id, row.team_id, row.resource) == (person, "T0000001", mcp.url)
        assert token not in repr(rows)


def _signed_in_tokens(mcp, oidc, person=ANA):
    async def calls(client):
        return (await client.call_tool("define", {"term": "RAG"})).structured_content["status"]

    status, _, storage = _sign_in_and_call(mcp, oidc, person, calls)
    assert status == "hit"
    return storage


def _token_request(mcp, storage, **form):
    return httpx2.post(f"{mcp.base}/token", data={"client_id": storage.client_info.client_id, **form}, timeout=60)


def test_an_access_token_expires_and_the_refresh_token_rotates(mcp, oidc):
    storage = _signed_in_tokens(mcp, oidc)
    first = storage.tokens
    assert _post_initialize(mcp, first.access_token).status_code == 200

    refreshed = _token_request(mcp, storage, grant_type="refresh_token", refresh_token=first.refresh_token)
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["access_token"] != first.access_token and second["refresh_token"] != first.refresh_token
    assert _post_initialize(mcp, second["access_token"]).status_code == 200
    assert _post_initialize(mcp, first.access_token).status_code == 401  # the old pair went with the rotation
    replay = _token_request(mcp, storage, grant_type="refresh_token", refresh_token=first.refresh_token)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    mcp.clock.ahead = dt.timedelta(hours=1, seconds=1)  # past the access token's hour
    expired = _post_initialize(mcp, second["access_token"])
    assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["www-authenticate"]
    again = _token_request(mcp, storage, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert again.status_code == 200  # the refresh token lasts 30 days
    mcp.clock.ahead = dt.timedelta(days=31)
    late = _token_request(mcp, storage, grant_type="refresh_token", refresh_token=again.json()["refresh_token"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_revoking_either_token_ends_the_whole_sign_in(mcp, oidc):
    storage = _signed_in_tokens(mcp, oidc)
    tokens = storage.tokens
    client_id = storage.client_info.client_id
    # The SDK's revocation handler wants a client_secret field even from a public client: an empty one.
    form = {"client_id": client_id, "client_secret": "", "token": tokens.access_token}
    revoked = httpx2.post(f"{mcp.base}/revoke", data=form, timeout=60)
    assert revoked.status_code == 200
    assert _post_initialize(mcp, tokens.access_token).status_code == 401
    refused = _token_request(mcp, storage, grant_type="refresh_token", refresh_token=tokens.refresh_token)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    with mcp.runtime.store.engine.connect() as conn:
        assert conn.execute(select(mcp_grants)).all() == []  # nothing of the sign-in is left


def test_a_token_for_another_server_or_without_the_read_scope_is_refused(mcp):
    other, _ = mcp.grants.issue(
        ACCESS, dt.timedelta(hours=1), client_id="c", user_id=ANA, team_id="T0000001",
        scopes=[READ, REQUEST], resource="https://elsewhere.example.org/mcp",
    )  # fmt: skip
    assert _post_initialize(mcp, other).status_code == 401
    request_only, _ = mcp.grants.issue(
        ACCESS, dt.timedelta(hours=1), client_id="c", user_id=ANA, team_id="T0000001",
        scopes=[REQUEST], resource=mcp.url,
    )  # fmt: skip
    reply = _post_initialize(mcp, request_only)
    assert reply.status_code == 403 and 'error="insufficient_scope"' in reply.headers["www-authenticate"]
    assert _post_initialize(mcp, "not-a-token-at-all").status_code == 401


def test_a_read_only_sign_in_reads_but_cannot_file_a_request(mcp):
    read_only, _ = mcp.grants.issue(
        ACCESS, dt.timedelta(hours=1), client_id="c", user_id=ANA, team_id="T0000001", scopes=[READ],
        resource=mcp.url,
    )  # fmt: skip

    async def main():
        async with agent(mcp, token=read_only) as client:
            found = await client.call_tool("define", {"term": "RAG"})
            filed = await client.call_tool("request_term", {"term": "mixture of experts", "why": "vendor deck"})
            return found, filed

    found, filed = anyio.run(main)
    assert found.structured_content["status"] == "hit"
    assert filed.is_error and "glossary:request" in filed.content[0].text
    assert mcp.runtime.requests.count() == 0


def test_an_authorization_request_for_another_resource_is_refused(mcp):
    client = httpx2.post(
        f"{mcp.base}/register",
        json={"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none", "client_name": "x"},
        timeout=60,
    ).json()
    reply = httpx2.get(
        f"{mcp.base}/authorize",
        params={
            "response_type": "code", "client_id": client["client_id"], "redirect_uri": REDIRECT_URI,
            "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s1",
            "resource": "https://elsewhere.example.org/mcp",
        },
        timeout=60,
    )  # fmt: skip
    assert reply.status_code == 302
    assert reply.headers["location"].startswith(REDIRECT_URI) and "error=invalid_target" in reply.headers["location"]


def _start_sign_in(mcp, browser, name="Test Assistant"):
    """Register a client and open its authorization URL in `browser`; returns the client's id."""
    client = httpx2.post(
        f"{mcp.base}/register",
        json={"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none", "client_name": name},
        timeout=60,
    ).json()
    query = {
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": REDIRECT_URI,
        "code_challenge": CHALLENGE, "code_challenge_method": "S256",
        "state": "assistant-state", "scope": f"{READ} {REQUEST}", "resource": mcp.url,
    }  # fmt: skip
    anyio.run(browser.open, f"{mcp.base}/authorize?{urllib.parse.urlencode(query)}")
    return client["client_id"]


@pytest.mark.parametrize(
    ("change", "error", "says"),
    [
        ({"signs_in_next": ("UEVE0003", "T9999999")}, "access_denied", "another workspace"),
        ({"deny": True}, "access_denied", "Slack sign-in ended"),
        ({"token_fault": "invalid_code"}, "access_denied", "invalid_code"),
        ({"token_fault": "500"}, "temporarily_unavailable", "try again"),
        ({"token_fault": "429"}, "temporarily_unavailable", "try again"),
        ({"wrong_nonce": True}, "access_denied", "does not belong to this sign-in"),
    ],
)
def test_a_sign_in_slack_does_not_vouch_for_ends_with_an_error_and_no_code(mcp, oidc, change, error, says):
    for name, value in change.items():
        setattr(oidc, name, value)
    browser = Browser()
    _start_sign_in(mcp, browser)
    answer = browser.answer()
    assert "code" not in answer and answer["error"] == error and says in answer["error_description"]
    assert answer["state"] == "assistant-state"
    with mcp.runtime.store.engine.connect() as conn:
        kinds = {r.kind for r in conn.execute(select(mcp_grants)).all()}
    assert kinds <= {"signin"} and "signin" not in kinds  # nothing issued, and the sign-in is spent


def test_declining_on_the_consent_page_never_reaches_slack(mcp, oidc):
    browser = Browser(decision="deny")
    _start_sign_in(mcp, browser, name='<script>alert("x")</script>')
    assert browser.answer()["error"] == "access_denied"
    assert oidc.of("/openid/connect/authorize") == []
    assert "<script>alert" not in browser.pages[0] and "&lt;script&gt;" in browser.pages[0]


def test_a_consent_or_callback_from_another_browser_or_a_second_time_is_refused(mcp, oidc):
    browser = Browser()
    _start_sign_in(mcp, browser)
    assert "code" in browser.answer()
    [slack_call] = oidc.of("/openid/connect/authorize")
    replay = httpx2.get(f"{mcp.base}/oauth/slack/callback", params={"state": slack_call["state"], "code": "c"})
    assert replay.status_code == 400 and "expired or was already used" in replay.text

    other = Browser()
    _start_sign_in(mcp, other)  # a second sign-in, left at Slack's page by a forger below
    [_, second] = oidc.of("/openid/connect/authorize")
    forged = httpx2.get(f"{mcp.base}/oauth/slack/callback", params={"state": second["state"], "code": "c"})
    assert forged.status_code == 400  # spent by `other` already, or, without its cookie, refused
    consent = httpx2.post(f"{mcp.base}/oauth/consent", data={"request": "made-up", "decision": "allow"})
    assert consent.status_code == 400 and "Start the sign-in again" in consent.text


def test_an_agents_request_is_filed_as_its_person_a_second_is_a_vote_and_both_hear_when_it_ships(
    mcp, oidc, make_server, fake_slack, glossary_dir, state_url
):
    slack_bot = make_server(glossary_dir=glossary_dir, database_url=state_url)  # sends what the outbox holds

    def asking(why):
        async def calls(client):
            filed = await client.call_tool("request_term", {"term": "mixture of experts", "why": why})
            return filed.structured_content

        return calls

    ana, _, _ = _sign_in_and_call(mcp, oidc, ANA, asking("The vendor deck says MoE."))
    ben, _, _ = _sign_in_and_call(mcp, oidc, BEN, asking("Same deck."))
    assert ana["status"] == "filed" and "Slack DM" in ana["message"]
    assert ben["status"] == "voted" and ben["number"] == ana["number"] and ben["votes"] == 2
    request = mcp.runtime.requests.get(ana["number"])
    assert request.requester == ANA and request.voters == (ANA, BEN)
    triage = fake_slack.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "CREQUESTS")
    assert f"<@{ANA}>" in str(triage[0].body)

    write_glossary(glossary_dir, term_data("mixture of experts", categories=["Models"]))
    assert slack_bot.runtime.live.reload()  # the term ships: the bot closes the request and tells everyone
    for person in (ANA, BEN):
        [dm] = fake_slack.wait_for("chat.postMessage", where=lambda c, p=person: c.body.get("channel") == p)
        assert "mixture of experts" in str(dm.body)
    assert mcp.runtime.requests.get(ana["number"]).status == "published"


def test_slack_hanging_ends_the_sign_in_with_an_error_instead_of_a_hung_page(mcp, oidc, monkeypatch):
    monkeypatch.setattr(slack_oidc, "TIMEOUT", 1)  # Slack's token endpoint is given 1 s here instead of 10
    oidc.token_fault = "hang"
    browser = Browser()
    _start_sign_in(mcp, browser)
    assert browser.answer()["error"] == "temporarily_unavailable"


def test_the_code_needs_its_pkce_verifier_and_works_once(mcp, oidc):
    browser = Browser()
    client_id = _start_sign_in(mcp, browser)
    code = browser.answer()["code"]
    form = {"grant_type": "authorization_code", "client_id": client_id, "code": code, "redirect_uri": REDIRECT_URI}
    wrong = httpx2.post(f"{mcp.base}/token", data={**form, "code_verifier": "w" * 43}, timeout=60)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    right = {**form, "code_verifier": VERIFIER}
    issued = httpx2.post(f"{mcp.base}/token", data=right, timeout=60)
    assert issued.status_code == 200 and issued.json()["scope"] == f"{READ} {REQUEST}"
    again = httpx2.post(f"{mcp.base}/token", data=right, timeout=60)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _post_initialize(mcp, issued.json()["access_token"]).status_code == 200
