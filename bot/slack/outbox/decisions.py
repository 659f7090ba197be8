"""What a try of a letter may decide instead of sending: not yet, not in this lease, not before
Slack's echo, not with this team's token.
None of them is a failure Slack gave: the delivery worker (delivery.py) puts the letter back accordingly."""

from __future__ import annotations

import datetime as dt


class Later(Exception):  # noqa: N818 - a decision, not a failure
    """Not yet: try again after `delay` seconds without counting a try (a redraw waiting for its post, a channel
    waiting for its turn)."""

    def __init__(self, delay: float, reason: str | None = None) -> None:
        super().__init__(f"waiting {delay}s")
        self.delay = delay
        self.reason = reason


class AwaitEcho(Exception):  # noqa: N818 - a decision, not a failure
    """An earlier try may have posted this letter and no landing is stored yet: wait for Slack's echo until `until`."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"waiting for Slack's echo until {until:%H:%M:%S}")
        self.until = until


class OutOfTime(Exception):  # noqa: N818 - a decision, not a failure
    """The lease is nearly over: another worker may claim the letter now, so this one must not call Slack."""


class NotInstalled(Exception):  # noqa: N818 - a decision, not a failure
    """The letter's team has no bot token (tokens revoked, the app uninstalled): never sent with another's."""
