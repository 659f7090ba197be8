"""The "Helpful?" block on every term card, and the private answers to a click on it."""

from __future__ import annotations

from ..kit import ids
from ..kit.blocks import actions, button, safe
from ..kit.messages import notice


def feedback_block(slug: str) -> dict:
    """👍 records at once; 👎 opens a short form. Each button carries only the term's slug."""
    block = actions(
        button("👍 Helpful", ids.FEEDBACK_HELPFUL, {"s": slug}),
        button("👎 Not helpful", ids.FEEDBACK_UNHELPFUL, {"s": slug}),
    )
    block["block_id"] = ids.FEEDBACK_BLOCK
    return block


def thanks(term_name: str, *, changed: bool) -> dict:
    what = "Changed your vote: glad" if changed else "Thanks, glad"
    return notice(f"{what} *{safe(term_name, 200)}* helped. You can change your vote on any card.")
