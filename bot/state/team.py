"""Whose rows: every state row belongs to one team, and every query asks for one team's rows only.

A team is a Slack workspace (`T…`), or for an Enterprise Grid org-wide install the org itself (`E…`): an org-wide
install serves all the org's workspaces as one, with one glossary and one set of requests, so its rows are keyed by
the org. `enterprise_id` is kept beside the key (the org a workspace belongs to), for purging an org's rows.

Where a request enters the bot the team is known once (Slack: the payload's team via Bolt's context; the MCP
server: the signed-in person's team) and a store bound to it (`Store.for_team`) is handed on; the state layer
adds the team to every row it writes and every query it makes (`Team.owns`, `Team.row`). The command line, the
MCP server over stdio and background work use the home team: SLACK_TEAM_ID, or else the one team the database
knows (the `teams` table), see `Store.team`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table


class TeamUnknown(RuntimeError):
    """No team can be told for a command or a migration; the message is one line naming the setting to set."""


@dataclass(frozen=True)
class Team:
    id: str
    enterprise_id: str | None = None

    @classmethod
    def of(cls, team_id: str | None, enterprise_id: str | None = None, *, org_wide: bool = False) -> Team | None:
        """The team of a Slack request: the org for an org-wide install, else the workspace (None: neither given)."""
        if org_wide and enterprise_id:
            return cls(enterprise_id, enterprise_id)
        return cls(team_id, enterprise_id or None) if team_id else None

    def owns(self, table: Table) -> ColumnElement[bool]:
        """The WHERE clause of every read: this team's rows of `table`."""
        return table.c.team_id == self.id

    def row(self) -> dict[str, Any]:
        """The columns every written row carries."""
        return {"team_id": self.id, "enterprise_id": self.enterprise_id}


# The team of a database that knows none yet, for a command run before the bot has seen any Slack request and
# with no SLACK_TEAM_ID: its rows are its own, and a later team does not see them (set SLACK_TEAM_ID to avoid it).
LOCAL = Team("local")
