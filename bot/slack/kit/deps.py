"""What every listener needs from the running bot, handed over in Bolt's context by one middleware."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...runtime import Runtime
from .locale import Locales
from .reviewers import Reviewers


class HomeQueue(Protocol):
    """Where a listener asks for a person's Home to be published (home/publisher.py), instead of publishing it."""

    def request(self, user_id: str, state: Any) -> None: ...


@dataclass(frozen=True)
class Deps:
    runtime: Runtime
    reviewers: Reviewers
    locales: Locales = field(default_factory=Locales)  # each person's Slack language, for cards
    homes: HomeQueue | None = None  # None: a listener called directly publishes the Home itself


def deps_of(context: Mapping[str, Any]) -> Deps:
    return context["deps"]


# One row of a listener module's registration table: (Bolt decorator name, id, handler), and optionally the
# matchers Bolt checks first, when two features answer one event type (app_home_opened: the Home tab for home/,
# the agent DM for assistant/). Kinds: "command", "action", "view", "options", "shortcut", "event", "function".
Matcher = Callable[..., bool]
Listener = (
    tuple[str, str | re.Pattern[str], Callable[..., Any]]
    | tuple[str, str | re.Pattern[str], Callable[..., Any], tuple[Matcher, ...]]
)
