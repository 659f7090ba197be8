"""A card opened from a browse list or an Explain list has a way back (issue 19): "Open" used to replace the list
with the card and nothing led back to it. Back shows the list again, at the page the card was opened from."""

from __future__ import annotations

from bot.slack.kit import ids

from .test_explain_and_feedback import shortcut
from .test_home_and_browse import define, element, message_click, press


def test_a_card_opened_from_a_browse_list_goes_back_to_that_page(server, fake_slack):
    first = define(server, "browse governance")
    page2 = message_click(server, fake_slack, press(element(first, ids.BROWSE_NEXT)))
    opener = next(b["accessory"] for b in page2["blocks"] if b.get("accessory"))
    card = message_click(server, fake_slack, press(opener))
    assert card["blocks"][0]["type"] == "header"
    back = message_click(server, fake_slack, press(element(card, ids.BROWSE_BACK)))
    assert back["blocks"] == page2["blocks"], "the same list, at page 2"


def test_a_card_opened_elsewhere_has_no_back_button(server, fake_slack):
    card = define(server, "RAG")
    assert ids.BROWSE_BACK not in str(card["blocks"])


def test_a_card_opened_from_an_explain_list_goes_back_to_that_list(server, fake_slack):
    before = shortcut(server, fake_slack, "Our RAG pipeline hallucinates; maybe LoRA fine-tuning helps.", "ex")
    [reply] = fake_slack.wait_for("/respond/ex", since=before)
    listed = reply.body
    openers = [b["accessory"] for b in listed["blocks"] if b.get("accessory")]
    assert len(openers) >= 3
    card = message_click(server, fake_slack, press(openers[1]))
    assert card["blocks"][0]["type"] == "header"
    back = message_click(server, fake_slack, press(element(card, ids.BROWSE_BACK)))
    again = [b["accessory"] for b in back["blocks"] if b.get("accessory")]
    assert [b["value"] for b in again] == [b["value"] for b in openers], "the same terms, in the same order"
    assert back["blocks"][0] == listed["blocks"][0]  # "N glossary terms in that message"
