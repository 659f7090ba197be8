"""OUTBOX_MAX_ATTEMPTS has one meaning (issue 19): the tries a pull request gets while the git host fails. A Slack
letter is never ended by a count of tries (tests/e2e/test_outbox_delivery.py holds that side)."""

from __future__ import annotations

import json

from .test_pull_requests import NAMES, OWNERS, _click_open, _new_request, github  # noqa: F401 - github: a fixture


def test_a_pull_request_is_given_up_after_outbox_max_attempts_and_the_asker_told(
    make_server,
    github,  # noqa: F811 - the fixture imported above
    fake_slack,
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
        outbox_retry_seconds=0.05,
        outbox_lease_seconds=8.0,
        outbox_max_attempts=2,
    )
    github.fail("POST git/trees", "500", times=None)  # the git host fails for good
    request = _new_request(server, fake_slack)
    _click_open(server, fake_slack, request.id)
    dm = fake_slack.wait_for(
        "chat.postMessage",
        where=lambda c: c.body.get("channel") == "UREVIEW01" and "could not open" in str(c.body),
        timeout=60,
    )
    assert "gave up after 2 tries" in json.dumps(dm[0].body)
    assert len(github.tried("POST", "git/trees")) == 2
    assert github.pulls == []
