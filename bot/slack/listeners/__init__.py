"""Listeners, one module per kind of thing Slack sends. Each module declares module-level handlers and one
LISTENERS table of (Bolt decorator name, id, handler); register() adds every row and hands each handler the
bot's Deps through Bolt's context. A handler acks, calls the core, renders and responds: no business rules."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from slack_bolt import App, BoltContext

from ..deps import Deps
from . import actions, browse, commands, events, explain, feedback, home, requests, reviews, triage

# The modules whose LISTENERS tables register() reads; tests/test_manifest.py reads the same list.
MODULES: tuple[ModuleType, ...] = (
    commands,
    events,
    actions,
    requests,
    triage,
    reviews,
    browse,
    home,
    explain,
    feedback,
)


def register(app: App, deps: Deps) -> None:
    def hand_over_deps(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 - Bolt's name
        context["deps"] = deps
        next()

    app.middleware(hand_over_deps)
    for module in MODULES:
        for kind, listener_id, handler in module.LISTENERS:
            getattr(app, kind)(listener_id)(handler)
