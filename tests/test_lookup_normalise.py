"""Case, Unicode compatibility forms, curly quotes, dashes and separators all fold together."""

from __future__ import annotations

import pytest
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
