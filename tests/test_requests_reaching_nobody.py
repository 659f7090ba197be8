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


def test_the_requester_is_told_who_will_see_the_request(tmp_path):
    from bot.slack.requests.messages import who_sees
    from bot.workspaces.settings import Effective

    both = who_sees(Effective("T1", "CTRIAGE01", ("UREV00001", "SREVGROUP")))
    assert both == "\n*Who sees it:* the reviewers (<@UREV00001>, <!subteam^SREVGROUP>), in <#CTRIAGE01>."
    assert "everyone in <#CTRIAGE01>" in who_sees(Effective("T1", "CTRIAGE01"))
    assert "on their Home and with `/define requests`" in who_sees(Effective("T1", "", ("UREV00001",)))
    many = who_sees(Effective("T1", "", tuple(f"U{n:08d}" for n in range(12))))
    assert many.count("<@") == 10 and "and 2 more" in many


def test_a_request_filed_in_a_workspace_names_that_workspaces_channel(tmp_path):
    from bot.workspaces.settings import SettingsForm

    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, data_dir=tmp_path / "var"))
    runtime.workspaces.save("T1", SettingsForm(requests_channel="CTEAMONE1"), by="UADMIN001", domains=())
    acked: dict = {}
    form = RequestForm(term="quokka ops", why="Vendor docs.", seen_where="")
    file_request(lambda **kw: acked.update(kw), runtime, form, "U1", team_id="T1")
    assert "<#CTEAMONE1>" in json.dumps(acked["view"]) and "Nobody reviews" not in json.dumps(acked["view"])
    acked.clear()
    other = RequestForm(term="wombat ops", why="Docs.")
    file_request(lambda **kw: acked.update(kw), runtime, other, "U1", team_id="T2")
    assert "Nobody reviews requests here yet" in json.dumps(acked["view"])  # another workspace set nothing
    runtime.store.close()
