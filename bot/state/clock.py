"""The outbox's sense of time: wall time for due dates, a monotonic clock for pacing, and sleeping.

Production runs on `Clock()`, which is plain time. Tests and the bench pass a faster one (`Clock(scale=60)`: a
minute passes every real second), so an hour-long Slack outage or a minute of rate limits plays out in seconds
while every part (the state database's due times, the pacing, the fake Slack's own limits) agrees on the time.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clock:
    scale: float = 1.0  # clock seconds per real second
    _wall: float = field(default_factory=time.time)
    _mono: float = field(default_factory=time.monotonic)

    def monotonic(self) -> float:
        return self._mono + (time.monotonic() - self._mono) * self.scale

    def now(self) -> dt.datetime:
        if self.scale == 1.0:
            return dt.datetime.now(dt.UTC)
        return dt.datetime.fromtimestamp(self._wall + (time.monotonic() - self._mono) * self.scale, dt.UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.scale)

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """event.wait for `seconds` of this clock's time."""
        return event.wait(max(0.0, seconds) / self.scale)

    def real(self, seconds: float) -> float:
        """Clock seconds as real seconds (socket timeouts are real)."""
        return seconds / self.scale
