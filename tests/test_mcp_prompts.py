"""The MCP prompts and argument completion, through the SDK's in-memory client: normal and odd arguments,
and every argument error a JSON-RPC -32602 with a message saying what to send."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, PromptReference, ResourceTemplateReference
from paths import BUNDLED_ROLES
from termfactory import term_data, write_glossary

from bot.config import Settings
from bot.glossary.model import Framing
from bot.mcp.server import build_server
from bot.runtime import Runtime


@pytest.fixture
def runtime(tmp_path):
    write_glossary(
        tmp_path / "terms",
        term_data("retrieval-augmented generation", aliases=["RAG"], categories=["Retrieval & RAG"],
                  roles=["engineering", "legal"]),
        term_data("fine-tuning", categories=["Training & Adaptation"], roles=["engineering"], status="draft"),
        term_data("prompt injection", categories=["Governance & Risk"], roles=["security", "legal"]),
    )  # fmt: skip
    settings = Settings(
        glossary_dir=tmp_path / "terms",
        data_dir=tmp_path / "var",
        roles_file=BUNDLED_ROLES,
        glossary_url="https://glossary.example.org",
    )
    runtime = Runtime.open(settings)
    yield runtime
    runtime.close()


def run(runtime, body):
    async def main():
        async with Client(build_server(runtime)) as client:
            return await body(client)

    return anyio.run(main)


def prompt_text(runtime, name, arguments):
    async def body(client):
        result = await client.get_prompt(name, arguments)
        assert [m.role for m in result.messages] == ["user"]
        return result.messages[0].content.text

    return run(runtime, body)


def refused(runtime, name, arguments) -> str:
    async def body(client):
        with pytest.raises(MCPError) as caught:
            await client.get_prompt(name, arguments)
        assert caught.value.code == INVALID_PARAMS, caught.value.message
        return caught.value.message

    return run(runtime, body)


def test_the_three_prompts_are_listed_with_their_arguments(runtime):
    async def body(client):
        return (await client.list_prompts()).prompts

    listed = {p.name: p for p in run(runtime, body)}
    assert set(listed) == {"explain_for_my_role", "onboarding_pack", "compare_terms"}
    assert listed["explain_for_my_role"].title == "Explain this text for my role"
    assert {(a.name, a.required) for a in listed["compare_terms"].arguments} == {("first", True), ("second", True)}
    assert {(a.name, a.required) for a in listed["onboarding_pack"].arguments} == {("role", True), ("category", False)}


def test_explain_for_a_role_carries_each_terms_definition_takeaway_and_link(runtime):
    text = prompt_text(
        runtime, "explain_for_my_role", {"text": "Our RAG is safe from prompt injection?", "role": "Legal"}
    )
    assert "a reader in Legal & Compliance" in text
    assert "## retrieval-augmented generation (approved)" in text and "## prompt injection" in text
    assert "For Legal & Compliance: Confirm which contracts" in text
    assert "Docs: https://glossary.example.org/terms/retrieval-augmented-generation/" in text
    assert "cite each term's docs URL" in text and text.endswith("Our RAG is safe from prompt injection?")
    plain = prompt_text(runtime, "explain_for_my_role", {"text": "nothing from the glossary here"})
    assert "a colleague new to the subject" in plain and "(none)" in plain


def test_the_signed_in_persons_role_and_framing_apply_when_none_is_given(runtime):
    runtime.set_role("UANA0001", "security")
    runtime.set_framing("UANA0001", Framing.EXEC)
    server = build_server(runtime, person=lambda: "UANA0001")  # as if Ana had signed in

    async def main():
        async with Client(server) as client:
            return (await client.get_prompt("explain_for_my_role", {"text": "prompt injection"})).messages

    [message] = anyio.run(main)
    assert "a reader in Security & Trust" in message.content.text
    assert "Exec framing:" in message.content.text and "Engineer framing:" not in message.content.text


def test_an_onboarding_pack_lists_the_roles_terms_settled_first(runtime):
    text = prompt_text(runtime, "onboarding_pack", {"role": "eng"})
    assert "joining as Engineering & Platform" in text
    assert text.index("retrieval-augmented generation (approved)") < text.index("fine-tuning (draft)")
    assert "prompt injection" not in text
    narrowed = prompt_text(runtime, "onboarding_pack", {"role": "engineering", "category": "train"})
    assert "fine-tuning" in narrowed and "retrieval-augmented generation" not in narrowed
    empty = prompt_text(runtime, "onboarding_pack", {"role": "communications"})
    assert "(none yet)" in empty


def test_compare_two_terms_by_any_name(runtime):
    text = prompt_text(runtime, "compare_terms", {"first": "RAG", "second": "fine tuning"})
    assert text.startswith("Compare retrieval-augmented generation and fine-tuning")
    assert "## fine-tuning (draft)" in text and "say so when a term is a draft" in text


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("compare_terms", {"first": "RAG"}, "Missing required arguments"),
        ("compare_terms", {"first": "RAG", "second": "quokka"}, "'second': the glossary has no term named 'quokka'"),
        ("compare_terms", {"first": "RAG", "second": "retrieval augmented generation"}, "the same term"),
        ("compare_terms", {"first": " ", "second": "RAG"}, "'first' is empty"),
        ("compare_terms", {"first": "RAG", "second": "fine-tuning", "third": "x"}, "not third"),
        ("onboarding_pack", {"role": "chef"}, "'role' must name one of"),
        ("onboarding_pack", {"role": ""}, "'role' is empty"),
        ("onboarding_pack", {"role": "legal", "category": "cooking"}, "'category'"),
        ("explain_for_my_role", {"text": ""}, "'text'"),
        ("explain_for_my_role", {"text": "x" * 40_001}, "'text'"),
        ("explain_for_my_role", {"text": "RAG", "role": "p"}, "could be product, policy"),
        ("no_such_prompt", {}, "Unknown prompt"),
    ],
)
def test_prompt_argument_errors_are_protocol_errors(runtime, name, arguments, says):
    assert says in refused(runtime, name, arguments)


def complete(runtime, ref, argument, value):
    async def body(client):
        return (await client.complete(ref, {"name": argument, "value": value})).completion

    return run(runtime, body)


def test_completion_offers_term_names_roles_categories_and_slugs(runtime):
    compare = PromptReference(name="compare_terms")
    assert complete(runtime, compare, "first", "retr").values[0] == "retrieval-augmented generation"
    assert "fine-tuning" in complete(runtime, compare, "second", "fine").values
    assert complete(runtime, compare, "second", "").total == 3  # nothing typed: the first terms
    pack = PromptReference(name="onboarding_pack")
    assert complete(runtime, pack, "role", "DATA").values == ["data_science"]
    assert complete(runtime, pack, "role", "p").values == ["product", "policy"]
    assert complete(runtime, pack, "category", "gov").values == ["Governance & Risk"]
    assert complete(runtime, pack, "role", "zzz").values == []
    page = ResourceTemplateReference(uri="glossary://terms/{slug}")
    assert complete(runtime, page, "slug", "prompt").values == ["prompt-injection"]
    assert complete(runtime, pack, "unknown_argument", "x").values == []
    odd = complete(runtime, compare, "first", "\x00🤖" * 50)
    assert odd.values == [] or all(isinstance(v, str) for v in odd.values)
