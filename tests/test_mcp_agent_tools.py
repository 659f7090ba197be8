"""The tools as an agent uses them: `ask` reads questions as mentions do, `define` reads the same text,
`list_terms` matches categories and roles the way people type them and pages with a cursor, and a signed-in
person's saved framing and role apply. Through the SDK's in-memory client, plus the tool bodies directly."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from paths import BUNDLED_ROLES
from termfactory import term_data, write_glossary

from bot.config import Settings
from bot.glossary.model import Framing
from bot.mcp import tools
from bot.mcp.server import INSTRUCTIONS, build_server, package_version
from bot.runtime import Runtime


@pytest.fixture
def runtime(tmp_path):
    write_glossary(
        tmp_path / "terms",
        term_data("retrieval-augmented generation", aliases=["RAG"], categories=["Retrieval & RAG"],
                  roles=["engineering", "product"]),
        term_data("semantic search", categories=["Retrieval & RAG"], roles=["data_science"]),
        term_data("fine-tuning", categories=["Training & Adaptation"], roles=["data_science", "engineering"]),
        term_data("prompt injection", categories=["Governance & Risk"], roles=["security"]),
        term_data("red teaming", categories=["Governance & Risk"], roles=["security", "policy"]),
    )  # fmt: skip
    settings = Settings(glossary_dir=tmp_path / "terms", data_dir=tmp_path / "var", roles_file=BUNDLED_ROLES)
    runtime = Runtime.open(settings)
    yield runtime
    runtime.close()


def run(runtime, body):
    async def main():
        async with Client(build_server(runtime)) as client:
            return await body(client)

    return anyio.run(main)


def call(runtime, name, arguments):
    async def body(client):
        result = await client.call_tool(name, arguments)
        assert not result.is_error, result.content
        return result.structured_content

    return run(runtime, body)


def refused(runtime, name, arguments) -> str:
    async def body(client):
        with pytest.raises(MCPError) as caught:
            await client.call_tool(name, arguments)
        assert caught.value.code == INVALID_PARAMS
        return caught.value.message

    return run(runtime, body)


# --- ask, and define reading the same text ---------------------------------------------------------


@pytest.mark.parametrize("tool", ["ask", "define"])
def test_a_question_with_framing_words_is_answered_in_that_framing(runtime, tool):
    key = "question" if tool == "ask" else "term"
    found = call(runtime, tool, {key: "What is RAG for execs?"})
    assert found["status"] == "hit" and found["definition"]["slug"] == "retrieval-augmented-generation"
    assert found["framing"] == "exec" and set(found["definition"]["framings"]) == {"exec"}


@pytest.mark.parametrize("text", ["RAG vs fine-tuning", "difference between RAG and fine-tuning"])
def test_a_comparison_returns_both_entries(runtime, text):
    found = call(runtime, "ask", {"question": text})
    assert (found["status"], found["offer"]) == ("comparison", "comparison")
    assert [e["slug"] for e in found["compared"]] == ["retrieval-augmented-generation", "fine-tuning"]
    assert "definition" not in found


def test_ask_misses_and_odd_questions_are_results(runtime):
    assert call(runtime, "ask", {"question": "what is a quokka?"})["status"] == "miss"
    help_word = call(runtime, "ask", {"question": "help"})  # Slack's command word: here, just a name to look up
    assert help_word["status"] in ("miss", "suggestions")
    emoji = call(runtime, "ask", {"question": "🤖 what's RAG?? 🙏"})
    assert emoji["status"] in ("hit", "suggestions", "miss")
    quoted = call(runtime, "define", {"term": '"semantic search"'})
    assert quoted["definition"]["slug"] == "semantic-search"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({}, "'question': Field required"),
        ({"question": "   "}, "'term' is empty"),
        ({"question": "x" * 301}, "'question'"),
    ],
)
def test_ask_argument_errors_are_protocol_errors(runtime, arguments, says):
    assert says in refused(runtime, "ask", arguments)


def test_a_signed_in_persons_saved_framing_and_role_apply_unless_asked_otherwise(runtime):
    runtime.set_framing("UANA0001", Framing.ENGINEER)
    runtime.set_role("UANA0001", "legal")
    saved = tools.define(runtime, "RAG", person="UANA0001")
    assert saved["framing"] == "engineer" and saved["definition"]["role"]["key"] == "legal"
    asked = tools.define(runtime, "RAG for execs", person="UANA0001")
    assert asked["framing"] == "exec"  # the question's words win over the saved framing
    given = tools.define(runtime, "RAG", "exec", "security", person="UANA0001")
    assert given["framing"] == "exec" and given["definition"]["role"]["key"] == "security"
    nobody = tools.define(runtime, "RAG", person="UNOBODY01")
    assert "framing" not in nobody and set(nobody["definition"]["framings"]) == {"exec", "engineer"}
    explained = tools.explain_text(runtime, "Is RAG better than fine-tuning?", person="UANA0001")
    assert explained["framing"] == "engineer"
    assert explained["found"][0]["definition"] == "How retrieval-augmented generation works in code."


def test_a_signed_in_person_files_requests_in_their_own_name(runtime):
    filed = tools.request_term(runtime, "mixture of experts", "vendor deck", requester="ignored", person="UANA0001")
    assert filed["status"] == "filed" and "Slack DM" in filed["message"]
    assert runtime.requests.get(filed["number"]).requester == "UANA0001"
    again = tools.request_term(runtime, "Mixture of Experts", "still", person="UANA0001")
    assert again["status"] == "already_asked"


# --- list_terms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "slugs"),
    [
        ("retrieval", ["retrieval-augmented-generation", "semantic-search"]),
        ("RETRIEVAL AND rag", ["retrieval-augmented-generation", "semantic-search"]),
        ("governance & risk", ["prompt-injection", "red-teaming"]),
        ("train", ["fine-tuning"]),
        ("cooking", []),
    ],
)
def test_list_terms_matches_a_category_by_any_case_or_its_start(runtime, category, slugs):
    found = call(runtime, "list_terms", {"category": category})
    assert sorted(t["slug"] for t in found["terms"]) == slugs and found["count"] == len(slugs)
    assert len(found["categories"]) == 3


@pytest.mark.parametrize(
    ("role", "key"),
    [("security", "security"), ("Security & Trust", "security"), ("DATA", "data_science"),
     ("data science", "data_science"), ("eng", "engineering")],
)  # fmt: skip
def test_list_terms_matches_a_role_by_key_name_or_start(runtime, role, key):
    found = call(runtime, "list_terms", {"role": role})
    assert found["matched_role"] == key
    assert found["count"] == sum(key in t.roles for t in runtime.glossary.terms.values())


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"role": "p"}, "could be product, policy"),
        ({"role": "chef"}, "'role' must name one of"),
        ({"cursor": "not-a-cursor"}, "'cursor'"),
        ({"limit": 0}, "'limit'"),
        ({"limit": 201}, "'limit'"),
        ({"status": "shipped"}, "'status'"),
    ],
)
def test_list_terms_argument_errors_are_protocol_errors(runtime, arguments, says):
    assert says in refused(runtime, "list_terms", arguments)


def test_list_terms_pages_with_a_cursor_until_the_last_page(runtime):
    seen, cursor, pages = [], None, 0
    while True:
        page = call(runtime, "list_terms", {"limit": 2, **({"cursor": cursor} if cursor else {})})
        pages += 1
        assert page["count"] == 5 and len(page["terms"]) <= 2
        seen += [t["slug"] for t in page["terms"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 5 == len(set(seen))
    assert seen == sorted(seen)  # by name, so pages never overlap


# --- what a client sees first ------------------------------------------------------------------------


def test_the_server_names_itself_with_a_version_and_instructions(runtime):
    async def body(client):
        return client.server_info, (await client.list_tools()).tools

    info, listed = run(runtime, body)
    assert info.name == "glossary" and info.version == package_version() and info.version
    assert "docs_url" in INSTRUCTIONS and "review status" in INSTRUCTIONS and "ask" in INSTRUCTIONS
    for tool in listed:
        assert tool.annotations.idempotent_hint is True and tool.annotations.destructive_hint is False
        assert tool.annotations.read_only_hint is (tool.name != "request_term")
