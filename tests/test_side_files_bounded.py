"""data/owners.yml and data/roles.yml go through the term files' bounded parser (issue 19, item 2): a bad side
file never stops a card, `check` names the side file and its line, and a few hundred bytes of YAML anchors
are refused before they expand (no card for 107 s, a 1.76 GB worker and a 452 MB reply in the issue)."""

from __future__ import annotations

import json
import os
import threading
import tracemalloc

import pytest
from termfactory import term_data, write_term

from bot.cli.main import main
from bot.glossary.roles import find_role, read_roles
from bot.governance.owners import read_owners
from bot.governance.service import Governance


def alias_bomb(levels: int = 6) -> str:
    """Each anchor repeats the one before nine times: 9**levels values from a few hundred bytes."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [{','.join([f'*l{n - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    terms = tmp_path / "terms"
    write_term(terms, term_data("vector store", categories=["Retrieval & RAG"]))
    write_term(terms, term_data("tokenizer"))
    (tmp_path / "owners.yml").write_text('owners:\n  categories: {"Retrieval & RAG": [UOWNER01]}\n')
    (tmp_path / "roles.yml").write_text("legal:\n  name: Legal & Compliance\n  takeaway: Check the licence.\n")
    for name, value in {
        "DATA_DIR": tmp_path / "var",
        "GLOSSARY_DIR": terms,
        "OWNERS_FILE": tmp_path / "owners.yml",
        "ROLES_FILE": tmp_path / "roles.yml",
    }.items():
        monkeypatch.setenv(name, str(value))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_a_bad_date_in_owners_keeps_cards_answering_and_check_names_owners_yml_and_its_line(env, capsys):
    (env / "owners.yml").write_text("owners:\n  terms: {tokenizer: [UOWNER01]}\nreview_days:\n  approved: 2026-13-45\n")
    code, out = run(capsys, "define", "vector store", "--json")
    assert code == 0 and json.loads(out)["terms"][0]["slug"] == "vector-store"

    code, out = run(capsys, "check", "--json")
    errors = json.loads(out)["errors"]
    assert code == 1 and len(errors) == 1
    assert errors[0]["file"].endswith("owners.yml") and errors[0]["line"] == 4
    assert "2026-13-45" in errors[0]["message"] and "not a date" in errors[0]["message"]


def test_a_running_bot_keeps_the_last_good_owners_file_and_says_why(env):
    governance = Governance(env / "owners.yml", None)
    assert governance.owners().categories == {"Retrieval & RAG": ("UOWNER01",)}
    assert governance.side_file_problems() == []

    (env / "owners.yml").write_text("owners:\n  categories: {}\nreview_days:\n  approved: 2026-13-45\n")
    os.utime(env / "owners.yml", ns=(1, 1))  # a different modification time, however fast the clock
    assert governance.owners().categories == {"Retrieval & RAG": ("UOWNER01",)}  # the last good version
    [problem] = governance.side_file_problems()
    assert str(problem).startswith(f"{env / 'owners.yml'}:4: error:")

    fresh = Governance(env / "owners.yml", None)  # never a good version: nobody owns anything
    assert fresh.owners().empty and len(fresh.side_file_problems()) == 1


def _in_a_thread(read, path):
    """Run `read(path)` with memory traced; the result, or a failure if it takes more than a generous 10 s."""
    found: dict[str, object] = {}

    def work() -> None:
        tracemalloc.start()
        try:
            found["result"] = read(path)
            found["peak"] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "still reading the side file after 10 s"
    return found["result"], found["peak"]


def test_an_alias_bomb_in_owners_is_refused_at_its_line_without_expanding(env):
    bomb = alias_bomb() + "owners:\n  terms: {tokenizer: *l6}\n"
    assert len(bomb) < 600
    (env / "owners.yml").write_text(bomb)
    (owners, problems), peak = _in_a_thread(read_owners, env / "owners.yml")
    assert owners is None and len(problems) == 1
    assert "aliases" in problems[0].message and problems[0].line is not None
    assert len(str(problems[0])) < 400  # one short line for the log, check and the Home
    assert peak < 20_000_000  # 9**6 values expanded would be far more


def test_an_alias_bomb_in_roles_is_refused_and_set_role_legal_stays_small(env):
    bomb = alias_bomb() + "legal:\n  name: *l6\n  takeaway: *l6\n"
    assert len(bomb) < 600
    (env / "roles.yml").write_text(bomb)
    (roles, problems), peak = _in_a_thread(read_roles, env / "roles.yml")
    legal = find_role(roles, "legal")
    assert legal is not None and legal.name == "Legal" and legal.takeaway == ""  # the defaults
    assert [p.line is not None and "aliases" in p.message for p in problems] == [True]
    assert peak < 20_000_000


def test_check_names_roles_yml_not_the_term_folder(env, capsys):
    (env / "roles.yml").write_text("legal: [unclosed\n")
    code, out = run(capsys, "check", "--json")
    [error] = json.loads(out)["errors"]
    assert code == 1 and error["file"].endswith("roles.yml") and "not valid YAML" in error["message"]


def test_the_reviewer_home_shows_a_broken_owners_file_and_members_do_not_see_it(env):
    from bot.config import Settings
    from bot.runtime import Runtime
    from bot.slack.home.page import HomeState, build_home

    (env / "owners.yml").write_text("owners:\n  terms: {tokenizer: [UOWNER01]}\nreview_days:\n  approved: 2026-13-45\n")
    runtime = Runtime.open(Settings.from_env(os.environ))
    try:
        reviewer = json.dumps(build_home(runtime, "UREVIEW01", HomeState(), reviewer=True)["blocks"])
        member = json.dumps(build_home(runtime, "UASKER01", HomeState(), reviewer=False)["blocks"])
    finally:
        runtime.close()
    assert "Side file to fix" in reviewer and "owners.yml:4: error:" in reviewer and "2026-13-45" in reviewer
    assert "owners.yml" not in member
