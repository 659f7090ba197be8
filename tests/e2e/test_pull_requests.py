"""Changes as pull requests, end to end: the real app over HTTP, a fake Slack and a fake GitHub (both real local
servers that record every call and fail on demand), the state in a real database."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace

import pytest
from paths import BUNDLED_TERMS

from bot.governance.writeback import set_last_reviewed
from bot.slack.requests.detail import detail_message
from bot.state.outbox import SENT
from bot.term_requests.drafts import draft_text

from .fake_github import FakeGitHub
from .harness import block_action, http, view_submission, wait_until
from .requests_helpers import post, submit_request

WEBHOOK_SECRET = "github-webhook-secret-not-real"
OWNERS = """\
owners:
  roles: {security: [S0SECTEAM, UOWNER001]}
  terms: {temperature: [UOWNER001], token: [UOWNER001], agent-memory: [UOWNER001], benchmark: [UOWNER001]}
handles: {S0SECTEAM: "@acme/security", UOWNER001: "@octo-cat"}
"""
NAMES = {"UASKER01": "Ada Asker", "UVOTER01": "Vic Voter", "UREVIEW01": "Rae Reviewer", "UOWNER001": "Olu Owner"}


@pytest.fixture
def github():
    files = {f"data/terms/{p.name}": p.read_bytes().decode("utf-8") for p in sorted(BUNDLED_TERMS.glob("*.yml"))}
    fake = FakeGitHub(files=files).start()
    yield fake
    fake.stop()


@pytest.fixture
def gh_server(make_server, github, fake_slack, tmp_path):
    owners = tmp_path / "owners.yml"
    owners.write_text(OWNERS, encoding="utf-8")
    fake_slack.names.update(NAMES)
    return make_server(
        owners_file=owners,
        github_repo=github.repo,
        github_token="github_pat_test_not_real",
        github_api_url=github.api_url,
        github_webhook_secret=WEBHOOK_SECRET,
        outbox_retry_seconds=0.05,
        outbox_lease_seconds=8.0,  # a call to GitHub times out after 2 s
    )


def _click_open(server, fake_slack, request_id, *, user="UREVIEW01", name="pr"):
    action = block_action(
        "open_pull_request",
        str(request_id),
        user=user,
        ephemeral=False,
        channel="CREQUESTS",
        response_url=fake_slack.response_url(name),
    )
    assert post(server, action).status == 200


def _new_request(server, fake_slack):
    submit_request(server, term="prompt golf", audiences=("security",), links="https://example.org/caching")
    submit_request(server, term="prompt golf", user="UVOTER01")  # a vote
    return server.runtime.requests.backlog()[0]


def _opened(server, branch):
    record = server.runtime.pulls.ledger.get(branch)
    return record is not None and record.number is not None


def _webhook(server, event, payload, *, delivery, secret=WEBHOOK_SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature,
    }
    return http("POST", server.url + "/github/webhook", body, headers)


def test_an_approved_request_becomes_exactly_one_pull_request(gh_server, fake_slack, github):
    request = _new_request(gh_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(gh_server, branch))
    assert len(github.pulls) == 1
    pull = github.pulls[0]
    assert (pull.branch, pull.base) == (branch, "main")
    after = gh_server.runtime.requests.get(request.id)
    assert after.status == "drafting"  # approving it moved it on
    expected = draft_text(after, gh_server.runtime.governance.today())
    assert github.changed_files(pull) == {"data/terms/prompt-golf.yml": (None, expected)}
    assert f"term request #{request.id}" in pull.body and "Ada Asker" in pull.body and "Vic Voter" in pull.body
    assert "UASKER01" not in pull.body and "UVOTER01" not in pull.body  # names, never ids
    assert (pull.reviewers, pull.team_reviewers, pull.labels) == (["octo-cat"], ["security"], ["glossary"])
    # The reviewer hears the link; the triage post shows the pull request.
    fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("channel") == "UREVIEW01" and "#1" in str(c.body)
    )
    assert wait_until(lambda: any("Pull request" in json.dumps(c.body) for c in fake_slack.delivered("chat.update")))
    # A second click finds it: no second pull request, no second letter.
    _click_open(gh_server, fake_slack, request.id, name="again")
    said = fake_slack.wait_for("/respond/again")[0]
    assert "already has a pull request" in json.dumps(said.body)
    assert len(github.pulls) == 1 and len(github.of("POST", "pulls$")) == 1


def test_an_answer_lost_after_github_acted_is_retried_without_a_second_pull_request(gh_server, fake_slack, github):
    github.fail("POST pulls$", "late")  # GitHub opens it, but the answer never arrives: the try times out
    request = _new_request(gh_server, fake_slack)
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(gh_server, f"glossary/request-{request.id}"), timeout=30)
    assert len(github.pulls) == 1 and len(github.tried("POST", "pulls$")) == 1
    assert github.pulls[0].reviewers == ["octo-cat"]  # the retry finished what the lost try began


def test_a_crash_after_the_pull_request_was_opened_is_finished_by_the_next_worker(gh_server, fake_slack, github):
    """A process opened the pull request and died before recording it: the letter's next try finds it."""
    request = _new_request(gh_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    github.branches[branch] = github.branches["main"]
    github.fail("GET pulls$", "500", times=None)  # hold the worker off while the "dead process" acts
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: len(github.tried("GET", "pulls$")) >= 1)
    with github._lock:
        from .fake_github import Pull

        github.pulls.append(Pull(1, branch, "main", "opened by a process that died", ""))
        github.faults.clear()
    assert wait_until(lambda: _opened(gh_server, branch), timeout=30)
    assert len(github.pulls) == 1 and github.of("POST", "pulls$") == []
    assert gh_server.runtime.pulls.ledger.get(branch).number == 1


def test_5xx_rate_limits_and_timeouts_are_retried_through_the_outbox(gh_server, fake_slack, github):
    github.fail("GET git/ref/heads/main", "hang")
    github.fail("POST git/trees", "500")
    github.fail("POST pulls$", "ratelimit")
    request = _new_request(gh_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(gh_server, branch), timeout=60)
    assert len(github.pulls) == 1
    assert {c.outcome for c in github.calls} >= {"hang", "500", "ratelimit"}
    letters = [x for x in gh_server.runtime.outbox.letters((SENT,)) if x.kind == "pull_request"]
    # Three failed tries, then the one that worked: at least. On a loaded machine a call the fake answers late
    # times out too (2 s here) and is retried like the hang; a loaded e2e run once counted five tries.
    assert len(letters) == 1 and letters[0].attempts >= 4


def test_a_refusal_is_not_retried_and_the_reviewer_is_told(gh_server, fake_slack, github):
    github.files_at("main")  # the base exists; the draft's file is already there:
    request = _new_request(gh_server, fake_slack)
    github.commits[github.branches["main"]]["files"]["data/terms/prompt-golf.yml"] = "term: taken\n"
    _click_open(gh_server, fake_slack, request.id)
    dm = fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("channel") == "UREVIEW01" and "could not open" in str(c.body)
    )
    assert "already exists on main" in json.dumps(dm[0].body)
    assert github.pulls == [] and github.of("POST", "git/refs$") == []


def test_webhook_events_move_the_request_and_a_merge_tells_everyone_who_asked(gh_server, fake_slack, github):
    request = _new_request(gh_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(gh_server, branch))
    ledger = gh_server.runtime.pulls.ledger
    review = {
        "action": "submitted",
        "review": {"state": "changes_requested"},
        "pull_request": {"head": {"ref": branch}},
    }
    forged = _webhook(gh_server, "pull_request_review", review, delivery="d-0", secret="wrong-secret")
    assert forged.status == 401 and ledger.get(branch).state == "opened"
    assert _webhook(gh_server, "pull_request_review", review, delivery="d-1").status == 200
    assert ledger.get(branch).state == "changes_requested"
    shown = detail_message(gh_server.runtime, "UASKER01", request.id, reviewer=False)  # `/define request N`, the Home
    assert "*Pull request:* <https://github.test/acme/glossary/pull/1|#1>, changes requested" in json.dumps(shown)
    assert wait_until(
        lambda: any("changes requested" in json.dumps(c.body) for c in fake_slack.delivered("chat.update"))
    )
    merged = {"action": "closed", "pull_request": {"head": {"ref": branch}, "merged": True}}
    assert _webhook(gh_server, "pull_request", merged, delivery="d-2").status == 200
    assert _webhook(gh_server, "pull_request", merged, delivery="d-2").status == 200  # a replay does nothing
    assert ledger.get(branch).state == "merged"
    for user in ("UASKER01", "UVOTER01"):
        fake_slack.wait_for(
            "chat.postMessage", where=lambda c, u=user: c.body.get("channel") == u and "merged" in str(c.body)
        )
    assert wait_until(
        lambda: len([c for c in fake_slack.delivered("chat.postMessage") if "merged" in str(c.body)]) == 2
    )
    told = [c for c in fake_slack.delivered("chat.postMessage") if "was merged" in str(c.body)]
    assert sorted(c.body["channel"] for c in told) == ["UASKER01", "UVOTER01"]


def test_a_suggested_change_opens_a_pull_request_with_exactly_that_diff(gh_server, fake_slack, github):
    submit_request(
        gh_server, term="temperature", why="The range is wrong.", metadata='{"k":"change","s":"temperature"}'
    )
    request = gh_server.runtime.requests.backlog()[0]
    _click_open(gh_server, fake_slack, request.id, user="UOWNER001")
    opened = fake_slack.wait_for("views.open")[0]
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    original = (BUNDLED_TERMS / "temperature.yml").read_text(encoding="utf-8")
    shown = view["blocks"][1]["element"]["initial_value"]
    assert shown == original.rstrip("\n")  # Slack drops a final newline anyway; the file's is kept on submit
    edited = original.replace("status:", "# checked in Slack\nstatus:", 1)
    values = {"pull_text": {"value": {"type": "plain_text_input", "value": edited.rstrip("\n")}}}
    submission = view_submission(
        "suggest_pull_request", values, user="UOWNER001", private_metadata=view["private_metadata"]
    )
    assert post(gh_server, submission).status == 200
    branch = f"glossary/change-{request.id}"
    assert wait_until(lambda: _opened(gh_server, branch))
    pull = github.pulls[0]
    assert github.changed_files(pull) == {"data/terms/temperature.yml": (original, edited)}
    assert "Olu Owner" in pull.body and "Ada Asker" in pull.body and pull.reviewers == ["octo-cat"]


def test_a_batch_of_verifications_opens_one_pull_request_of_last_reviewed_lines(gh_server, github, capsys):
    from bot.cli.pull_commands import cmd_reviews_pr

    runtime = gh_server.runtime
    # Terms whose last review is not today (a term re-checked today would verify to the line it has).
    for slug in ("agent-memory", "benchmark"):
        runtime.governance.verify(runtime.glossary.get(slug), "UOWNER001")
    settings = replace(runtime.settings, slack_bot_token="")  # the command line, with no Slack to ask for names
    assert cmd_reviews_pr(None, settings) == 0
    assert len(github.pulls) == 1
    pull = github.pulls[0]
    today = runtime.governance.today()
    expected = {}
    for name in ("agent-memory.yml", "benchmark.yml"):
        before = (BUNDLED_TERMS / name).read_bytes().decode("utf-8")
        expected[f"data/terms/{name}"] = (before, set_last_reviewed(before, today))
    assert github.changed_files(pull) == expected
    for before, after in expected.values():  # one line each, and only last_reviewed
        changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
        assert len(changed) == 1 and changed[0][1].startswith("last_reviewed:")
    assert pull.reviewers == ["octo-cat"] and "UOWNER001" not in pull.body
    assert "https://github.test/" in capsys.readouterr().out
    assert cmd_reviews_pr(None, settings) == 0  # the same batch again: the same pull request
    assert len(github.pulls) == 1


def test_only_reviewers_and_owners_may_open_a_pull_request(gh_server, fake_slack, github):
    request = _new_request(gh_server, fake_slack)
    _click_open(gh_server, fake_slack, request.id, user="UASKER01", name="asker")
    said = fake_slack.wait_for("/respond/asker")[0]
    assert "Only glossary reviewers" in json.dumps(said.body)
    assert gh_server.runtime.pulls.ledger.for_request(request.id) is None
    assert github.calls == [] and gh_server.runtime.requests.get(request.id).status == "open"


def test_a_change_written_against_another_version_of_the_file_is_refused(gh_server, fake_slack, github):
    """The bot's checkout and the base branch disagree: the pull request would not show the change asked for."""
    runtime = gh_server.runtime
    runtime.governance.verify(runtime.glossary.get("benchmark"), "UOWNER001")
    files = github.commits[github.branches["main"]]["files"]
    files["data/terms/benchmark.yml"] = files["data/terms/benchmark.yml"].replace("\n", "\n# edited on main\n", 1)
    change, _ = runtime.pulls.for_verifications(runtime.glossary, NAMES.__getitem__)
    runtime.pulls.ask(change, "UOWNER001")
    dm = fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("channel") == "UOWNER001" and "could not open" in str(c.body)
    )
    assert "is not the file this change was written against" in json.dumps(dm[0].body)
    assert github.pulls == [] and github.of("POST", "git/refs$") == []
    assert runtime.pulls.ledger.get(change.branch).state == "failed"
    # Once the base holds the file the bot reads, asking again opens it: a failed change is not stuck.
    files["data/terms/benchmark.yml"] = (BUNDLED_TERMS / "benchmark.yml").read_bytes().decode("utf-8")
    assert runtime.pulls.ask(change, "UOWNER001")[1] is True
    assert wait_until(lambda: _opened(gh_server, change.branch))
    assert len(github.pulls) == 1
