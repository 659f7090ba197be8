"""The reviewer Home, end to end: each open request with its pull request's state, the pull requests from Slack
not done yet, and the discouraged words people look up most, with where (counts only). Members see none of it."""

from __future__ import annotations

from .harness import command_body, signed_post, wait_until
from .requests_helpers import FORM
from .test_home_and_browse import open_home, shown
from .test_pull_requests import _click_open, _new_request, _opened, _webhook, gh_server, github  # noqa: F401


def test_the_reviewer_home_shows_pull_requests_and_where_discouraged_words_are_looked_up(
    gh_server,  # noqa: F811
    fake_slack,
    github,  # noqa: F811
):
    request = _new_request(gh_server, fake_slack)
    branch = f"glossary/request-{request.id}"
    _click_open(gh_server, fake_slack, request.id)
    assert wait_until(lambda: _opened(gh_server, branch))
    review = {
        "action": "submitted",
        "review": {"state": "changes_requested"},
        "pull_request": {"head": {"ref": branch}},
    }
    assert _webhook(gh_server, "pull_request_review", review, delivery="home-1").status == 200
    for user in ("UASKER01", "UVOTER01"):  # a deprecated label, looked up with /define by two people
        reply = signed_post(gh_server.url + "/slack/events", command_body("model testing", user=user), FORM)
        assert reply.status == 200 and "evaluation" in reply.body.lower()
    assert gh_server.runtime.flush_lookups(timeout=10)
    home = shown(open_home(gh_server, fake_slack, "UREVIEW01", event_id="Ev-home-pulls")["blocks"])
    link = "<https://github.test/acme/glossary/pull/1|#1>, changes requested"
    assert f"pull request {link}" in home  # on the request's own line
    assert f"• {link} · request #{request.id}" in home  # and in the list of pull requests from Slack
    assert "*model testing* (deprecated; say *evaluation*) · 2 lookups: 2 /define" in home
    assert "UASKER01" not in home and "UVOTER01" not in home  # counts, never who
    member = shown(open_home(gh_server, fake_slack, "UASKER01", event_id="Ev-home-member")["blocks"])
    assert "Pull requests from Slack" not in member and "Discouraged words" not in member
