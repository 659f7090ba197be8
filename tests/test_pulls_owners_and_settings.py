"""What the pull request flows stand on: owners.yml's handles, CODEOWNERS from them (and --check), the GITHUB_*
settings refused in one line, the webhook's signature and events, and the bodies that never carry a Slack id."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
from governance_helpers import OWNERS_YML, glossary_in, owners_file

from bot.cli.main import main
from bot.config import Settings, SettingsError
from bot.governance.codeowners import codeowners_text
from bot.governance.owners import Ownership, load_owners
from bot.pulls import changes
from bot.pulls.webhook import new_state, signature_ok
from bot.term_requests.rules import RequestKind, RequestStatus, TermRequest

HANDLES = OWNERS_YML + 'handles: {UTERMOWNER: "@octo-cat", SSECTEAM: "@acme/security", UCATOWNER: "@cat-owner"}\n'


def test_handles_are_read_and_bad_ones_named_with_the_fix(tmp_path):
    owners, problems = load_owners(owners_file(tmp_path, HANDLES))
    assert problems == [] and owners.handles["SSECTEAM"] == "@acme/security"
    bad = OWNERS_YML + 'handles: {UTERMOWNER: "octo cat", nobody: "@x"}\n'
    _, problems = load_owners(owners_file(tmp_path, bad))
    messages = sorted(p.message for p in problems)
    assert len(messages) == 2
    assert "is not a login like @octo-cat" in messages[0] and "is not a Slack user id" in messages[1]


def test_codeowners_lists_each_owned_file_with_its_owners_handles(tmp_path):
    owners, _ = load_owners(owners_file(tmp_path, HANDLES))
    glossary = glossary_in(tmp_path / "terms")
    text = codeowners_text(Ownership(owners, glossary.terms.values()), glossary.terms.values())
    lines = [line for line in text.splitlines() if line.startswith("/")]
    assert "/data/terms/low-rank-adaptation.yml @octo-cat @cat-owner" in lines  # its own and its category's
    assert "/data/terms/prompt-injection.yml @acme/security @cat-owner" in lines  # its role, its category
    assert "# Owned through a term rule" in text and "# Owned through a role rule" in text
    assert not any("U" + "TERMOWNER" in line for line in lines)  # handles, never Slack ids


def test_codeowners_check_exits_1_until_the_committed_file_is_current(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    glossary_in(tmp_path / "terms")
    monkeypatch.setenv("GLOSSARY_DIR", str(tmp_path / "terms"))
    monkeypatch.setenv("OWNERS_FILE", str(owners_file(tmp_path, HANDLES)))
    committed = tmp_path / "CODEOWNERS"
    assert main(["owners", "codeowners", "--check", "--file", str(committed)]) == 1
    assert "is missing; run `python -m bot owners codeowners" in capsys.readouterr().out
    assert main(["owners", "codeowners"]) == 0
    committed.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["owners", "codeowners", "--check", "--file", str(committed)]) == 0
    committed.write_text(committed.read_text() + "/data/terms/x.yml @someone\n", encoding="utf-8")
    assert main(["owners", "codeowners", "--check", "--file", str(committed)]) == 1
    assert "is out of date" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GITHUB_REPO": "acme"}, "GITHUB_REPO must be owner/name"),
        ({"GITHUB_REPO": "acme/glossary"}, "neither GITHUB_TOKEN nor a GitHub App"),
        ({"GITHUB_REPO": "acme/glossary", "GITHUB_APP_ID": "12"}, "GITHUB_APP_PRIVATE_KEY is not set"),
        (
            {"GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY": "k", "GITHUB_INSTALLATION_ID": "x"},
            "GITHUB_INSTALLATION_ID must be a number",
        ),
        ({"GITHUB_POLL_SECONDS": "often"}, "GITHUB_POLL_SECONDS must be 0 .never. or a number of seconds from 1"),
        ({"GITHUB_POLL_SECONDS": "0.5"}, "GITHUB_POLL_SECONDS must be"),
        ({"GITHUB_POLL_SECONDS": "-1"}, "GITHUB_POLL_SECONDS must be"),
        ({"GITHUB_POLL_SECONDS": "inf"}, "GITHUB_POLL_SECONDS must be"),
    ],
)
def test_github_settings_are_refused_in_one_line_naming_the_variable(env, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_a_github_app_private_key_may_arrive_with_its_line_breaks_escaped():
    env = {"GITHUB_REPO": "acme/g", "GITHUB_APP_ID": "1", "GITHUB_INSTALLATION_ID": "7"}
    settings = Settings.from_env({**env, "GITHUB_APP_PRIVATE_KEY": "-----BEGIN-----\\nabc\\n-----END-----"})
    assert settings.github_app_private_key == "-----BEGIN-----\nabc\n-----END-----"
    assert settings.github_installation_id == 7 and "PRIVATE" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "seconds"),
    [
        ({}, 300.0),  # no webhook: polling is the way back
        ({"GITHUB_WEBHOOK_SECRET": "s"}, 0.0),  # the webhook tells
        ({"GITHUB_WEBHOOK_SECRET": "s", "GITHUB_POLL_SECONDS": "120"}, 120.0),  # both, when asked for
        ({"GITHUB_POLL_SECONDS": "0"}, 0.0),
    ],
)
def test_polling_is_on_without_a_webhook_and_off_beside_one_unless_asked_for(env, seconds):
    assert Settings.from_env({"GITHUB_REPO": "acme/g", "GITHUB_TOKEN": "t", **env}).github_poll_seconds == seconds


def test_the_webhook_signature_is_github_s_hmac_of_the_raw_body():
    body = b'{"action":"closed"}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature_ok("s3cret", body, good)
    assert not signature_ok("s3cret", body + b" ", good)
    assert not signature_ok("other", body, good)
    assert not signature_ok("", body, good) and not signature_ok("s3cret", body, "")


def test_events_that_move_a_pull_request_and_those_that_do_not():
    head = {"head": {"ref": "glossary/request-3"}}
    assert new_state("pull_request", {"action": "closed", "pull_request": {**head, "merged": True}}) == (
        "glossary/request-3",
        "merged",
    )
    assert new_state("pull_request", {"action": "closed", "pull_request": head})[1] == "closed"
    approved = {"action": "submitted", "review": {"state": "APPROVED"}, "pull_request": head}
    assert new_state("pull_request_review", approved)[1] == "approved"
    assert new_state("pull_request", {"action": "labeled", "pull_request": head}) is None
    assert new_state("push", {"ref": "refs/heads/main"}) is None


def test_a_request_s_body_names_people_never_ids_and_nothing_typed_pings_anyone():
    stamp = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    request = TermRequest(
        id=4,
        kind=RequestKind.NEW,
        term="vibe coding",
        term_key="vibe coding",
        requester="UASKER01",
        status=RequestStatus.DRAFTING,
        created_at=stamp,
        updated_at=stamp,
        why="ask @everyone <script>x</script> see #12",
        voters=("UASKER01", "UVOTER01"),
        votes=2,
    )
    names = {"UASKER01": "Ada", "UVOTER01": "Vic"}
    change = changes.for_request(request, "draft\n", "vibe-coding.yml", "data/terms", (["octo"], []), names.__getitem__)
    assert change.branch == "glossary/request-4" and change.files == {"data/terms/vibe-coding.yml": "draft\n"}
    assert "Ada, Vic" in change.body and "UASKER01" not in change.body
    assert "@everyone" not in change.body and "<script>" not in change.body and "#12" not in change.body
    hidden = changes.for_request(
        TermRequest(**{**request.__dict__, "anonymous": True}), "d", "v.yml", "data/terms", ([], []), names.__getitem__
    )
    assert "Ada" not in hidden.body and "someone who asked not to be named" in hidden.body
