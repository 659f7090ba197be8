"""The pull request ledger on both engines: asking twice, or many times at once, is one row and one letter; only
the git host's worker claims a pull request letter; the webhook's moves keep a finished pull request finished."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from bot.config import Settings
from bot.governance.service import Governance
from bot.pulls.changes import Change
from bot.pulls.service import PullRefused, PullRequests
from bot.state.outbox import GIT_HOST_KINDS, LetterKind, Outbox
from bot.state.pulls import PullLedger
from bot.state.store import Store
from bot.term_requests.book import RequestBook

LEASE = dt.timedelta(seconds=30)
CHANGE = Change(kind="verified", branch="glossary/verified-abc", title="t", body="b", files={"data/terms/x.yml": "x"})


@pytest.fixture
def store(state_url):
    store = Store(state_url)
    yield store
    store.close()


def _pulls(store: Store, repo: str = "acme/glossary") -> PullRequests:
    outbox = Outbox(store)
    governance = Governance(Path("no-owners.yml"), store)
    return PullRequests(Settings(github_repo=repo), store, outbox, RequestBook(store, outbox), governance)


def test_asking_twice_is_one_row_and_one_letter(store):
    pulls = _pulls(store)
    first, created = pulls.ask(CHANGE, "UREVIEW01")
    again, created_again = pulls.ask(CHANGE, "UOTHER001")
    assert (created, created_again) == (True, False)
    assert first == again and first.state == "queued" and first.asked_by == "UREVIEW01"
    assert [x.kind for x in pulls.outbox.letters()] == [LetterKind.PULL_REQUEST]


def test_many_asking_at_once_make_one_letter(store):
    pulls = _pulls(store)
    results: list[bool] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            results.append(pulls.ask(CHANGE, "UREVIEW01")[1])
        except BaseException as exc:  # noqa: BLE001 - a failure here is the test's finding
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sorted(results) == [False] * 7 + [True]
    assert len(pulls.outbox.letters()) == 1


def test_only_the_git_host_worker_claims_a_pull_request_letter(store):
    pulls = _pulls(store)
    pulls.ask(CHANGE, "UREVIEW01")
    assert pulls.outbox.claim("slack-worker", LEASE) is None  # the Slack worker's kinds, by default
    letter = pulls.outbox.claim("git-worker", LEASE, kinds=GIT_HOST_KINDS)
    assert letter is not None and letter.payload["files"] == {"data/terms/x.yml": "x"}


def test_nothing_is_queued_when_pull_requests_are_not_set_up(store):
    with pytest.raises(PullRefused, match="GITHUB_REPO"):
        _pulls(store, repo="").ask(CHANGE, "UREVIEW01")


def test_a_merged_pull_request_stays_merged_and_strangers_branches_are_ignored(store):
    pulls = _pulls(store)
    pulls.ask(CHANGE, "UREVIEW01")
    ledger = PullLedger(store)
    with store.writing() as conn:
        ledger.opened(conn, CHANGE.branch, 5, "https://github.test/pull/5")
        assert ledger.move(conn, "someone/else", "merged") is None
        assert ledger.move(conn, CHANGE.branch, "merged").state == "merged"
        assert ledger.move(conn, CHANGE.branch, "approved") is None  # a late review after the merge
    record = ledger.get(CHANGE.branch)
    assert (record.state, record.number, record.url) == ("merged", 5, "https://github.test/pull/5")


def test_a_refused_change_is_queued_again_when_asked_again(store):
    pulls = _pulls(store)
    pulls.ask(CHANGE, "UREVIEW01")
    pulls.ledger.failed(CHANGE.branch)
    assert pulls.ledger.get(CHANGE.branch).label == "could not be opened"
    record, created = pulls.ask(CHANGE, "UOTHER001")
    assert created and (record.state, record.asked_by) == ("queued", "UOTHER001")
    assert len(pulls.outbox.letters()) == 2  # the first letter (dead, in real life) and the new one


def test_a_merge_seen_by_the_webhook_and_the_poller_at_once_is_told_once(store):
    """Both ways back may see the same merge together (and two instances' pollers): one move, one DM each."""
    from bot.pulls.webhook import Webhook
    from bot.term_requests.rules import RequestForm

    pulls = _pulls(store)
    form = RequestForm(term="prompt golf", why="We keep saying it.")
    request = pulls.requests.file(form, "UASKER01").request
    pulls.requests.file(form, "UVOTER01")  # a vote
    change = Change(kind="request", branch="glossary/request-1", title="t", body="b", files={}, request_id=request.id)
    pulls.ask(change, "UREVIEW01")
    with store.writing() as conn:
        pulls.ledger.opened(conn, change.branch, 1, "https://github.test/pull/1")
    webhook = Webhook(store, pulls.outbox, pulls.requests)
    moved: list[str | None] = []
    threads = [threading.Thread(target=lambda: moved.append(webhook.follow(change.branch, "merged"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert moved.count("merged") == 1 and moved.count(None) == 5
    told = [x.payload["user"] for x in pulls.outbox.letters() if x.payload.get("about") == "pull_merged"]
    assert sorted(told) == ["UASKER01", "UVOTER01"]
    assert pulls.ledger.following() == []  # merged: polling no longer looks at it


def test_polling_follows_only_the_opened_ones_least_recently_moved_first(store):
    pulls = _pulls(store)
    for name in ("a", "b", "c"):
        pulls.ask(Change(kind="verified", branch=f"glossary/{name}", title="t", body="b", files={}), "UREVIEW01")
    for branch, number in (("glossary/b", 2), ("glossary/a", 1)):  # b opened first
        with store.writing() as conn:
            pulls.ledger.opened(conn, branch, number, f"u{number}")
    assert [r.branch for r in pulls.ledger.following()] == ["glossary/b", "glossary/a"]  # c is still queued
    with store.writing() as conn:
        pulls.ledger.move(conn, "glossary/b", "changes_requested")
    assert [r.branch for r in pulls.ledger.following()] == ["glossary/a", "glossary/b"]
