"""Pacing the Web API the way Slack's rate tiers allow, so the outbox asks no faster than Slack answers.

Slack limits chat.postMessage to about one message per second per channel (short bursts are tolerated) and the
other methods the worker uses by tier, per workspace. Each (team, method, channel) has a token bucket: a call takes a
token, tokens come back at the method's rate. A 429's Retry-After empties the bucket until it has passed, so
every letter for that channel waits rather than hitting the limit again. One process paces its own calls;
several instances share Slack's budget, and the 429s they then get are handled the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ...state.clock import Clock


@dataclass(frozen=True)
class Tier:
    per_second: float
    burst: float  # calls allowed back to back after a quiet spell
    per_channel: bool  # chat.postMessage's limit is per channel; the tiers' limits are per workspace


# https://api.slack.com/apis/rate-limits: "special" 1/s per channel for posting; Tier 3 ~50/min.
TIERS = {
    "chat.postMessage": Tier(1.0, 3.0, per_channel=True),
    "chat.update": Tier(50 / 60, 5.0, per_channel=False),
    "views.publish": Tier(100 / 60, 10.0, per_channel=False),  # the App Home (home/publisher.py)
}
RETRY_AFTER_CAP = 60.0  # a Retry-After longer than this is not believed: the letter is asked about again then
OTHER = Tier(20 / 60, 3.0, per_channel=False)  # Tier 2, for a method not listed
Bucket = tuple[str, str, str]  # (team id, Web API method, channel): whose call, and which limit it counts against


class Pacer:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        # (team, method, channel) -> (tokens, when they were counted, blocked until): a bucket per limit
        self._buckets: dict[tuple[str, str, str], tuple[float, float, float]] = {}

    def take(self, bucket: Bucket, hold: float) -> float:
        """0.0 once a call may be made now (having waited up to `hold` seconds for its turn); otherwise how long
        until it may, with nothing taken: the caller puts its letter back rather than hold a thread that long."""
        tier, key = _limit(bucket)
        with self._lock:
            now = self.clock.monotonic()
            tokens, counted, blocked = self._buckets.get(key, (tier.burst, now, 0.0))
            tokens = min(tier.burst, tokens + (now - counted) * tier.per_second)
            wait = max(blocked - now, (1.0 - tokens) / tier.per_second if tokens < 1.0 else 0.0)
            if wait > hold:
                self._buckets[key] = (tokens, now, blocked)
                return wait
            self._buckets[key] = (tokens - 1.0, now, blocked)  # below zero: the turn is booked for later
        self.clock.sleep(wait)
        return 0.0

    def block(self, bucket: Bucket, seconds: float) -> None:
        """Slack said 429 with Retry-After: no call for this limit until it has passed (for that team only)."""
        _tier, key = _limit(bucket)
        with self._lock:
            now = self.clock.monotonic()
            _tokens, _counted, blocked = self._buckets.get(key, (0.0, now, 0.0))
            self._buckets[key] = (0.0, now, max(blocked, now + seconds))


def _limit(bucket: Bucket) -> tuple[Tier, tuple[str, str, str]]:
    """The tier of a (team, method, channel) call, and the key of its bucket: one team's limits are its own."""
    team, method, channel = bucket
    tier = TIERS.get(method, OTHER)
    return tier, (team, method, channel if tier.per_channel else "")


def retry_after(headers: Any) -> float | None:
    """Slack's Retry-After in seconds, at most RETRY_AFTER_CAP; None when it sent none (or nonsense)."""
    for name in ("Retry-After", "retry-after"):
        value = (headers or {}).get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            try:
                return min(RETRY_AFTER_CAP, max(0.0, float(value)))
            except ValueError:
                return None
    return None
