"""Bolt's signature check stays on; /healthz reports the glossary; every other path is 404."""

from __future__ import annotations

import time

from termfactory import write_term

from .harness import command_body, http, signed_post

FORM = "application/x-www-form-urlencoded"


def test_unsigned_request_is_refused_without_any_call(server, fake_slack):
    reply = http("POST", server.url + "/slack/events", command_body("rag").encode(), {"Content-Type": FORM})
    assert reply.status == 401
    assert fake_slack.api_calls() == []


def test_wrong_secret_is_refused(server, fake_slack):
    reply = signed_post(server.url + "/slack/events", command_body("rag"), FORM, secret="someone-else")
    assert reply.status == 401 and fake_slack.api_calls() == []


def test_six_minute_old_request_is_refused(server, fake_slack):
    reply = signed_post(server.url + "/slack/events", command_body("rag"), FORM, timestamp=int(time.time()) - 360)
    assert reply.status == 401 and fake_slack.api_calls() == []


def test_healthz_reports_version_and_count(server):
    reply = http("GET", server.url + "/healthz")
    data = reply.json()
    assert reply.status == 200 and data["terms"] == len(server.runtime.glossary) >= 30
    assert data["glossary_version"] == server.runtime.glossary.version


def test_healthz_503_without_a_glossary(make_server, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    write_term(empty, text="::: not yaml\n", filename="broken.yml")
    server = make_server(glossary_dir=empty)
    reply = http("GET", server.url + "/healthz")
    assert reply.status == 503 and reply.json()["terms"] == 0


def test_other_paths_are_404(server):
    assert http("GET", server.url + "/").status == 404
    assert http("GET", server.url + "/slack/events").status == 404
    assert http("POST", server.url + "/other", b"x").status == 404
