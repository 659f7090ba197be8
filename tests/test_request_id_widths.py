"""Requester ids are as wide as what the MCP tool accepts, on both databases (issue 19): a 60-character requester
name ("mcp:" and 60 = 64 characters) files and votes on PostgreSQL too, and a longer id (a forged sign-in
subject) is refused with a line naming the limit, before anything is written."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from test_mcp_tools import call, glossary_files

from bot.config import Settings
from bot.mcp.server import build_server
from bot.runtime import Runtime
from bot.term_requests.rules import PERSON_MAX, PersonRefused, RequestForm


def open_runtime(tmp_path, state_url):
    glossary_files(tmp_path / "terms")
    return Runtime.open(Settings(glossary_dir=tmp_path / "terms", data_dir=tmp_path / "var", database_url=state_url))


def test_a_sixty_character_requester_name_files_and_votes_on_both_databases(tmp_path, state_url):
    runtime = open_runtime(tmp_path, state_url)
    name = "Ana from the platform team's data governance working group EU"[:59] + "!"
    assert len(name) == 60
    first = call(runtime, "request_term", {"term": "mixture of experts", "why": "Vendor.", "requester": name})
    again = call(runtime, "request_term", {"term": "mixture of experts", "why": "Me too.", "requester": name[::-1]})
    assert first["status"] == "filed" and again["status"] == "voted" and again["votes"] == 2
    assert runtime.requests.get(first["number"]).requester == f"mcp:{name}"
    runtime.store.close()


def test_a_requester_id_over_the_column_width_is_refused_cleanly(tmp_path, state_url):
    runtime = open_runtime(tmp_path, state_url)
    form = RequestForm(term="mixture of experts", why="Vendor.", seen_where="")
    with pytest.raises(PersonRefused, match=f"1 to {PERSON_MAX} characters"):
        runtime.requests.file(form, "U" * 40 + "X" * 40)
    assert runtime.requests.count() == 0

    async def as_forged_person():
        async with Client(build_server(runtime, person=lambda: "U" * 80)) as client:
            with pytest.raises(MCPError, match=f"1 to {PERSON_MAX} characters"):
                await client.call_tool("request_term", {"term": "mixture of experts", "why": "Vendor."})

    anyio.run(as_forged_person)
    assert runtime.requests.count() == 0
    runtime.store.close()
