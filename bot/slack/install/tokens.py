"""A workspace's bot token for what the bot sends outside a request (the outbox's letters, the weekly digest),
where Bolt's authorize does not run: found as Bolt finds it (the workspace's own install, else its Grid org's
org-wide one), and refreshed the same way when token rotation is on and it is about to expire."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from ...config import Settings
from ...state.team import Team

log = logging.getLogger(__name__)


# How long a lost refresh race waits for the winner to store its new pair. The winner stores it right after Slack
# answers, but on a busy machine that can take a while; the old token may already be revoked.
REFRESH_WAIT_SECONDS = 10.0
REFRESH_POLL_SECONDS = 0.05


class TeamTokens:
    def __init__(self, settings: Settings, store: InstallationStore, client: WebClient):
        self.store = store
        self.minutes = settings.token_rotation_minutes
        self.rotator = TokenRotator(
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret, client=client
        )
        self._locks: dict[tuple[str | None, str | None], threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def bot_token(self, *, enterprise_id: str | None, team_id: str | None) -> str | None:
        """The token to act in this workspace with, or None when nobody installed the bot there."""
        bot = self._find(enterprise_id, team_id)
        if bot is None or bot.bot_refresh_token is None or not self._expiring(bot):
            return bot.bot_token if bot else None  # most calls: one read, no lock
        # One refresh at a time per workspace in this process: the outbox's threads and the digest would
        # otherwise each spend the same refresh token, and all but one would be left with a revoked token.
        with self._lock(enterprise_id, team_id):
            bot = self._find(enterprise_id, team_id)  # a thread that waited here finds the pair just stored
            if bot is None or bot.bot_refresh_token is None:
                return bot.bot_token if bot else None
            try:
                refreshed = self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=self.minutes)
            except SlackTokenRotationError as error:
                # Another process (or Bolt's authorize) spent the refresh token a moment ago: use the pair it
                # stores, once it has stored it, never the token it has just had revoked.
                who = team_id or enterprise_id
                log.info("refreshing %s's token failed (%s); waiting for the pair another process stores", who, error)
                return self._stored_after(enterprise_id, team_id, bot.bot_refresh_token)
            if refreshed is None:
                return bot.bot_token
            self.store.save_bot(refreshed)
            return refreshed.bot_token

    def _expiring(self, bot: Bot) -> bool:
        """Whether the rotator would refresh this token now (its own test, TokenRotator.perform_bot_token_rotation)."""
        expires_at = bot.bot_token_expires_at
        return expires_at is not None and expires_at <= time.time() + self.minutes * 60

    def _stored_after(self, enterprise_id: str | None, team_id: str | None, spent: str) -> str | None:
        """The stored token once the stored refresh token is no longer `spent` (the pair the winner saved); the
        stored one as it is when that does not happen within REFRESH_WAIT_SECONDS."""
        deadline = time.monotonic() + REFRESH_WAIT_SECONDS
        while True:
            again = self._find(enterprise_id, team_id)
            if again is None or again.bot_refresh_token != spent or time.monotonic() >= deadline:
                return again.bot_token if again else None
            time.sleep(REFRESH_POLL_SECONDS)

    def _lock(self, enterprise_id: str | None, team_id: str | None) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault((enterprise_id, team_id), threading.Lock())

    def for_team(self, team: Team) -> str | None:
        """The token for a team's letters: an org-wide install's team is the org itself (bot/state/team.py)."""
        org_wide = team.enterprise_id is not None and team.id == team.enterprise_id
        return self.bot_token(enterprise_id=team.enterprise_id, team_id=None if org_wide else team.id)

    def _find(self, enterprise_id: str | None, team_id: str | None) -> Bot | None:
        own = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False)
        if own is not None or enterprise_id is None:
            return own
        return self.store.find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
