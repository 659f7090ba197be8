"""`reviews adopt`: an organisation adopting the starter glossary gets its statuses and dates reset and a
default owner per category, with only those values changed, and only in real files inside the glossary folder.
Real files in tmp folders, the real command line."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from paths import ROOT
from termfactory import LONG_DEF, term_data, write_term
from test_governance_writeback import HAND_WRITTEN

from bot.cli.main import main
from bot.governance.adopt import CannotAdopt, adopted_text, plan_adoption, set_scalar, with_category_owners
from bot.governance.owners import load_owners
from bot.governance.writeback import CannotRewrite

DAY = dt.date(2026, 12, 6)
OWNER = "U012AB3CD"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    terms = tmp_path / "terms"
    write_term(terms, text=HAND_WRITTEN.format(long=LONG_DEF, date="'2025-10-09'"), filename="fine-tuning.yml")
    write_term(terms, term_data("vector store", categories=["Retrieval & RAG", "Foundations"]))
    write_term(terms, term_data("prompt programming", status="deprecated"))
    shutil.copy(ROOT / "data" / "owners.yml", tmp_path / "owners.yml")  # the file we ship, comments and all
    for name, value in {
        "DATA_DIR": tmp_path / "var",
        "GLOSSARY_DIR": terms,
        "OWNERS_FILE": tmp_path / "owners.yml",
    }.items():
        monkeypatch.setenv(name, str(value))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    pairs = zip(before.splitlines(keepends=True), after.splitlines(keepends=True), strict=True)
    return [(b, a) for b, a in pairs if b != a]


def test_a_hand_written_file_changes_only_its_status_and_date_in_their_own_quoting():
    before = HAND_WRITTEN.format(long=LONG_DEF, date="'2025-10-09'")
    after, changes = adopted_text(before, "draft", DAY)
    assert changes == ("status approved -> draft", "last_reviewed 2025-10-09 -> 2026-12-06")
    lines = changed_lines(before.encode(), after.encode())
    assert [b for b, _ in lines] == [b"last_reviewed: '2025-10-09'  # bumped by hand\n", b"status: approved\n"]
    assert [a for _, a in lines] == [b"last_reviewed: '2026-12-06'  # bumped by hand\n", b"status: draft\n"]


def test_crlf_a_byte_order_mark_and_double_quotes_are_kept():
    before = '\ufeffterm: "x"   # kept\r\nstatus: "reviewed"\r\nlast_reviewed: "2026-01-02"\r\n'
    after, _ = adopted_text(before, "draft", DAY)
    assert after == '\ufeffterm: "x"   # kept\r\nstatus: "draft"\r\nlast_reviewed: "2026-12-06"\r\n'


def test_a_deprecated_term_and_a_term_already_as_asked_are_left_alone():
    deprecated = 'term: "x"\nstatus: "deprecated"\nlast_reviewed: "2020-01-01"\n'
    assert adopted_text(deprecated, "draft", DAY) == (deprecated, ())
    done = 'term: "x"\nstatus: reviewed\nlast_reviewed: 2026-12-06\n'
    assert adopted_text(done, "reviewed", DAY) == (done, ())


def test_a_status_it_cannot_rewrite_in_place_is_refused():
    with pytest.raises(CannotRewrite, match="status"):
        set_scalar("term: x\nstatus: [approved]\n", "status", "draft")
    with pytest.raises(CannotRewrite, match="more than once"):
        set_scalar("term: x\nstatus: a\nstatus: b\n", "status", "draft")


@pytest.mark.parametrize(
    ("before", "after", "added"),
    [
        (
            "owners:\n  categories: {}   # none yet\n  roles: {}\n",
            'owners:\n  categories:   # none yet\n    "A & B": [U012AB3CD]\n    "C": [U012AB3CD]\n  roles: {}\n',
            ["A & B", "C"],
        ),
        (
            'owners:\r\n  categories: {"C": [U0OTHER01]}\r\n',
            'owners:\r\n  categories: {"C": [U0OTHER01], "A & B": [U012AB3CD]}\r\n',
            ["A & B"],
        ),
        (
            "owners:\n  categories:\n    c:\n      - U0OTHER01\n      - U0OTHER02\n  # roles later\n  roles: {}\n",
            'owners:\n  categories:\n    c:\n      - U0OTHER01\n      - U0OTHER02\n    "A & B": [U012AB3CD]\n'
            "  # roles later\n  roles: {}\n",
            ["A & B"],  # "c" already owns "C": categories compare as the owners rules do
        ),
    ],
)
def test_the_owners_file_gains_a_rule_only_for_categories_nobody_owns(before, after, added):
    text, changes = with_category_owners(before, OWNER, ["A & B", "C"])
    assert text == after
    assert changes == tuple(f"owners.categories {c!r} -> [{OWNER}]" for c in added)


def test_the_shipped_owners_file_stays_valid_and_gets_every_category(tmp_path):
    shipped = (ROOT / "data" / "owners.yml").read_text(encoding="utf-8")
    text, _ = with_category_owners(shipped, OWNER, ["Governance & Risk", "LLM Core"])
    path = tmp_path / "owners.yml"
    path.write_text(text, encoding="utf-8")
    owners, problems = load_owners(path)
    assert problems == []
    assert owners.categories == {"Governance & Risk": (OWNER,), "LLM Core": (OWNER,)}
    assert text.splitlines()[:20] == shipped.splitlines()[:20]  # the comments for adopters are kept


def test_bad_input_is_named_with_its_fix(env):
    terms, owners = env / "terms", env / "owners.yml"
    with pytest.raises(CannotAdopt, match="Slack user id"):
        plan_adoption(terms, owners, "bob", "draft", DAY)
    with pytest.raises(CannotAdopt, match="status must be one of draft, reviewed"):
        plan_adoption(terms, owners, OWNER, "approved", DAY)
    with pytest.raises(CannotAdopt, match="not a folder"):
        plan_adoption(env / "nowhere", owners, OWNER, "draft", DAY)
    owners.write_text("owners:\n  categories: [U012AB3CD]\n", encoding="utf-8")
    with pytest.raises(CannotAdopt, match="must be a mapping"):
        plan_adoption(terms, owners, OWNER, "draft", DAY)


def test_dry_run_names_every_change_and_writes_nothing(env, capsys):
    before = {p: p.read_bytes() for p in env.rglob("*.yml")}
    code, out, _ = run(capsys, "reviews", "adopt", "--owner", OWNER, "--dry-run")
    assert code == 0
    assert "fine-tuning.yml: status approved -> draft; last_reviewed 2025-10-09 -> " in out
    assert "owners.yml: owners.categories" in out and "prompt-programming" not in out
    assert "3 files would change (1 term files already as asked or deprecated)" in out
    assert {p: p.read_bytes() for p in env.rglob("*.yml")} == before


def test_adopt_resets_the_set_and_owns_every_category_then_reviews_counts_from_today(env, capsys):
    code, out, _ = run(capsys, "reviews", "adopt", "--owner", OWNER, "--status", "reviewed")
    assert code == 0 and "3 files changed" in out
    today = dt.datetime.now(dt.UTC).date().isoformat()  # DIGEST_TZ is UTC here
    for slug in ("fine-tuning", "vector-store"):
        data = yaml.safe_load((env / "terms" / f"{slug}.yml").read_text(encoding="utf-8"))
        assert (data["status"], str(data["last_reviewed"])) == ("reviewed", today)
    kept = yaml.safe_load((env / "terms" / "prompt-programming.yml").read_text(encoding="utf-8"))
    assert (kept["status"], kept["last_reviewed"]) == ("deprecated", "2025-10-09")
    owners, problems = load_owners(env / "owners.yml")
    assert problems == [] and set(owners.categories) == {"Optimization & Efficiency", "Retrieval & RAG", "Foundations"}
    code, out, _ = run(capsys, "reviews")
    assert code == 0 and out.strip().endswith("0 of 3 terms due for review.")
    code, out, _ = run(capsys, "reviews", "adopt", "--owner", "U0SECOND1", "--status", "reviewed")
    assert "0 files changed" in out  # a second run changes nothing: every category already has an owner


def test_a_symlinked_term_file_is_refused_and_its_target_untouched(env, capsys):
    outside = env / "outside.yml"
    outside.write_text(yaml.safe_dump(term_data("linked term")), encoding="utf-8")
    (env / "terms" / "linked-term.yml").symlink_to(outside)
    before = outside.read_bytes()
    code, out, err = run(capsys, "reviews", "adopt", "--owner", OWNER)
    assert code == 1
    assert "linked-term.yml: is a symlink; adopt changes only real files in the glossary folder" in err
    assert outside.read_bytes() == before
    assert "fine-tuning.yml" in out  # the real files were still adopted


def test_a_symlinked_owners_file_is_refused_before_anything_is_written(env, capsys):
    real = env / "real-owners.yml"
    (env / "owners.yml").rename(real)
    (env / "owners.yml").symlink_to(real)
    before = {p: p.read_bytes() for p in (env / "terms").glob("*.yml")}
    code, _, err = run(capsys, "reviews", "adopt", "--owner", OWNER)
    assert code == 2 and "is a symlink" in err
    assert {p: p.read_bytes() for p in (env / "terms").glob("*.yml")} == before


def test_a_file_it_cannot_rewrite_is_named_and_left_alone_while_the_rest_are_adopted(env, capsys):
    broken = env / "terms" / "broken.yml"
    broken.write_text("term: broken\nstatus: [approved]\nlast_reviewed: '2025-01-01'\n", encoding="utf-8")
    before = broken.read_bytes()
    code, out, err = run(capsys, "reviews", "adopt", "--owner", OWNER)
    assert code == 1
    assert "broken.yml: writes status in a form other than a plain or quoted value" in err
    assert broken.read_bytes() == before
    assert "vector-store.yml: status approved -> draft" in out
    (env / "terms" / "unreadable.yml").write_text("term: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "reviews", "adopt", "--owner", OWNER)
    assert code == 1 and "unreadable.yml: cannot be read as YAML" in err
