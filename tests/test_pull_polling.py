"""Which ledger state a pull request read from the host is in: the same states the webhook's events leave."""

from __future__ import annotations

import pytest

from bot.githost.host import PullRequest
from bot.pulls.polling import host_state


def _pull(state: str = "open", merged: bool = False) -> PullRequest:
    return PullRequest(number=1, url="u", branch="glossary/request-1", state=state, merged=merged)


@pytest.mark.parametrize(
    ("pull", "reviews", "expected"),
    [
        (_pull(), {}, "opened"),
        (_pull(), {"octo-cat": "approved"}, "approved"),
        (_pull(), {"octo-cat": "approved", "rae": "changes_requested"}, "changes_requested"),
        (_pull(), {"octo-cat": "dismissed"}, "opened"),  # a dismissed review decides nothing
        (_pull("closed", merged=True), {"octo-cat": "changes_requested"}, "merged"),
        (_pull("closed"), {"octo-cat": "approved"}, "closed"),
    ],
)
def test_the_host_state_is_the_one_the_webhook_would_have_left(pull, reviews, expected):
    assert host_state(pull, reviews) == expected
