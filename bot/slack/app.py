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
from ..runtime import Runtime
from . import router
from .assistant import handlers as assistant_handlers
from .browse import handlers as browse_handlers
from .cards import buttons, explain_shortcut
from .feedback import handlers as feedback_handlers
from .home import handlers as home_handlers
from .kit.deps import Deps, deps_of
from .kit.inline import InlineExecutor, answer_inline
from .kit.reviewers import Reviewers
from .outbox import echo as outbox_echo
from .outbox.client import delivery_client
from .outbox.delivery import Delivery
from .requests import filing, hints, triage
from .requests import letters as request_letters
from .requests import pulls as request_pulls
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
) -> App:
    executor = InlineExecutor()
    app = App(
        client=client or make_client(settings),
        signing_secret=settings.slack_signing_secret,
        # Socket Mode requests come over an authenticated websocket and carry no signature.
        request_verification_enabled=not socket_mode,
        process_before_response=process_before_response,
        logger=_bolt_logger(),
        # /define answers run on the request thread (no 10 ms ack poll); everything else on the pool.
        listener_executor=executor,
        ignoring_self_events_enabled=False,  # the same filter, keeping the outbox's echo: KeepEchoes below
    )
    app.use(outbox_echo.KeepEchoes())
    app.error(on_error)
    reviewers = Reviewers(app.client, settings.reviewers)
    register(app, Deps(runtime, reviewers))  # first: its middleware puts Deps in the context
    # One middleware for both (each costs Bolt an argument-injection pass per request); last, since
    # marking the request inline must be the last thing before Bolt picks its listener.
    app.middleware(answer_inline(executor, router.answers_in_ack, before=act_once_per_event))
    # After the retry check: the older assistant container's events are Slack events like any other.
    app.assistant(assistant_handlers.legacy_assistant())
    return app


def register(app: App, deps: Deps) -> None:
    """Every row of every LISTENERS table, each handler handed the bot's Deps through Bolt's context."""

    def hand_over_deps(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 - Bolt's name
        context["deps"] = deps
        next()

    app.middleware(hand_over_deps)
    for module in LISTENER_MODULES:
        for kind, listener_id, handler, *matchers in module.LISTENERS:
            getattr(app, kind)(listener_id, matchers=list(matchers[0]) if matchers else None)(handler)


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

    def stop(self) -> None:
        if self.delivery is not None:
            self.delivery.stop()
        if self.pull_delivery is not None:
            self.pull_delivery.stop()


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
    app = create_app(settings, runtime, client=client, socket_mode=socket_mode)
    if problem := nobody_reviews(settings):
        log.warning(problem)
    delivery = None
    if deliver:
        delivery = Delivery(runtime, delivery_client(settings), request_letters).start()
        atexit.register(delivery.stop)  # a clean stop when the process exits normally
    pulls = None
    if deliver and settings.github_repo:  # changes as pull requests: a worker of their own, for the git host
        pulls = PullDelivery(settings, runtime.store, runtime.outbox, host_from_settings(settings)).start()
        atexit.register(pulls.stop)
    close_requests_on_reload(runtime)
    if watch and settings.reload_seconds > 0:
        runtime.live.watch(settings.reload_seconds)
    if watch:  # a serving bot sends the weekly review digest; the week's lease makes it one instance
        DigestSchedule(app.client, runtime, Reviewers(app.client, settings.reviewers).members).start()
    return Bot(app, runtime, delivery, pulls)


def nobody_reviews(settings: Settings) -> str:
    """The start-up line naming what term requests lack, or "" when someone will see them."""
    if settings.requests_channel or settings.reviewers:
        return ""
    return (
        "term requests reach nobody: set REQUESTS_CHANNEL (a channel id, C0123ABCD) and/or REVIEWERS (user ids, "
        'U0123ABCD); see README "Connect to Slack". Requesters are told their request is kept, unread.'
    )


def close_requests_on_reload(runtime: Runtime) -> None:
    """Requests whose term now exists are published, and their people told (the book queues the DMs): now,
    and at every reload."""

    def publish(_old, new) -> None:
        runtime.requests.publish_matching(new)

    runtime.live.on_change(publish)
    publish(None, runtime.glossary)
