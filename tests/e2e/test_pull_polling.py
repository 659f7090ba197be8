"""Pull requests followed back by polling, end to end: the real app over HTTP with no webhook secret, the fake
GitHub changing under it, and the request moving as the webhook would move it; rate limits waited out; the webhook
and polling both on, each event moving the request once."""

from __future__ import annotations

import json

import pytest

from bot.githost.github import GitHubHost
from bot.pulls.changes import Change
from bot.pulls.polling import PullPoller
from bot.state.outbox import DEAD, PENDING, SENDING, SENT

from .harness import wait_until
from .test_pull_requests import (  # noqa: F401 - fixtures, shared with the webhook's tests
    NAMES,
    OWNERS,
    WEBHOOK_SECRET,
    _click_open,
    _new_request,
    _opened,
    _webhook,
    github,
)

POLL = 0.2  # seconds between two looks here (the setting's floor of 1 s is for the environment variable)


@pytest.fixture
def polling_server(make_server, github, fake_slack, tmp_path):  # noqa: F811
    owners = tmp_path / "owners.yml"
    owners.write_text(OWNERS, encoding="utf-8")
    fake_slack.names.update(NAMES)
    return make_server(
        owners_file=owners,
        github_repo=github.repo,
        github_token="github_pat_test_not_real",
        github_api_url=github.api_url,
        github_webhook_secret="",  # no webhook: polling is the only way back
        github_poll_seconds=POLL,
        outbox_retry_seconds=0.05,
        outbox_lease_seconds=8.0,
    )


def _state(server, branch):
    return server.runtime.pulls.ledger.get(branch).state


def _merged_dms(fake_slack):
    return [c for c in fake_slack.delivered("chat.postMessage") if "was merged" in str(c.body)]


def test_without_a_webhook_polling_moves_the_request_and_a_merge_tells_everyone_once(
    polling_server,
    fake_slack,
    github,  # noqa: F811
):
    request = _new_request(polling_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(polling_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(polling_server, branch))
    github.review(1, "octo-cat", "COMMENTED")  # not a decision
    github.review(1, "octo-cat", "CHANGES_REQUESTED")
    assert wait_until(lambda: _state(polling_server, branch) == "changes_requested", timeout=30)
    assert wait_until(
        lambda: any("changes requested" in json.dumps(c.body) for c in fake_slack.delivered("chat.update"))
    )
    github.review(1, "octo-cat", "APPROVED")  # the same reviewer's later decision wins
    assert wait_until(lambda: _state(polling_server, branch) == "approved", timeout=30)
    github.close(1, merged=True)
    assert wait_until(lambda: _state(polling_server, branch) == "merged", timeout=30)
    assert wait_until(lambda: len(_merged_dms(fake_slack)) == 2)
    assert sorted(c.body["channel"] for c in _merged_dms(fake_slack)) == ["UASKER01", "UVOTER01"]
    assert polling_server.runtime.pulls.ledger.following() == []


def _poller(server, github):  # noqa: F811
    """A poller of the test's own, driven round by round (the server's thread runs one too)."""
    host = GitHubHost(github.repo, token="github_pat_test_not_real", api_url=github.api_url, timeout=2.0)
    runtime = server.runtime
    return PullPoller(runtime.pulls.ledger, host, runtime.webhook, every=60.0)


def test_a_rate_limit_ends_the_round_and_waits_for_the_reset(polling_server, fake_slack, github):  # noqa: F811
    request = _new_request(polling_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(polling_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(polling_server, branch))
    polling_server.wsgi.bot.pull_poller.stop()  # only the test's poller looks from here on
    poller = _poller(polling_server, github)
    github.close(1, merged=False)
    github.fail(r"GET pulls/\d+$", "ratelimit", times=1)
    limited = poller.poll_once()
    assert (limited.looked, limited.moved, limited.wait) == (0, {}, 60.0)  # the reset (1 s) is sooner than a round
    assert _state(polling_server, branch) == "opened"
    github.fail(r"GET pulls/\d+$", "500", times=1)
    assert poller.poll_once().moved == {}  # a busy host: the next round
    gone = Change(kind="verified", branch="glossary/verified-gone", title="t", body="b", files={})
    with polling_server.runtime.store.writing() as conn:  # a pull request deleted on the host (404)
        polling_server.runtime.pulls.ledger.add(conn, gone.branch, gone.kind, None, "UREVIEW01")
        polling_server.runtime.pulls.ledger.opened(conn, gone.branch, 99, "https://github.test/x/pull/99")
    done = poller.poll_once()
    assert done.moved == {branch: "closed"} and done.looked == 1  # the unreadable one does not stop the rest
    assert [r.branch for r in polling_server.runtime.pulls.ledger.following()] == [gone.branch]


def test_with_the_webhook_and_polling_both_on_each_event_moves_the_request_once(
    make_server,
    fake_slack,
    github,  # noqa: F811
    tmp_path,
):
    owners = tmp_path / "owners.yml"
    owners.write_text(OWNERS, encoding="utf-8")
    fake_slack.names.update(NAMES)
    server = make_server(
        owners_file=owners,
        github_repo=github.repo,
        github_token="github_pat_test_not_real",
        github_api_url=github.api_url,
        github_webhook_secret=WEBHOOK_SECRET,
        github_poll_seconds=3600.0,  # on, but the test drives its own rounds
        outbox_retry_seconds=0.05,
        outbox_lease_seconds=8.0,
    )
    request = _new_request(server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(server, fake_slack, request.id)
    assert wait_until(lambda: _opened(server, branch))
    poller = _poller(server, github)
    # Polling sees the review first; the webhook's event for it then moves nothing.
    github.review(1, "octo-cat", "CHANGES_REQUESTED")
    assert poller.poll_once().moved == {branch: "changes_requested"}
    head = {"head": {"ref": branch}}
    review = {"action": "submitted", "review": {"state": "changes_requested"}, "pull_request": head}
    assert _webhook(server, "pull_request_review", review, delivery="both-1").status == 200
    # The webhook sees the merge first; polling then finds nothing to move.
    github.close(1, merged=True)
    merged = {"action": "closed", "pull_request": {"head": {"ref": branch}, "merged": True}}
    assert _webhook(server, "pull_request", merged, delivery="both-2").status == 200
    assert _state(server, branch) == "merged"
    assert poller.poll_once().moved == {}
    assert wait_until(lambda: len(_merged_dms(fake_slack)) == 2)
    every = server.runtime.outbox.letters((PENDING, SENDING, SENT, DEAD))
    merged_letters = [x for x in every if x.payload.get("about") == "pull_merged"]
    assert sorted(x.payload["user"] for x in merged_letters) == ["UASKER01", "UVOTER01"]
