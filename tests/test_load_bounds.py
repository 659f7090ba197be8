"""Hostile or careless term files: each one is that file's error, with its line, and the rest still load.

Issue 9, High 1 and 2 and the Low items about names, reloads, slug collisions and check's output.
"""

from __future__ import annotations

import json
import os

import pytest
from termfactory import term_data, write_glossary, write_term

from bot.cli.main import main
from bot.glossary import parse
from bot.glossary.db import content_hash, ensure_built
from bot.glossary.live import LiveGlossary
from bot.glossary.load import load_glossary
from bot.glossary.parse import ParsedFile, parse_file
from bot.glossary.rules import NAME_MAX_CHARS


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The 496-byte bomb of the issue: each anchor a list of nine aliases of the previous one."""
    lines = ["a0: &a0 [x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def only_error(result, filename: str):
    errors = [p for p in result.errors if p.file.endswith(filename)]
    assert len(errors) == 1, result.problems
    return errors[0]


def test_alias_bomb_is_refused_as_that_files_error_and_the_rest_load(tmp_path):
    write_glossary(tmp_path, term_data("alpha"))
    bomb = alias_bomb()
    assert len(bomb.encode()) < 600
    write_term(tmp_path, text=bomb, filename="bomb.yml")
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"]
    error = only_error(result, "bomb.yml")
    assert "aliases" in error.message and "anchors" in error.message and error.line is not None


def test_line_recorder_visits_each_node_once_through_aliases(tmp_path):
    # Below the expansion limit, aliases are fine, but the recorder must not walk each alias path.
    path = write_term(tmp_path, text=alias_bomb(levels=3, width=3), filename="small.yml")
    problems: list = []
    pf = parse_file(path, str(path), problems)
    assert isinstance(pf, ParsedFile) and problems == []
    assert len(pf.lines) <= 20  # 13 nodes written in the file, not the 40 paths through them


@pytest.mark.parametrize(
    ("line2", "words"),
    [
        ("last_reviewed: 2026-13-45", "date"),
        ("aliases: !!int abc", "whole number"),
        ("aliases: !!float abc", "number"),
        ("aliases: !!python/object:os.system x", "!!python/object"),
        ("aliases: !!binary a", "base64"),
        ("aliases: !!int 9" + "9" * 5000, "whole number"),
        ("? [a, b]\n: unhashable", "key"),
    ],
)
def test_constructor_errors_are_that_files_error_with_its_line(tmp_path, line2, words):
    write_glossary(tmp_path, term_data("alpha"))
    write_term(tmp_path, text=f"term: bad\n{line2}\n", filename="bad.yml")
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"]
    error = only_error(result, "bad.yml")
    assert words in error.message and error.line == 2


def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path):
    write_glossary(tmp_path, term_data("alpha"))
    write_term(tmp_path, text="term: " + "[" * 5000 + "]" * 5000 + "\n", filename="deep.yml")
    write_term(
        tmp_path, text="".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x\n", filename="deep2.yml"
    )
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"]
    assert "nest" in only_error(result, "deep.yml").message  # libyaml may refuse it first
    assert "nested" in only_error(result, "deep2.yml").message


def test_many_nodes_are_refused(tmp_path):
    write_term(tmp_path, text="aliases:\n" + "- a\n" * 50_000, filename="many.yml")
    error = only_error(load_glossary(tmp_path), "many.yml")
    assert "values" in error.message


def test_binary_junk_and_control_characters_are_errors(tmp_path):
    write_glossary(tmp_path, term_data("alpha"))
    (tmp_path / "junk.yml").write_bytes(bytes(range(1, 256)) * 3)
    (tmp_path / "bell.yml").write_bytes(b"term: a\x07b\n")
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"]
    assert "UTF-8" in only_error(result, "junk.yml").message
    assert "not valid YAML" in only_error(result, "bell.yml").message


def test_file_over_the_size_limit_is_refused_after_reading_only_the_limit(tmp_path, monkeypatch):
    write_glossary(tmp_path, term_data("alpha"))
    huge = tmp_path / "huge.yml"
    with huge.open("wb") as f:
        f.truncate(1 << 40)  # a sparse terabyte: reading it whole would never finish
    asked: list[int] = []
    got: list[int] = []
    real_read = os.read

    def counting_read(fd, n):
        chunk = real_read(fd, n)
        asked.append(n)
        got.append(len(chunk))
        return chunk

    monkeypatch.setattr(parse.os, "read", counting_read)
    result = load_glossary(tmp_path, max_file_bytes=5000)
    assert [t.slug for t in result.terms] == ["alpha"]
    error = only_error(result, "huge.yml")
    assert "5000 bytes" in error.message and "GLOSSARY_MAX_FILE_BYTES" in error.message
    assert max(asked) <= 5001 and sum(got) <= 5001 + (tmp_path / "alpha.yml").stat().st_size
    assert content_hash(tmp_path, max_file_bytes=5000)  # the version is computed from the same bounded reads


def test_a_term_file_at_the_default_limit_is_read(tmp_path):
    assert parse.DEFAULT_MAX_FILE_BYTES == 1_000_000
    data = term_data("alpha")
    data["long_def"] = "word " * 150_000  # about 750 kB: long, but under the limit
    write_glossary(tmp_path, data)
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"] and not result.errors


def test_term_names_longer_than_slack_allows_are_refused_with_the_reason(tmp_path):
    write_glossary(tmp_path, term_data("a" * NAME_MAX_CHARS), term_data("b" * (NAME_MAX_CHARS + 1)))
    result = load_glossary(tmp_path)
    assert [t.term for t in result.terms] == ["a" * NAME_MAX_CHARS]
    [error] = result.errors
    assert error.field == "term" and f"at most {NAME_MAX_CHARS}" in error.message and "Slack" in error.message


def test_long_alias_is_a_warning(tmp_path):
    write_glossary(tmp_path, term_data("alpha", aliases=["x" * (NAME_MAX_CHARS + 1)]))
    result = load_glossary(tmp_path)
    assert len(result.terms) == 1 and [p.field for p in result.warnings] == ["aliases[0]"]


def test_slug_collision_keeps_the_file_named_for_the_slug_and_names_the_newcomer(tmp_path):
    write_glossary(tmp_path, term_data("fine tuning"))  # fine-tuning.yml
    write_term(tmp_path, term_data("Fine_Tuning", short_def="An impostor."), filename="aaa.yml")
    result = load_glossary(tmp_path)
    [kept] = result.terms
    assert kept.source_file.endswith("fine-tuning.yml") and kept.short_def != "An impostor."
    error = only_error(result, "aaa.yml")
    assert "already used by" in error.message and error.message.rstrip().count("fine-tuning.yml") == 1


def test_slug_collision_keeps_the_term_already_served(tmp_path):
    terms = tmp_path / "terms"
    write_term(terms, term_data("kv cache"), filename="kv.yml")
    live = LiveGlossary(terms, tmp_path / "g.db")
    write_term(terms, term_data("KV Cache", short_def="An impostor."), filename="a-kv.yml")
    assert live.reload() is True
    [kept] = live.current.terms.values()
    assert kept.source_file.endswith("kv.yml") and kept.short_def != "An impostor."
    assert any(p.file.endswith("a-kv.yml") and "already used by" in p.message for p in live.report.problems)


def test_a_vanished_file_is_simply_gone_on_reload(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    listed = parse.glossary_files(terms)
    (terms / "beta.yml").unlink()
    # Listed, then deleted before it is read: exactly the race of a reload against `git checkout`.
    monkeypatch.setattr(parse, "glossary_files", lambda directory: listed)
    assert live.reload() is True
    assert list(live.current.terms) == ["alpha"] and not live.report.problems


def test_a_file_that_changes_while_it_is_read_is_read_again(tmp_path, monkeypatch):
    path = write_term(tmp_path, term_data("alpha"))
    full = path.read_bytes()
    real_read = os.read
    calls = []

    def read_during_a_rewrite(fd, n):
        calls.append(n)
        if len(calls) == 1:
            # The editor truncates and starts writing while we read: we get half the old text.
            path.write_bytes(full[: len(full) // 2])
            os.utime(path, ns=(1, 1))
            chunk = real_read(fd, n)
            path.write_bytes(full)
            os.utime(path, ns=(2, 2))
            return chunk
        return real_read(fd, n)

    monkeypatch.setattr(parse.os, "read", read_during_a_rewrite)
    result = load_glossary(tmp_path)
    assert [t.slug for t in result.terms] == ["alpha"] and not result.problems


def test_the_version_and_the_terms_come_from_the_same_read(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    report = ensure_built(terms, tmp_path / "g.db")
    assert report.version == content_hash(terms) and report.terms == 1


def test_check_json_is_printed_for_hostile_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_glossary(tmp_path / "terms", term_data("alpha"))
    write_term(tmp_path / "terms", text="term: x\nlast_reviewed: 2026-13-45\n", filename="date.yml")
    write_term(tmp_path / "terms", text=alias_bomb(), filename="bomb.yml")
    assert main(["check", str(tmp_path / "terms"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["terms"] == 1 and len(report["errors"]) == 2


def test_check_json_even_when_loading_fails_unexpectedly(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("bot.cli.main.load_glossary", lambda *a, **k: 1 / 0)
    assert main(["check", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["terms"] == 0 and "ZeroDivisionError" in report["errors"][0]["message"]


def test_file_name_with_a_newline_cannot_fake_lines_in_check_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_glossary(tmp_path / "terms", term_data("alpha"))
    write_term(tmp_path / "terms", text="[", filename="x.yml\nalpha.yml: error: forged.yml")
    assert main(["check", str(tmp_path / "terms")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "\\n" in lines[0] and not lines[1].startswith(str(tmp_path / "terms" / "alpha"))


def test_every_term_the_request_form_accepts_can_ship_under_its_name():
    from bot.term_requests.rules import TERM_MAX

    assert TERM_MAX <= NAME_MAX_CHARS
