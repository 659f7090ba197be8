"""Bolt's OAuth install, set up from Settings: the install page, the redirect, bot-only installations whose
tokens rotate, and what happens when Slack says tokens were revoked or the app uninstalled.

Everything lives in the state database (bot/state/schema.py, revision 0010): installations with their tokens
sealed (store.py), and the install page's one-use `state` values, so any of several web processes behind a
router can answer the redirect of an install another one started.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy import Engine

from ...config import Settings
from ...state.teams import purge_team
from .sealed import Sealer
from .store import SealedInstallationStore, reseal, writing

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install page's link works this long
UNINSTALL_EVENTS = ("tokens_revoked", "app_uninstalled")  # declared in manifest.yml
CACHED = 10_000  # tokens whose auth.test answer is kept; rotation adds one per workspace every 12 hours


def oauth_settings(settings: Settings, engine: Engine, client: WebClient) -> OAuthSettings:
    """Bolt's settings for installing in many workspaces. Opens (and reseals) every stored token first:
    a wrong SLACK_TOKEN_KEYS stops the start here with KeyRefused's line, not at a team's first request."""
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore  # see store.py: only when used

    sealer = Sealer(settings.slack_token_keys)
    resealed = reseal(engine, sealer)
    if resealed:
        log.info("sealed %d installations again with the newest of SLACK_TOKEN_KEYS", resealed)
    store = SealedInstallationStore(settings.slack_client_id, engine, sealer)
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(settings.slack_scopes),
        user_scopes=[],  # bot-only: the bot never acts as a person
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.token_rotation_minutes,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=writing(engine), logger=log),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    # Bolt's own authorize refreshes rotating tokens with a client of its own, aimed at slack.com whatever
    # SLACK_API_URL says; this one refreshes through ours (a proxy, GovSlack, the tests' fake Slack).
    oauth.authorize = SharedRefreshAuthorize(
        logger=log,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=settings.token_rotation_minutes,
        installation_store=store,
        bot_only=True,
        client=client,
        cache_enabled=True,
    )
    return oauth


class SharedRefreshAuthorize(InstallationStoreAuthorize):
    """Bolt's authorize, asked twice when it finds nothing. Several processes share the installations: when two
    refresh one token at once, Slack honours the refresh token once and Bolt gives up in the other (no token, the
    request unanswered). By then the winner has stored the new pair, which the second look finds, fresh.

    With its cache on, an answer costs one read of the store and no auth.test (a Web API round trip on every
    request otherwise, before the ack). The cache is keyed by token and the token is read from the store first, so
    a deleted install finds nothing whatever is cached; a rotated token is a new key, and CACHED caps the old ones."""

    def __call__(self, **kwargs: Any) -> AuthorizeResult | None:
        if len(self.authorize_result_cache) > CACHED:
            self.authorize_result_cache.clear()
        return super().__call__(**kwargs) or super().__call__(**kwargs)


class Uninstalls:
    """tokens_revoked and app_uninstalled: the tokens deleted (a reinstall stores new ones), and with
    UNINSTALL_DATA=delete the team's rows too. An org-wide install is stored without a team id, so its
    tokens are found by the org's id alone, whichever workspace's id the event carries."""

    def __init__(self, settings: Settings, engine: Engine, store: InstallationStore):
        self.engine = engine
        self.store = store
        self.purge = settings.uninstall_data == "delete"

    def register(self, app: App) -> None:
        revoked, uninstalled = UNINSTALL_EVENTS
        app.event(revoked)(self.tokens_revoked)
        app.event(uninstalled)(self.app_uninstalled)

    def tokens_revoked(self, event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tokens", {}).get("bot"):
            enterprise_id, team_id = self._where(context)
            self.store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
            self.store.delete_installation(enterprise_id=enterprise_id, team_id=team_id)
            log.info("tokens revoked for %s: deleted", team_id or enterprise_id)

    def app_uninstalled(self, context: BoltContext) -> None:
        enterprise_id, team_id = self._where(context)
        self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        log.info("uninstalled from %s: tokens deleted", team_id or enterprise_id)
        if self.purge:
            deleted = purge_team(self.engine, team_id=team_id, enterprise_id=enterprise_id)
            log.info("UNINSTALL_DATA=delete: removed %s", deleted or "no rows")

    @staticmethod
    def _where(context: BoltContext) -> tuple[str | None, str | None]:
        if context.is_enterprise_install:
            return context.enterprise_id, None
        return context.enterprise_id, context.team_id
