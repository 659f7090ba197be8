"""A request filed where no requests channel and no reviewers are set reaches nobody (issue 19): the requester is
told where it went instead of "reviewers will answer by Friday", and the start-up names the two settings."""

from __future__ import annotations

import json
from dataclasses import replace

from paths import BUNDLED_TERMS

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.app import nobody_reviews
from bot.slack.requests.filing import file_request
from bot.term_requests.rules import RequestForm


def confirmation(runtime: Runtime, term: str) -> str:
    acked: dict = {}
    file_request(
        lambda **kw: acked.update(kw), runtime, RequestForm(term=term, why="Vendor docs.", seen_where=""), "U1"
    )
    return json.dumps(acked["view"])


def test_a_request_with_no_channel_and_no_reviewers_tells_the_requester_where_it_went(tmp_path):
    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, data_dir=tmp_path / "var"))
    told = confirmation(runtime, "quokka ops")
    assert "Nobody reviews requests here yet" in told and "REQUESTS_CHANNEL" in told and "REVIEWERS" in told
    assert "will answer by" not in told
    runtime.settings = replace(runtime.settings, requests_channel="CREQUESTS")
    assert "will answer by" in confirmation(runtime, "wombat ops")
    runtime.store.close()


def test_the_start_up_check_names_the_missing_request_settings():
    line = nobody_reviews(Settings())
    assert "REQUESTS_CHANNEL" in line and "REVIEWERS" in line and "\n" not in line
    assert nobody_reviews(Settings(reviewers=("U0REVIEW1",))) == ""
    assert nobody_reviews(Settings(requests_channel="C0REQUESTS")) == ""
