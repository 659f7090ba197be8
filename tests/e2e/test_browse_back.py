"""A card opened from a browse list has a way back (issue 19): "Open" used to replace the list with the card and
nothing led back to it. Back shows the list again, at the page the card was opened from."""

from __future__ import annotations

from bot.slack.kit import ids

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
