"""A term's file shown in a Slack form in parts and joined back byte for byte: an untouched file comes back as it
was, whatever its length, line endings or final newlines."""

from __future__ import annotations

from paths import BUNDLED_TERMS

from bot.slack.kit import ids
from bot.slack.requests.file_form import SLACK_INPUT_MAX, block_id, joined, split_for_form


def _view(parts: list[str]) -> dict:
    """A submitted view as Slack sends it: each box's text, with "\\n" line ends and no final newline."""
    values = {block_id(k): {ids.INPUT: {"type": "plain_text_input", "value": p}} for k, p in enumerate(parts)}
    return {"state": {"values": values}}


def _round_trip(text: str) -> str:
    parts = split_for_form(text)
    assert parts is not None
    return joined(_view(parts), len(parts), text)


def test_every_bundled_term_file_fits_and_comes_back_unchanged():
    paths = sorted(BUNDLED_TERMS.glob("*.yml"))
    assert len(paths) > 100
    several = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        parts = split_for_form(text)
        assert parts is not None and all(len(p) <= SLACK_INPUT_MAX for p in parts), path.name
        assert _round_trip(text) == text, path.name
        several += len(parts) > 1
    assert several > 100  # most files are longer than one box holds


def test_cuts_fall_only_before_a_top_level_line_with_text_on_both_sides():
    text = "a: " + "x" * 2000 + "\nb: |\n  " + "y" * 1500 + "\n\n  more\nc: z\n"
    parts = split_for_form(text)
    assert parts == ["a: " + "x" * 2000, "b: |\n  " + "y" * 1500 + "\n\n  more\nc: z"]
    assert _round_trip(text) == text


def test_crlf_and_several_final_newlines_are_kept():
    text = "term: x\r\nshort_def: y\r\n\r\n"
    assert _round_trip(text) == text


def test_a_file_that_cannot_be_cut_small_enough_is_refused():
    assert split_for_form("a: " + "x" * SLACK_INPUT_MAX) is None  # one line longer than a box
    many = "".join(f"k{n}: " + "x" * 2990 + "\n" for n in range(11))
    assert split_for_form(many) is None  # more boxes than a form shows


def test_an_emptied_later_part_removes_its_text_and_an_edit_is_kept():
    text = "a: " + "x" * 2000 + "\nb: " + "y" * 2000 + "\n"
    parts = split_for_form(text)
    assert parts is not None and len(parts) == 2
    assert joined(_view([parts[0], ""]), 2, text) == parts[0] + "\n"
    assert joined(_view([parts[0].replace("a:", "A:"), parts[1]]), 2, text) == text.replace("a:", "A:")
