"""Case, Unicode compatibility forms, curly quotes, dashes and separators all fold together."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from termfactory import term_data, write_glossary

from bot.glossary.live import open_glossary
from bot.glossary.names import normalise


@pytest.mark.parametrize(
    "typed",
    [
        "fine-tuning",
        "finetuning",
        "Fine Tuning",
        "fine_tuning",
        "FINE-TUNING",
        "fine\u2011tuning",  # non-breaking hyphen
        "fine\u2013tuning",  # en dash
        "fine\u2014tuning",  # em dash
        "ｆｉｎｅ－ｔｕｎｉｎｇ",  # full-width forms
        "  fine   tuning  ",
        "fine-tuning?",
        "'fine-tuning'",
        "“fine-tuning”",
    ],
)
def test_spellings_of_fine_tuning_hit(tmp_path, typed):
    g, _ = open_glossary(write_glossary(tmp_path / "t", term_data("fine-tuning")), tmp_path / "g.db")
    r = g.find(typed)
    assert r.status == "hit" and r.term.slug == "fine-tuning", r


def test_curly_apostrophe_matches_straight(tmp_path):
    g, _ = open_glossary(write_glossary(tmp_path / "t", term_data("builder’s guide")), tmp_path / "g.db")
    assert g.find("builder's guide").status == "hit"
    assert g.find("BUILDER’S GUIDE").status == "hit"


def test_normalise_examples():
    assert normalise("  Fine_Tuning!? ") == "fine tuning"
    assert normalise("ﬁne\u00adtuning") == "finetuning"  # ligature folds, soft hyphen (a format char) goes
    assert normalise("c++") == "c++"  # inner punctuation that is not a separator stays
    assert normalise("\x00\x07") == ""


def _normalise_reference(text: str) -> str:
    """The definition, character by character, as normalise() did it before its ASCII shortcut."""
    import re
    import unicodedata

    from bot.glossary.names import _EDGE_PUNCTUATION, _QUOTES, _SEPARATORS

    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") or ch.isspace())
    return re.sub(_SEPARATORS, " ", text).strip(_EDGE_PUNCTUATION)


@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
@settings(max_examples=400, deadline=None)
def test_the_shortcuts_of_normalise_give_the_definitions_result(text):
    # The shortcuts (ASCII with line breaks and control characters, printable Unicode) must change nothing.
    assert normalise(text) == _normalise_reference(text)


@pytest.mark.parametrize(
    "text", ["a\nb", "line\r\nbreak\ttab", "bell\x07here", "x\x1cy", "del\x7f", "é\nü", "a\u200bb"]
)
def test_normalise_with_control_characters(text):
    assert normalise(text) == _normalise_reference(text)
