"""A big glossary is parsed and checked on two cores in the builder process: the result is exactly the one
parsing on one core gives (terms, problems, their order), whatever is wrong with the files."""

from __future__ import annotations

import os

from termfactory import term_data, write_glossary, write_term

from bot.glossary import builder, load
from bot.glossary.parse import read_glossary_files

PARENT = os.getpid()


def messy_glossary(folder):
    write_glossary(folder, *[term_data(f"term {i:02d}", aliases=[f"T{i:02d}"]) for i in range(30)])
    write_term(folder, text="term: [unclosed\n", filename="broken.yml")
    write_term(folder, text="\x00\x01binary", filename="binary.yml")
    write_term(folder, term_data("term 05"), filename="another-term-05.yml")  # a slug collision
    write_term(folder, term_data("odd one", short_def=""), filename="odd.yml")  # a rule broken
    return folder


def test_two_cores_give_exactly_what_one_gives(tmp_path, monkeypatch):
    folder = messy_glossary(tmp_path / "terms")
    files = read_glossary_files(folder)
    one = load.load_files(folder, files)
    monkeypatch.setattr(builder, "PARALLEL_FROM", 2)
    two = load.load_files(folder, files, check=builder.check_on_two_cores)
    assert two.terms == one.terms and two.problems == one.problems
    assert len(one.terms) == 30 and len(one.errors) >= 3  # the messy files really are in there


def fails_in_the_copy(files, first_position):
    if os.getpid() != PARENT:
        raise MemoryError("the copy ran out of memory")
    return load.check_files(files, first_position)


def dies_in_the_copy(files, first_position):
    if os.getpid() != PARENT:
        os._exit(1)  # killed, say: no result, no exception, nothing sent back
    return load.check_files(files, first_position)


def test_a_failed_copy_has_its_half_checked_here(tmp_path, monkeypatch):
    folder = messy_glossary(tmp_path / "terms")
    files = read_glossary_files(folder)
    one = load.load_files(folder, files)
    monkeypatch.setattr(builder, "PARALLEL_FROM", 2)
    for failing in (fails_in_the_copy, dies_in_the_copy):
        monkeypatch.setattr(builder, "_check_second_half", failing)
        two = load.load_files(folder, files, check=builder.check_on_two_cores)
        assert two.terms == one.terms and two.problems == one.problems


def test_small_glossaries_and_plain_loads_never_fork(tmp_path, monkeypatch):
    folder = messy_glossary(tmp_path / "terms")
    files = read_glossary_files(folder)

    def no_fork():
        raise AssertionError("must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    load.load_files(folder, files, check=builder.check_on_two_cores)  # 34 files: below PARALLEL_FROM
    monkeypatch.setattr(builder, "PARALLEL_FROM", 2)
    load.load_files(folder, files)  # not asked for
