"""The agent DM's pure parts: where someone is, what the explain prompt says, and how much is read."""

from __future__ import annotations

from bot.slack.assistant.reading import MAX_CHARACTERS, MAX_MESSAGES, recent_text
from bot.slack.assistant.viewing import (
    ExplainAsked,
    Viewing,
    explain_request,
    viewing_from_assistant_thread,
    viewing_from_entities,
)


def test_the_first_readable_entity_wins():
    entities = [
        {"type": "slack#/types/canvas_id", "value": "F0CANVAS1"},
        {
            "type": "slack#/types/message_context",
            "value": {"channel_id": "C0AAA0001", "message_ts": "1700000000.000100"},
        },
        {"type": "slack#/types/channel_id", "value": "C0BBB0001"},
    ]
    assert viewing_from_entities({"entities": entities}) == Viewing("C0AAA0001", "1700000000.000100")
    assert viewing_from_entities({}) is None and viewing_from_entities(None) is None
    # Nothing that is not a channel id gets into a prompt (a crafted value cannot carry mrkdwn).
    assert viewing_from_entities({"entities": [{"type": "slack#/types/channel_id", "value": "<!here>"}]}) is None
    assert viewing_from_assistant_thread({"context": {"channel_id": "C0CCC0001"}}) == Viewing("C0CCC0001")


def test_the_prompt_reads_back_as_what_it_points_at():
    for viewing in (Viewing("C0AAA0001"), Viewing("G0PRIV001", "1700000000.000100")):
        assert explain_request(viewing.prompt_message()) == ExplainAsked(viewing)
    assert explain_request("explain the glossary terms in <#C0AAA0001|general>") == ExplainAsked(Viewing("C0AAA0001"))
    assert explain_request("Explain the terms in this channel") == ExplainAsked(None)
    assert explain_request("what does RAG mean?") is None


def test_reading_stops_at_fifty_messages_or_twenty_thousand_characters():
    many = [{"text": f"message {i}"} for i in range(MAX_MESSAGES + 10)]
    assert recent_text(many).count("message") == MAX_MESSAGES
    long = [{"text": "x" * 15_000}, {"text": "y" * 15_000}, {"text": "z" * 10}]
    text = recent_text(long)
    assert len(text) <= MAX_CHARACTERS and "z" not in text and text.count("y") == MAX_CHARACTERS - 15_001
