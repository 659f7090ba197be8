"""A workspace's bot token for what the bot sends outside a request (the outbox's letters, the weekly digest),
where Bolt's authorize does not run: found as Bolt finds it (the workspace's own install, else its Grid org's
org-wide one), and refreshed the same way when token rotation is on and it is about to expire."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from ...config import Settings
from ...state.team import Team

log = logging.getLogger(__name__)


class TeamTokens:
    def __init__(self, settings: Settings, store: InstallationStore, client: WebClient):
        self.store = store
        self.minutes = settings.token_rotation_minutes
        self.rotator = TokenRotator(
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret, client=client
        )

    def bot_token(self, *, enterprise_id: str | None, team_id: str | None) -> str | None:
        """The token to act in this workspace with, or None when nobody installed the bot there."""
        bot = self._find(enterprise_id, team_id)
        if bot is None or bot.bot_refresh_token is None:
            return bot.bot_token if bot else None
        try:
            refreshed = self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=self.minutes)
        except SlackTokenRotationError as error:
            # Another process may have refreshed it a moment ago: its pair is in the store by now.
            log.info("refreshing %s's token failed (%s); reading the stored one again", team_id or enterprise_id, error)
            again = self._find(enterprise_id, team_id)
            return again.bot_token if again else None
        if refreshed is None:
            return bot.bot_token
        self.store.save_bot(refreshed)
        return refreshed.bot_token

    def for_team(self, team: Team) -> str | None:
        """The token for a team's letters: an org-wide install's team is the org itself (bot/state/team.py)."""
        org_wide = team.enterprise_id is not None and team.id == team.enterprise_id
        return self.bot_token(enterprise_id=team.enterprise_id, team_id=None if org_wide else team.id)

    def _find(self, enterprise_id: str | None, team_id: str | None) -> Bot | None:
        own = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False)
        if own is not None or enterprise_id is None:
            return own
        return self.store.find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
