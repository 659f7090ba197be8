"""The 👎 form: what was wrong with a card, and a note. Builder, reader and where its problem shows."""

from __future__ import annotations

from ...term_requests.feedback import REASONS
from ..kit import ids
from ..kit.blocks import encode_value, plain, read_value, safe, section
from ..kit.inputs import MODAL_TITLE, chosen_values, input_block, option, text_input, typed_value

NOTE_MAX = 2000


def feedback_modal(slug: str, term_name: str) -> dict:
    element = {"type": "checkboxes", "action_id": ids.INPUT, "options": [option(t, k) for k, t in REASONS.items()]}
    return {
        "type": "modal",
        "callback_id": ids.FEEDBACK_VIEW,
        "private_metadata": encode_value({"s": slug}),
        "title": plain("Not helpful?", MODAL_TITLE),
        "submit": plain("Send", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section(
                f"What's wrong with the card for *{safe(term_name, 200)}*? It goes to the glossary reviewers "
                "as a suggested change; nobody else sees it."
            ),
            input_block(ids.FB_REASONS, "What's wrong", element, optional=True),
            input_block(
                ids.FB_NOTE,
                "A note for the reviewers",
                text_input(multiline=True, max_length=NOTE_MAX, placeholder="What should the card say instead?"),
                optional=True,
            ),
        ],
    }


def feedback_from_view(view: dict) -> tuple[str, list[str], str]:
    """(the term's slug, the reasons ticked, the note) as given."""
    slug = read_value(view.get("private_metadata")).get("s")
    return (slug if isinstance(slug, str) else ""), chosen_values(view, ids.FB_REASONS), typed_value(view, ids.FB_NOTE)
