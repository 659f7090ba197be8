"""A workspace's reviewers' user group, read with that workspace's own token when each has its own (OAuth
installs): never with another's, never served from another workspace's cache, and not at all without an install."""

from __future__ import annotations

from e2e.fake_slack_oauth import token_of
from e2e.harness import FakeSlack
from slack_sdk import WebClient

from bot.slack.kit.reviewers import Reviewers
from bot.state.team import Team


class Tokens:
    def __init__(self, tokens: dict[tuple[str | None, str | None], str]):
        self.tokens = tokens

    def bot_token(self, *, enterprise_id: str | None, team_id: str | None) -> str | None:
        return self.tokens.get((enterprise_id, team_id)) or self.tokens.get((enterprise_id, None))


def test_each_workspace_reads_its_group_with_its_own_token_and_its_own_cache():
    slack = FakeSlack().start()
    try:
        slack.usergroups["SREVIEW01"] = ["UMEMBER01"]
        root = Reviewers(WebClient(base_url=slack.api_url), ())
        root.tokens = Tokens({(None, "T0000ONE"): "xoxb-one", ("E00000ORG", None): "xoxb-org"})
        one = root.scoped(lambda: ("SREVIEW01",), None, "T0000ONE")
        stranger = root.scoped(lambda: ("SREVIEW01",), None, "T0STRANGE")
        grid = root.of_team(Team("E00000ORG", "E00000ORG"))  # an org-wide install: the org's token

        assert "UMEMBER01" in one and "UMEMBER01" in one  # the second from the cache
        assert [token_of(c) for c in slack.of("usergroups.users.list")] == ["xoxb-one"]
        assert "UMEMBER01" not in stranger  # no install: nothing read, and not ONE's cached members either
        assert len(slack.of("usergroups.users.list")) == 1
        assert grid.members("SREVIEW01") == frozenset({"UMEMBER01"})
        assert [token_of(c) for c in slack.of("usergroups.users.list")] == ["xoxb-one", "xoxb-org"]
    finally:
        slack.stop()
