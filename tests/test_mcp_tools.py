"""The MCP tools and resources through the SDK's in-memory client: every tool, every lookup shape, bad arguments."""

from __future__ import annotations

import contextlib
from typing import get_args

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from termfactory import term_data, write_glossary

from bot.config import Settings
from bot.glossary.model import ROLE_KEYS, TermStatus
from bot.mcp import server as mcp_server
from bot.mcp.server import build_server
from bot.mcp.tools import requester_id
from bot.runtime import Runtime

TOOLS = {"ask", "define", "search", "explain_text", "list_terms", "related", "request_term"}


def glossary_files(directory):
    write_glossary(
        directory,
        term_data(
            "retrieval-augmented generation",
            aliases=["RAG"],
            categories=["Retrieval & RAG"],
            roles=["engineering", "product"],
            relationships={"broader": [], "narrower": ["semantic search"], "related": ["vector store"]},
        ),
        term_data("semantic search", aliases=["meaning search"], categories=["Retrieval & RAG"], status="draft"),
        term_data("prompt injection", aliases=["PI"], categories=["Governance & Risk"], roles=["security"]),
        term_data("principal investigator", aliases=["PI"], categories=["Foundations"], roles=["legal"]),
    )


@pytest.fixture
def runtime(tmp_path):
    glossary_files(tmp_path / "terms")
    settings = Settings(
        glossary_dir=tmp_path / "terms",
        data_dir=tmp_path / "var",
        roles_file=tmp_path / "roles.yml",
        glossary_url="https://glossary.example.org/",
    )
    return Runtime.open(settings)


def session(runtime, body):
    """Run `body(client)` against a fresh server for this runtime, over the SDK's in-memory transport."""

    async def main():
        async with Client(build_server(runtime)) as client:
            return await body(client)

    return anyio.run(main)


def call(runtime, name, arguments):
    async def body(client):
        result = await client.call_tool(name, arguments)
        assert not result.is_error, result.content
        return result.structured_content

    return session(runtime, body)


def refused(runtime, name, arguments) -> str:
    async def body(client):
        with pytest.raises(MCPError) as caught:
            await client.call_tool(name, arguments)
        assert caught.value.code == INVALID_PARAMS
        return caught.value.message

    return session(runtime, body)


def test_every_tool_is_listed_with_a_description_schemas_and_hints(runtime):
    async def body(client):
        return (await client.list_tools()).tools

    listed = {t.name: t for t in session(runtime, body)}
    assert set(listed) == TOOLS
    for name, tool in listed.items():
        assert len(tool.description or "") > 80, name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema and tool.output_schema["type"] == "object", name
        assert tool.annotations.read_only_hint is (name != "request_term")
    assert listed["define"].input_schema["required"] == ["term"]
    assert set(listed["request_term"].input_schema["required"]) == {"term", "why"}


def test_the_schema_vocabularies_are_the_cores():
    assert get_args(mcp_server.RoleKey) == ROLE_KEYS
    assert get_args(mcp_server.StatusWord) == tuple(s.value for s in TermStatus)


def test_define_a_hit_returns_the_term_with_both_framings_and_the_docs_link(runtime):
    found = call(runtime, "define", {"term": "RAG"})
    assert (found["status"], found["how"], found["offer"]) == ("hit", "alias", "term")
    entry = found["definition"]
    assert entry["slug"] == "retrieval-augmented-generation"
    assert entry["status"] == "approved" and entry["last_reviewed"] == "2025-10-09"
    assert set(entry["framings"]) == {"exec", "engineer"}
    assert entry["related"] == [
        {"kind": "narrower", "term": "semantic search", "slug": "semantic-search"},
        {"kind": "related", "term": "vector store", "slug": None},
    ]
    assert entry["citations"] == [{"source": "Example", "url": "https://example.org/x"}]
    assert entry["docs_url"] == "https://glossary.example.org/terms/retrieval-augmented-generation/"
    assert "role" not in entry


def test_define_with_a_framing_and_a_role(runtime):
    entry = call(runtime, "define", {"term": "semantic search", "framing": "exec", "role": "legal"})["definition"]
    assert entry["framings"] == {"exec": "Why semantic search matters to the business."}
    assert entry["role"]["key"] == "legal" and entry["role"]["name"]
    assert entry["status"] == "draft"


def test_define_ambiguous_suggestions_and_miss_are_results_not_errors(runtime):
    ambiguous = call(runtime, "define", {"term": "PI"})
    assert (ambiguous["status"], ambiguous["offer"]) == ("ambiguous", "choice")
    assert {t["slug"] for t in ambiguous["terms"]} == {"prompt-injection", "principal-investigator"}
    assert "definition" not in ambiguous
    typo = call(runtime, "define", {"term": "semantik search"})
    assert (typo["status"], typo["offer"]) == ("suggestions", "did_you_mean")
    assert typo["terms"][0]["slug"] == "semantic-search"
    assert typo["terms"][0]["short_def"] == "A short definition of semantic search."
    miss = call(runtime, "define", {"term": "quokka"})
    assert miss == {"status": "miss", "query": "quokka", "how": "", "offer": "nothing", "terms": []}


def test_define_statuses_match_define_json(runtime):
    for query in ("RAG", "PI", "semantik search", "quokka"):
        assert call(runtime, "define", {"term": query})["status"] == runtime.glossary.find(query).as_dict()["status"]


def test_lookups_reach_the_analytics_hook(runtime, monkeypatch):
    seen = []
    monkeypatch.setattr(runtime, "record_lookup", lambda surface, query, result: seen.append((surface, query)))
    call(runtime, "define", {"term": "quokka"})
    call(runtime, "search", {"query": "injection"})
    assert seen == [("mcp", "quokka"), ("mcp", "injection")]


def test_search_ranks_terms_with_short_definitions(runtime):
    found = call(runtime, "search", {"query": "semantic", "limit": 2})
    assert found["terms"][0]["slug"] == "semantic-search"
    assert len(found["terms"]) <= 2
    assert call(runtime, "search", {"query": "quokka"})["terms"] == []


def test_explain_text_finds_terms_in_order_with_offsets_and_framing(runtime):
    text = "Our RAG uses `semantic search` and meaning searches; <@U1> mentioned prompt injection."
    found = call(runtime, "explain_text", {"text": text, "framing": "engineer"})["found"]
    assert [f["slug"] for f in found] == ["retrieval-augmented-generation", "semantic-search", "prompt-injection"]
    assert found[1]["occurrences"] == [{"start": 35, "end": 51, "text": "meaning searches"}]
    assert found[1]["definition"] == "How semantic search works in code."
    assert call(runtime, "explain_text", {"text": "nothing to see"}) == {"found": []}


def test_list_terms_filters_by_category_role_and_status(runtime):
    everything = call(runtime, "list_terms", {})
    assert everything["count"] == 4
    assert "Retrieval & RAG" in everything["categories"]
    in_retrieval = call(runtime, "list_terms", {"category": "retrieval & rag"})
    assert [t["slug"] for t in in_retrieval["terms"]] == ["retrieval-augmented-generation", "semantic-search"]
    assert [t["slug"] for t in call(runtime, "list_terms", {"role": "security"})["terms"]] == ["prompt-injection"]
    assert [t["slug"] for t in call(runtime, "list_terms", {"status": "draft"})["terms"]] == ["semantic-search"]
    assert call(runtime, "list_terms", {"category": "Cooking"})["count"] == 0


def test_related_resolves_broader_narrower_related(runtime):
    found = call(runtime, "related", {"term": "retrieval augmented generation"})
    assert found["status"] == "hit"
    assert found["broader"] == []
    assert found["narrower"] == [{"kind": "narrower", "term": "semantic search", "slug": "semantic-search"}]
    assert found["related"] == [{"kind": "related", "term": "vector store", "slug": None}]
    unknown = call(runtime, "related", {"term": "PI"})
    assert unknown["status"] == "ambiguous" and unknown["narrower"] == [] and len(unknown["terms"]) == 2


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("define", {}, "'term': Field required"),
        ("define", {"term": "RAG", "framing": "ceo"}, "'framing'"),
        ("define", {"term": "RAG", "role": "chef"}, "'role'"),
        ("define", {"term": "   "}, "'term' is empty"),
        ("define", {"term": "x" * 201}, "'term'"),
        ("search", {"query": "rag", "limit": 0}, "'limit'"),
        ("search", {"query": "rag", "limit": "many"}, "'limit'"),
        ("list_terms", {"status": "shipped"}, "'status'"),
        ("explain_text", {"text": "x" * 40_001}, "'text'"),
        ("request_term", {"term": "quokka"}, "'why': Field required"),
        ("request_term", {"term": "quokka", "why": "   "}, "'why'"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
def test_bad_arguments_are_protocol_errors_with_a_clear_message(runtime, tool, arguments, says):
    assert says in refused(runtime, tool, arguments)


def test_the_server_keeps_serving_after_bad_input(runtime):
    async def body(client):
        for arguments in ({"term": None}, {"term": ["RAG"]}, {"term": "\x00\ud7ff"}):
            with contextlib.suppress(MCPError):  # a refusal or an error result: either way the call ends
                await client.call_tool("define", arguments)
        return (await client.call_tool("define", {"term": "RAG"})).structured_content["status"]

    assert session(runtime, body) == "hit"


def test_request_term_files_then_votes_then_refuses_a_known_term(tmp_path, state_url):
    glossary_files(tmp_path / "terms")
    settings = Settings(glossary_dir=tmp_path / "terms", data_dir=tmp_path / "var", database_url=state_url)
    runtime = Runtime.open(settings)
    first = call(runtime, "request_term", {"term": "mixture of experts", "why": "Our vendor says MoE."})
    assert first["status"] == "filed" and first["request_status"] == "open" and first["votes"] == 1
    again = call(runtime, "request_term", {"term": "Mixture-of-Experts", "why": "Me too.", "requester": "Ana (legal)"})
    assert again["status"] == "voted" and again["number"] == first["number"] and again["votes"] == 2
    same = call(runtime, "request_term", {"term": "mixture of experts", "why": "Still."})
    assert same["status"] == "already_asked"
    request = runtime.requests.get(first["number"])
    assert request.requester == "mcp:agent"
    assert request.voters == ("mcp:agent", "mcp:Ana (legal)")
    assert "AI agent" in request.seen_where
    known = call(runtime, "request_term", {"term": "rag", "why": "?"})
    assert known["status"] == "refused" and known["existing_term"]["slug"] == "retrieval-augmented-generation"
    assert "retrieval-augmented generation" in known["message"]
    assert runtime.requests.count() == 1


def test_requester_ids_never_look_like_slack_ids():
    assert requester_id(None) == "mcp:agent"
    assert requester_id("  ") == "mcp:agent"
    assert requester_id("Ana\n  (legal)") == "mcp:Ana (legal)"
    assert requester_id("x" * 100) == "mcp:" + "x" * 60


def test_resources_a_term_as_markdown_and_the_roles(runtime):
    async def body(client):
        templates = (await client.list_resource_templates()).resource_templates
        page = (await client.read_resource("glossary://terms/retrieval-augmented-generation")).contents[0]
        roles = (await client.read_resource("glossary://roles")).contents[0]
        with pytest.raises(MCPError) as caught:
            await client.read_resource("glossary://terms/quokka")
        return templates, page, roles, caught.value

    templates, page, roles, missing = session(runtime, body)
    assert [t.uri_template for t in templates] == ["glossary://terms/{slug}"]
    assert page.mime_type == "text/markdown"
    assert page.text.startswith("# retrieval-augmented generation\n")
    assert "**Aliases:** RAG" in page.text
    assert "- **Narrower:** semantic search" in page.text
    assert "- [Example](https://example.org/x)" in page.text
    assert '"key": "engineering"' in roles.text
    assert "quokka" in missing.message
