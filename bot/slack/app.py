"""The running bot, built in one place for every way it is served.

build_bot() is the one start-up path: the WSGI app (bot/http/web.py) and Socket Mode (bot/http/serve.py) both call it.
create_app() makes the Bolt app, its client and its listeners. Nothing happens at import time.
"""

from __future__ import annotations

import atexit
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from ..config import Settings
from ..pulls.delivery import PullDelivery, host_from_settings
from ..pulls.polling import PullPoller
from ..runtime import Runtime
from ..state.team import Team
from ..term_requests.rules import PERSON_MAX
from . import router
from .assistant import handlers as assistant_handlers
from .browse import handlers as browse_handlers
from .cards import buttons, explain_shortcut
from .feedback import handlers as feedback_handlers
from .home import handlers as home_handlers
from .home import settings as home_settings
from .home.publisher import HomePublisher, home_publisher
from .install.oauth import Uninstalls, oauth_settings
from .install.tokens import TeamTokens
from .kit.deps import Deps, deps_of, team_of
from .kit.inline import InlineExecutor, answer_inline
from .kit.reviewers import Reviewers
from .outbox import echo as outbox_echo
from .outbox.client import delivery_client
from .outbox.delivery import Delivery
from .requests import filing, hints, triage
from .requests import letters as request_letters
from .requests import pulls as request_pulls
from .requests.messages import ID_REFUSED, refused_view
from .reviews import handlers as review_handlers
from .reviews.schedule import DigestSchedule
from .steps import handlers as step_handlers
from .unfurls import handlers as unfurl_handlers
from .unfurls import sharing

log = logging.getLogger(__name__)
# The modules whose LISTENERS tables register() reads, one per thing a feature answers: each declares
# module-level handlers and one table of (Bolt decorator name, id, handler). A handler acks, calls the core,
# renders and responds: no business rules. tests/test_manifest.py reads the same list.
LISTENER_MODULES: tuple[ModuleType, ...] = (
    router,
    buttons,
    filing,
    hints,
    triage,
    review_handlers,
    browse_handlers,
    home_handlers,
    home_settings,
    explain_shortcut,
    feedback_handlers,
    assistant_handlers,
    unfurl_handlers,
    sharing,
    step_handlers,
    request_pulls,
    outbox_echo,
)
SORRY = "Sorry, something went wrong on my side while answering that. It has been logged; please try again shortly."
LISTENER_TIMEOUT = 2  # seconds: views.open must land within 3 s of the click, and a listener never waits longer


def make_client(settings: Settings) -> WebClient:
    """The listeners' Web API client; SLACK_API_URL points it elsewhere (a proxy, GovSlack, a test's fake Slack).

    Listeners make only calls that cannot wait for the outbox (views.open, a user group's members): a short
    timeout and no waiting out a rate limit, so a slow Slack never holds a listener thread for long. Everything
    else goes through the outbox, whose worker has its own client (client.delivery_client)."""
    return WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        timeout=LISTENER_TIMEOUT,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )


class _NoTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and, given our client (which carries that token
    and SLACK_API_URL), warns at every start that "`token` will be unused": true, harmless, and alarming."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _NoTokenSkippedWarning) for f in logger.filters):
        logger.addFilter(_NoTokenSkippedWarning())
    return logger


def create_app(
    settings: Settings,
    runtime: Runtime,
    *,
    client: WebClient | None = None,
    socket_mode: bool = False,
    process_before_response: bool = False,  # True only for benchmarks and FaaS; a server keeps it off
    reviewers: Reviewers | None = None,
    homes: HomePublisher | None = None,  # the Home's publisher (drawing with `reviewers`); its own when not given
) -> App:
    executor = InlineExecutor()
    client = client or make_client(settings)
    # Several workspaces (SLACK_SCOPES): each request's token comes from its installation, not SLACK_BOT_TOKEN.
    oauth = oauth_settings(settings, runtime.store.engine, client) if settings.oauth_install else None
    app = App(
        client=client,
        oauth_settings=oauth,
        installation_store_bot_only=True if oauth else None,
        signing_secret=settings.slack_signing_secret,
        # Socket Mode requests come over an authenticated websocket and carry no signature.
        request_verification_enabled=not socket_mode,
        process_before_response=process_before_response,
        logger=_bolt_logger(),
        # /define answers and forms answered in their ack run on the request thread (runs_inline); the rest on the pool.
        listener_executor=executor,
        ignoring_self_events_enabled=False,  # the same filter, keeping the outbox's echo: KeepEchoes below
    )
    app.use(outbox_echo.KeepEchoes())
    app.error(on_error)
    if oauth is not None:
        Uninstalls(settings, runtime.store.engine, oauth.installation_store).register(app)
    # Each request gets these scoped to its workspace (register's middleware); unscoped, the one with settings.
    reviewers = reviewers or Reviewers(app.client, lambda: runtime.effective_settings().reviewers)
    if oauth is not None:  # a workspace's user groups are read with its own token (kit/reviewers.py)
        reviewers.tokens = TeamTokens(settings, oauth.installation_store, client)
    if homes is None:
        homes = home_publisher(app.client, runtime, reviewers)
    register(app, Deps(runtime, reviewers, homes=homes))  # first: its middleware puts Deps in the context
    # One middleware for both (each costs Bolt an argument-injection pass per request); last, since
    # marking the request inline must be the last thing before Bolt picks its listener.
    app.middleware(answer_inline(executor, runs_inline, before=first_checks))
    # After the retry check: the older assistant container's events are Slack events like any other.
    app.assistant(assistant_handlers.legacy_assistant())
    return app


def register(app: App, deps: Deps) -> None:
    """Every row of every LISTENERS table, each handler handed the bot's Deps through Bolt's context."""

    by_team: dict[tuple[Team | None, str | None, str | None], Deps] = {}  # one Deps per workspace, made once

    def hand_over_deps(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 - Bolt's name
        # Scoped to the workspace the request came from: its rows (the team), its glossary, reviewers and settings.
        team = team_of(context)
        key = (team, context.team_id, context.enterprise_id)
        bound = by_team.get(key) or by_team.setdefault(
            key, deps.for_request(team, context.team_id, context.enterprise_id)
        )
        context["deps"] = bound  # every row a listener reads or writes is this team's
        next()

    app.middleware(hand_over_deps)
    for module in LISTENER_MODULES:
        for kind, listener_id, handler, *matchers in module.LISTENERS:
            getattr(app, kind)(listener_id, matchers=list(matchers[0]) if matchers else None)(handler)


def runs_inline(body: dict[str, Any]) -> bool:
    """Whether this request's listener runs on the request thread (kit/inline.py): a /define answered in its ack,
    every form submission and every type-ahead menu. Slack takes a form's answer (its errors, its next view, or
    closing it) and a menu's options only in the HTTP reply, so each of these listeners ends with its ack, and
    what it sends after (a Home redrawn, a post, a DM) is queued, never called from here. On the pool they gain
    nothing but Bolt's 10 ms ack poll and its 3 s cut-off, after which a slow moment's correct answer was thrown
    away and Slack told "unhandled" (a 404): a triage form failed that way on a loaded CI run."""
    kind = body.get("type")
    if kind in ("view_submission", "block_suggestion"):
        return True
    return router.answers_in_ack(body)


def first_checks(body: dict[str, Any], context: BoltContext) -> BoltResponse | None:
    return refuse_overlong_person(body, context) or act_once_per_event(body, context)


def refuse_overlong_person(body: dict[str, Any], context: BoltContext) -> BoltResponse | None:
    """A person id longer than the state database keeps (PERSON_MAX; Slack's are about 11 characters) is refused
    before any listener runs, so nothing is half-written; a command or a form is told why, in Slack."""
    user = context.user_id or ""
    if len(user) <= PERSON_MAX:
        return None
    log.warning("refused a request from a user id of %d characters (at most %d are kept)", len(user), PERSON_MAX)
    text = f"Your Slack user id has {len(user)} characters; this bot keeps ids of at most {PERSON_MAX}. {ID_REFUSED}"
    if body.get("command"):
        answer: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    elif body.get("type") == "view_submission":
        answer = {"response_action": "update", "view": refused_view(text)}
    else:
        return BoltResponse(status=200, body="")
    return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json;charset=utf-8"})


def act_once_per_event(body: dict[str, Any], context: BoltContext) -> BoltResponse | None:
    """Slack retries an event it thinks went unanswered; the state database remembers event ids.

    A response here stops the request (already handled); None lets it through."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if (body.get("event") or {}).get("type") == outbox_echo.ECHO:  # idempotent: no event id kept
        outbox_echo.store(body, deps_of(context).runtime)  # before the ack: a failure is a 500 Slack retries
        return BoltResponse(status=200, body="")
    if event_id and not deps_of(context).runtime.store.claim_event(event_id):
        log.info("event %s already handled; ignoring Slack's retry", event_id)
        return BoltResponse(status=200, body="")
    return None


def on_error(error: Exception, body: dict[str, Any], response: BoltResponse | None) -> None:
    kind = body.get("type") or ("command" if body.get("command") else "unknown")
    log.error("listener failed on a %s request: %r", kind, error, exc_info=error)
    if response is not None and body.get("command"):
        # Not acked yet: tell the person plainly, instead of Slack's "dispatch_failed".
        response.status = 200
        response.body = json.dumps({"response_type": "ephemeral", "text": SORRY})
        response.headers["content-type"] = ["application/json;charset=utf-8"]


@dataclass(frozen=True)
class Bot:
    """A Bolt app wired to its runtime and its outbox's delivery worker; stop() ends the worker cleanly."""

    app: App
    runtime: Runtime
    delivery: Delivery | None = field(default=None, compare=False)
    pull_delivery: PullDelivery | None = field(default=None, compare=False)  # set when GITHUB_REPO is
    pull_poller: PullPoller | None = field(default=None, compare=False)  # and GITHUB_POLL_SECONDS is not 0
    homes: HomePublisher | None = field(default=None, compare=False)

    def stop(self) -> None:
        if self.homes is not None:
            self.homes.stop()
        if self.delivery is not None:
            self.delivery.stop()
        if self.pull_delivery is not None:
            self.pull_delivery.stop()
        if self.pull_poller is not None:
            self.pull_poller.stop()


def build_bot(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    client: WebClient | None = None,
    socket_mode: bool = False,
    watch: bool = True,
    deliver: bool = True,
) -> Bot:
    """Open the glossary and state (unless given a runtime), build the app, start the outbox's delivery
    worker, publish the requests the glossary now answers, and watch the term files when
    GLOSSARY_RELOAD_SECONDS asks for it. deliver=False: no worker (another process delivers)."""
    runtime = runtime or Runtime.open(settings)
    client = client or make_client(settings)
    # The workspace's reviewers as set on the Home, else REVIEWERS (each request scopes them to its workspace).
    reviewers = Reviewers(client, lambda: runtime.effective_settings().reviewers)
    homes = home_publisher(client, runtime, reviewers)  # kept here to be stopped with the bot
    app = create_app(settings, runtime, client=client, socket_mode=socket_mode, reviewers=reviewers, homes=homes)
    if problem := nobody_reviews(settings):
        log.warning(problem)
    delivery = None
    if deliver:
        # With OAuth installs each letter goes with its team's token (create_app set them), never SLACK_BOT_TOKEN.
        tokens = reviewers.tokens.for_team if isinstance(reviewers.tokens, TeamTokens) else None
        delivery = Delivery(runtime, delivery_client(settings), request_letters, tokens=tokens).start()
        atexit.register(delivery.stop)  # a clean stop when the process exits normally
    pulls = poller = None
    if deliver and settings.github_repo:  # changes as pull requests: a worker of their own, for the git host
        pulls = PullDelivery(settings, runtime.store, runtime.outbox, host_from_settings(settings)).start()
        atexit.register(pulls.stop)
        if settings.github_poll_seconds > 0:  # followed back by polling, without (or beside) the webhook
            host = host_from_settings(settings)  # a client of its own: the two threads never share one
            poller = PullPoller(runtime.pulls.ledger, host, runtime.webhook, settings.github_poll_seconds).start()
            atexit.register(poller.stop)
    close_requests_on_reload(runtime)
    if watch and settings.reload_seconds > 0:
        runtime.live.watch(settings.reload_seconds)
        runtime.glossaries.watch(settings.reload_seconds)  # each workspace's own glossary (GLOSSARIES)
    if watch:  # a serving bot sends the weekly review digest; the week's lease makes it one instance
        groups = Reviewers(app.client, settings.reviewers)  # only the owners' groups: a team's read with its token
        groups.tokens = reviewers.tokens
        DigestSchedule(
            app.client, runtime, groups.members, members_of=lambda view: groups.of_team(view.team).members
        ).start()
    return Bot(app, runtime, delivery, pulls, poller, homes)


def nobody_reviews(settings: Settings) -> str:
    """The start-up line naming what term requests lack, or "" when someone will see them."""
    if settings.requests_channel or settings.reviewers:
        return ""
    return (
        "term requests reach nobody until a workspace admin picks a requests channel or reviewers under Settings on "
        "the bot's Home, or REQUESTS_CHANNEL (a channel id, C0123ABCD) and/or REVIEWERS (user ids, U0123ABCD) are "
        'set; see README "Connect to Slack". Requesters are told their request is kept, unread.'
    )


def close_requests_on_reload(runtime: Runtime) -> None:
    """Requests whose term now exists are published, and their people told (the book queues the DMs): now,
    and at every reload."""

    def publish(_old, new) -> None:
        for team in runtime.every_team():  # each team's requests, each told in its own team
            team.requests.publish_matching(new)

    runtime.live.on_change(publish)
    publish(None, runtime.glossary)
