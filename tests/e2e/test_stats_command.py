"""/define stats, end to end: a reviewer sees a recorded miss with its count and a button to request it;
anyone else is refused privately and sees nothing."""

from __future__ import annotations

import json

from blockkit import assert_valid_message

from bot.term_requests.rules import RequestForm

from .harness import command_body, signed_post
from .requests_helpers import FORM


def define(server, text: str, user: str = "UASKER01") -> dict:
    reply = signed_post(server.url + "/slack/events", command_body(text, user=user), FORM)
    assert reply.status == 200
    return reply.json()


def test_a_reviewer_sees_a_recorded_miss_with_its_count(server):
    define(server, "zqxjkv")
    define(server, "ZQXJKV", user="UOTHER01")
    define(server, "fine-tuning")
    assert server.runtime.flush_lookups(10)  # written in the background: on a busy machine, later than a second
    stats = define(server, "stats 7", user="UREVIEW01")
    assert_valid_message(stats)
    assert stats["response_type"] == "ephemeral"
    shown = json.dumps(stats["blocks"])
    assert "*Lookups in the last 7 days:* 3" in shown and "33% found a term" in shown
    miss = next(b for b in stats["blocks"] if "*zqxjkv*" in b.get("text", {}).get("text", ""))
    assert "asked 2 times" in miss["text"]["text"]
    assert miss["accessory"]["text"]["text"] == "Request this term" and '"t":"zqxjkv"' in miss["accessory"]["value"]
    assert "fine-tuning: 1" in shown


def test_a_miss_with_a_request_shows_the_request_instead_of_the_button(server):
    define(server, "zqxjkv")
    assert server.runtime.flush_lookups(10)  # written in the background: on a busy machine, later than a second
    filed = server.runtime.requests.file(RequestForm(term="zqxjkv", why="asked twice"), "UASKER01")
    stats = define(server, "stats", user="UREVIEW01")
    miss = next(b for b in stats["blocks"] if "*zqxjkv*" in b.get("text", {}).get("text", ""))
    assert f"request #{filed.request.id} (open)" in miss["text"]["text"] and "accessory" not in miss
    assert "*Lookups in the last 30 days:* 1" in json.dumps(stats["blocks"])


def test_a_non_reviewer_is_refused_privately(server):
    define(server, "zqxjkv")
    reply = define(server, "stats", user="UASKER01")
    assert reply["response_type"] == "ephemeral"
    assert "Only glossary reviewers" in reply["text"] and "zqxjkv" not in json.dumps(reply)


def test_stats_with_a_bad_number_of_days_says_how(server):
    reply = define(server, "stats lots", user="UREVIEW01")
    assert "`/define stats 7`" in reply["text"]


def test_a_term_called_stats_is_reachable_in_quotes(server):
    reply = define(server, '"stats"')
    assert "Lookups" not in reply["text"] and "Only glossary reviewers" not in reply["text"]
