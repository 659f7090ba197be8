"""`reviews apply`: a verified date written into last_reviewed changes that value and not one other byte, in
files written by hand and by a YAML dumper; and the `reviews` commands around it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest
import yaml
from termfactory import LONG_DEF, term_data, write_term

from bot.cli.main import main
from bot.config import Settings
from bot.governance.writeback import CannotRewrite, set_last_reviewed
from bot.state.store import Store
from bot.state.verifications import Verifications

NEW = dt.date(2026, 11, 30)

HAND_WRITTEN = """\
# fine-tuning: kept by the platform team
term: "fine-tuning"   # the display name
aliases: ["FT", 'finetune']
categories:
    - "Optimization & Efficiency"
roles: [engineering]
part_of_speech: process
short_def: >
  Continuing to train a pretrained model on a smaller,
  task-specific dataset.
long_def: >-
  {long}
audiences:
  exec: "Why it matters."
  engineer: 'How it works: ''quotes'' and all.'
examples: {{do: ["Do this."], dont: ["Not that."]}}
governance: {{}}
relationships: {{broader: [], narrower: [], related: []}}
citations:
  - source: "Example"
    url: "https://example.org/x"
license: CC BY-SA 4.0
last_reviewed: {date}  # bumped by hand
status: approved
"""


def differing_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"2025-10-09"', '"2026-11-30"'),
        ("'2025-10-09'", "'2026-11-30'"),
        ("2025-10-09", "2026-11-30"),
    ],
)
def test_a_hand_written_file_changes_only_the_date(written, expected):
    before = HAND_WRITTEN.format(long=LONG_DEF, date=written)
    after = set_last_reviewed(before, NEW)
    assert differing_lines(before, after) == [
        (f"last_reviewed: {written}  # bumped by hand\n", f"last_reviewed: {expected}  # bumped by hand\n")
    ]
    assert str(yaml.safe_load(after)["last_reviewed"]) == "2026-11-30"


def test_crlf_line_endings_and_a_byte_order_mark_are_kept(tmp_path):
    before = "\ufeff" + HAND_WRITTEN.format(long=LONG_DEF, date="'2025-10-09'").replace("\n", "\r\n")
    after = set_last_reviewed(before, NEW)
    assert after == before.replace("last_reviewed: '2025-10-09'", "last_reviewed: '2026-11-30'")
    assert after.count("\r\n") == before.count("\r\n")


def test_a_file_written_by_a_yaml_dumper_changes_only_the_date(tmp_path):
    data = term_data(
        "fine-tuning",
        short_def="Continuing to train an already pretrained model on a smaller, task-specific dataset "
        "so that it behaves better on that task.",
    )
    path = write_term(tmp_path, data)
    before = path.read_bytes()
    text = before.decode()
    # what a dumper writes: plain scalars wrapped near 80 columns, unindented lists, the date single-quoted
    assert "last_reviewed: '2025-10-09'\n" in text and "\n- engineering\n" in text
    assert any(line.startswith("  ") and not line.startswith("  -") for line in text.splitlines())
    after = set_last_reviewed(text, NEW).encode()
    lines = list(zip(before.splitlines(keepends=True), after.splitlines(keepends=True), strict=True))
    assert [b for b, a in lines if b != a] == [b"last_reviewed: '2025-10-09'\n"]
    assert [a for b, a in lines if b != a] == [b"last_reviewed: '2026-11-30'\n"]


def test_a_form_it_cannot_rewrite_in_place_is_refused():
    with pytest.raises(CannotRewrite):
        set_last_reviewed("term: x\nlast_reviewed: |\n  2025-10-09\n", NEW)
    with pytest.raises(CannotRewrite):
        set_last_reviewed("term: x\n", NEW)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    terms = tmp_path / "terms"
    write_term(terms, text=HAND_WRITTEN.format(long=LONG_DEF, date='"2025-10-09"'), filename="fine-tuning.yml")
    write_term(terms, term_data("vector store", categories=["Retrieval & RAG"]))
    write_term(terms, term_data("tokenizer", last_reviewed=dt.date.today().isoformat()))
    (tmp_path / "owners.yml").write_text('owners:\n  categories: {"Retrieval & RAG": [UOWNER01]}\n')
    for name, value in {
        "DATA_DIR": tmp_path / "var",
        "GLOSSARY_DIR": terms,
        "OWNERS_FILE": tmp_path / "owners.yml",
    }.items():
        monkeypatch.setenv(name, str(value))
    return tmp_path


def verify(env, slug, at):
    store = Store(Settings(data_dir=env / "var").state_url)
    Verifications(store).record(slug, "UOWNER01", at)
    store.close()


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_reviews_lists_due_terms_as_json(env, capsys):
    code, out = run(capsys, "reviews", "--json")
    rows = {r["slug"]: r for r in json.loads(out)["terms"]}
    assert code == 0 and set(rows) == {"fine-tuning", "vector-store"}  # tokenizer was reviewed this month
    assert rows["vector-store"] == {
        "slug": "vector-store",
        "term": "vector store",
        "owners": ["UOWNER01"],
        "last_verified": "2025-10-09",
        "due_since": "2026-04-07",
        "lookups": 0,
    }


def test_apply_writes_verified_dates_into_copies_then_into_the_files(env, capsys):
    at = dt.datetime.now(dt.UTC)
    verify(env, "fine-tuning", at)
    original = (env / "terms" / "fine-tuning.yml").read_bytes()
    code, out = run(capsys, "reviews", "apply", "--out", str(env / "out"))
    assert code == 0 and "1 term files updated" in out
    assert [p.name for p in (env / "out").iterdir()] == ["fine-tuning.yml"]
    assert (env / "terms" / "fine-tuning.yml").read_bytes() == original  # --out leaves the glossary alone
    today = at.date().isoformat()
    expected = original.replace(b'last_reviewed: "2025-10-09"', f'last_reviewed: "{today}"'.encode())
    assert (env / "out" / "fine-tuning.yml").read_bytes() == expected != original

    code, out = run(capsys, "reviews", "apply")
    assert code == 0 and (env / "terms" / "fine-tuning.yml").read_bytes() == expected
    _, out = run(capsys, "reviews", "--json")
    assert "fine-tuning" not in {r["slug"] for r in json.loads(out)["terms"]}
    code, out = run(capsys, "reviews", "apply")  # nothing left to write
    assert code == 0 and "0 term files updated" in out


def test_define_json_carries_the_review(env, capsys):
    code, out = run(capsys, "define", "vector store", "--json")
    data = json.loads(out)
    assert data["stale"] is True and data["due_since"] == "2026-04-07" and data["verified_by"] is None
    verify(env, "vector-store", dt.datetime.now(dt.UTC))
    _, out = run(capsys, "define", "vector store", "--json")
    data = json.loads(out)
    assert data["stale"] is False and data["verified_by"] == "UOWNER01"
    assert data["verified_on"] == dt.datetime.now(dt.UTC).date().isoformat()
    code, out = run(capsys, "define", "vector store")
    assert code == 0 and "Verified by UOWNER01 on" in out


def test_define_does_not_create_a_state_database(env, capsys):
    run(capsys, "define", "tokenizer", "--json")
    assert not (env / "var" / "state.db").exists()


def test_check_warns_about_owners_names_and_fails_on_a_broken_owners_file(env, capsys):
    (env / "owners.yml").write_text('owners:\n  categories: {"Retrieval and RAG": [UOWNER01]}\n')
    code, out = run(capsys, "check", "--json")
    data = json.loads(out)
    assert code == 0 and [w["field"] for w in data["warnings"]] == ["owners.categories.Retrieval and RAG"]
    (env / "owners.yml").write_text("owners:\n  terms: {tokenizer: [someone]}\n")
    code, out = run(capsys, "check", "--json")
    assert code == 1 and [e["field"] for e in json.loads(out)["errors"]] == ["owners.terms.tokenizer"]


def test_apply_writes_the_checkout_it_was_given_when_two_share_one_data_dir(env, capsys):
    """Issue 19: `reviews apply --glossary ../other-checkout/data/terms` changed this checkout's files when
    both held identical files and shared one DATA_DIR (the glossary index there named this checkout's)."""
    other = env / "other" / "terms"
    shutil.copytree(env / "terms", other)  # identical files, identical times
    verify(env, "fine-tuning", dt.datetime.now(dt.UTC))
    assert run(capsys, "define", "tokenizer")[0] == 0  # the index in DATA_DIR is built from this checkout
    mine = (env / "terms" / "fine-tuning.yml").read_bytes()

    code, out = run(capsys, "reviews", "apply", "--glossary", str(other))
    assert code == 0
    assert (env / "terms" / "fine-tuning.yml").read_bytes() == mine  # this checkout untouched
    assert (other / "fine-tuning.yml").read_bytes() != mine
    assert out.splitlines()[0].startswith(f"{os.path.realpath(other / 'fine-tuning.yml')}: last_reviewed ")


def test_apply_never_writes_through_a_symlinked_term_file(env, capsys):
    outside = env / "elsewhere.yml"
    (env / "terms" / "fine-tuning.yml").rename(outside)
    (env / "terms" / "fine-tuning.yml").symlink_to(outside)
    before = outside.read_bytes()
    verify(env, "fine-tuning", dt.datetime.now(dt.UTC))

    code = main(["reviews", "apply"])
    out, err = capsys.readouterr()
    assert code == 1 and outside.read_bytes() == before
    assert (env / "terms" / "fine-tuning.yml").is_symlink()
    assert "fine-tuning.yml: is reached through a symlink" in err and "0 term files updated" in out


def test_write_dates_refuses_by_name_a_term_file_outside_the_folder_given(tmp_path):
    from bot.glossary.load import load_glossary
    from bot.governance.writeback import write_dates

    write_term(tmp_path / "a", term_data("tokenizer", last_reviewed="2025-01-01"))
    (tmp_path / "b").mkdir()
    [term] = load_glossary(tmp_path / "a").terms
    before = (tmp_path / "a" / "tokenizer.yml").read_bytes()
    done, problems = write_dates([(term, NEW)], inside=tmp_path / "b")
    assert done == [] and (tmp_path / "a" / "tokenizer.yml").read_bytes() == before
    assert problems == [
        f"{term.source_file}: is not inside {os.path.realpath(tmp_path / 'b')} (the folder given); "
        "run apply from the checkout it belongs to"
    ]
