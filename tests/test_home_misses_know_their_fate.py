"""The reviewer Home's top misses know what became of each (issue 19): a miss the glossary now answers opens the
term, a miss whose request was closed shows that request, and only the rest offer "File a request". The Home said
"not requested yet" for all of them while `/define stats` showed them right."""

from __future__ import annotations

import json

from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.home.page import HomeState, build_home
from bot.slack.kit import ids
from bot.state.lookups import LookupRow
from bot.state.store import now
from bot.term_requests.rules import RequestForm


def miss_lines(view: dict) -> dict[str, dict]:
    return {
        b["text"]["text"].split("*")[1]: b
        for b in view["blocks"]
        if b["type"] == "section" and " time" in b["text"]["text"] and b.get("accessory")
    }


def test_the_reviewer_homes_misses_know_requests_and_published_terms(tmp_path):
    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path / "var"))
    at = now()
    queries = ("retrieval-augmented generation", "quokka ops", "wombat ops")  # published since; declined; nothing
    runtime.lookups.add([LookupRow("slash", q, "miss", None, "", at) for q in queries for _ in range(2)])
    declined = runtime.requests.file(RequestForm(term="quokka ops", why="Vendor docs.", seen_where=""), "U1")
    runtime.requests.decline(declined.request.id, "UREVIEW01", "Not an AI term.")

    lines = miss_lines(build_home(runtime, "UREVIEW01", HomeState(), reviewer=True))

    published = lines["retrieval augmented generation"]  # as stored: normalised
    assert "in the glossary now" in published["text"]["text"] and "not requested yet" not in published["text"]["text"]
    assert published["accessory"]["action_id"] == ids.HOME_TERM
    assert published["accessory"]["value"] == "retrieval-augmented-generation"
    closed = lines["quokka ops"]
    assert f"requested as #{declined.request.id}" in closed["text"]["text"]
    assert closed["accessory"]["action_id"] == ids.HOME_REQUEST
    fresh = lines["wombat ops"]
    assert "not requested yet" in fresh["text"]["text"] and fresh["accessory"]["action_id"] == ids.REQUEST_TERM
    assert json.loads(fresh["accessory"]["value"])["t"] == "wombat ops"
    runtime.store.close()
