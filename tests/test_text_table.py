"""The ranker's texts kept as one block of bytes (bot/glossary/text_table.py)."""

from __future__ import annotations

import pytest

from bot.glossary.text_table import TextTable

TEXTS = {"rag": " retriev augment \n gener ", "naïve-bayes": " naïv bay — ", "empty": "", "emoji": " 🚀 launch "}


def test_every_text_reads_back_as_it_was_kept():
    table = TextTable.of(TEXTS)
    assert len(table) == 4 and "rag" in table and "other" not in table
    assert {key: table[key] for key in TEXTS} == TEXTS


def test_the_saved_state_makes_the_same_table_from_byte_strings_or_views():
    keys, block, ends = TextTable.of(TEXTS).state()
    assert isinstance(block, bytes) and isinstance(ends, bytes) and len(ends) == 8 * len(TEXTS)
    for again in (TextTable.from_state((keys, block, ends)), TextTable(keys, memoryview(block), memoryview(ends))):
        assert {key: again[key] for key in TEXTS} == TEXTS


def test_a_key_it_does_not_hold_is_a_key_error():
    with pytest.raises(KeyError):
        TextTable.of(TEXTS)["missing"]


def test_ends_that_do_not_match_the_keys_or_the_block_are_refused():
    keys, block, ends = TextTable.of(TEXTS).state()
    with pytest.raises(ValueError, match="do not match"):
        TextTable(keys[:-1], block, ends)
    with pytest.raises(ValueError, match="do not match"):
        TextTable(keys, block + b"x", ends)
    backwards = memoryview(bytearray(ends)).cast("q")
    backwards[0], backwards[1] = backwards[1], backwards[0]
    with pytest.raises(ValueError, match="do not match"):
        TextTable(keys, block, backwards.tobytes())


def test_no_texts_make_an_empty_table():
    table = TextTable.of({})
    assert len(table) == 0 and TextTable.from_state(table.state()).state() == ([], b"", b"")
