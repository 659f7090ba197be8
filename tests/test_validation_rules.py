"""Each rule of the glossary format: one bad file per rule, and a message that names file, field and fix."""

from __future__ import annotations

import datetime as dt

import pytest
from termfactory import term_data, write_term

from bot.glossary.load import load_glossary

WORDS_62 = " ".join(["word"] * 62)
WORDS_230 = " ".join(["word"] * 230)

# (what to change, field the message must name, words the message must contain, severity)
CASES = [
    ({"term": ""}, "term", "is empty", "error"),
    ({"term": 42}, "term", "must be text", "error"),
    ({"aliases": []}, "aliases", "at least 1", "error"),
    ({"aliases": "RAG"}, "aliases", "must be a list", "error"),
    ({"aliases": ["RAG", "rag"]}, "aliases[1]", "listed twice", "error"),
    ({"aliases": ["ok", ""]}, "aliases[1]", "is empty", "error"),
    ({"categories": []}, "categories", "at least 1", "error"),
    ({"roles": []}, "roles", "at least 1", "error"),
    ({"roles": ["engineering", "chef"]}, "roles[1]", "'chef' is not a role", "error"),
    ({"roles": ["legal", "legal"]}, "roles[1]", "listed twice", "error"),
    ({"part_of_speech": "adverb"}, "part_of_speech", "'adverb' is not allowed", "error"),
    ({"short_def": ""}, "short_def", "is empty", "error"),
    ({"short_def": "x" * 321}, "short_def", "321 characters", "warning"),
    ({"short_def": " ".join(["w"] * 41)}, "short_def", "41 words", "warning"),
    ({"long_def": WORDS_62}, "long_def", "has 62 words; the glossary asks for 80 to 220", "warning"),
    ({"long_def": WORDS_230}, "long_def", "230 words", "warning"),
    ({"audiences": {"exec": "only one"}}, "audiences.engineer", "is missing", "error"),
    ({"audiences": {"exec": "a", "engineer": "b", "legal": "c"}}, "audiences.legal", "not a field", "error"),
    ({"audiences": ["exec", "engineer"]}, "audiences", "must be a mapping", "error"),
    ({"audiences": {"exec": "", "engineer": "b"}}, "audiences.exec", "is empty", "error"),
    ({"examples": {"do": ["x"]}}, "examples.dont", "is missing", "error"),
    ({"examples": {"do": [], "dont": ["x"]}}, "examples.do", "at least 1", "error"),
    ({"governance": {"nist_rmf_tags": []}}, "governance.nist_rmf_tags", "at least 1", "error"),
    ({"governance": {"nist_rmf_tags": ["a", "a"]}}, "governance.nist_rmf_tags[1]", "listed twice", "error"),
    ({"governance": {"owner": "me"}}, "governance.owner", "not a field", "error"),
    ({"governance": {"risk_notes": ["a list"]}}, "governance.risk_notes", "must be text", "error"),
    ({"relationships": {"cousins": []}}, "relationships.cousins", "not a field", "error"),
    ({"relationships": {"related": ["a", "A"]}}, "relationships.related[1]", "listed twice", "error"),
    ({"relationships": {"related": "a"}}, "relationships.related", "must be a list", "error"),
    ({"citations": []}, "citations", "at least 1 citation", "error"),
    ({"citations": [{"source": "x"}]}, "citations[0].url", "is missing", "error"),
    ({"citations": [{"source": "x", "url": "example.org/page"}]}, "citations[0].url", "absolute http(s) URL", "error"),
    ({"citations": [{"source": "x", "url": "ftp://example.org"}]}, "citations[0].url", "absolute http(s) URL", "error"),
    ({"citations": [{"source": "", "url": "https://e.org"}]}, "citations[0].source", "is empty", "error"),
    (
        {"citations": [{"source": "x", "url": "https://e.org", "note": "n"}]},
        "citations[0].note",
        "not a field",
        "error",
    ),
    ({"license": "MIT"}, "license", "CC BY-SA 4.0", "error"),
    ({"status": "final"}, "status", "'final' is not a status", "error"),
    ({"last_reviewed": "last week"}, "last_reviewed", "'YYYY-MM-DD'", "error"),
    (
        {"last_reviewed": dt.date(2025, 10, 9)},
        "last_reviewed",
        "unquoted date; write it as a string, '2025-10-09'",
        "warning",
    ),
]


@pytest.mark.parametrize(("change", "field", "words", "severity"), CASES, ids=[c[1] + ":" + c[2][:20] for c in CASES])
def test_each_rule_names_file_field_and_problem(tmp_path, change, field, words, severity):
    path = write_term(tmp_path, term_data("sample term", **change), filename="sample-term.yml")
    result = load_glossary(tmp_path)
    matching = [p for p in result.problems if p.field == field and words in p.message]
    assert matching, f"no problem on {field} saying {words!r}; got {[str(p) for p in result.problems]}"
    problem = matching[0]
    assert problem.file == str(path)
    assert problem.severity == severity
    assert problem.line is not None and problem.line >= 1
    # an error keeps the term out; a warning lets it in
    assert len(result.terms) == (0 if severity == "error" else 1)


def test_missing_and_unknown_top_level_keys(tmp_path):
    data = term_data()
    del data["citations"]
    data["owner"] = "someone"
    write_term(tmp_path, data)
    result = load_glossary(tmp_path)
    assert {(p.field, p.severity) for p in result.problems} >= {("citations", "error"), ("owner", "error")}
    assert "is missing" in next(p.message for p in result.problems if p.field == "citations")


def test_line_numbers_point_at_the_field(tmp_path):
    text = write_term(tmp_path, term_data()).read_text()
    text = text.replace("part_of_speech: noun", "part_of_speech: adverb")
    (tmp_path / "sample-term.yml").write_text(text)
    problem = load_glossary(tmp_path).problems[0]
    expected = text.splitlines().index("part_of_speech: adverb") + 1
    assert problem.line == expected
    assert str(problem).startswith(f"{tmp_path / 'sample-term.yml'}:{expected}: error: part_of_speech:")


def test_duplicate_key_in_a_file_is_an_error(tmp_path):
    text = write_term(tmp_path, term_data()).read_text() + "status: draft\n"
    (tmp_path / "sample-term.yml").write_text(text)
    problems = load_glossary(tmp_path).problems
    assert any(p.field == "status" and "appears twice" in p.message for p in problems)


def test_a_dumper_style_file_loads(tmp_path):
    # Plain scalars wrapped at 80 columns, unindented lists, quoted date: what yaml.safe_dump writes.
    write_term(tmp_path, term_data("wrapped term", short_def="A definition " * 5 + "that wraps."))
    result = load_glossary(tmp_path)
    assert result.problems == []
    assert result.terms[0].short_def.endswith("that wraps.")
