"""Logging set-up for the server: one format, and secrets masked wherever they might appear."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

LOG_EVERY = 10.0  # seconds between two lines of one RateLimitedLog, however many events came between
_TOKEN = re.compile(r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    """Masks Slack tokens by shape, and the exact configured secrets, in every record's final text."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _TOKEN.sub("[redacted]", message)
        for secret in self.secrets:
            clean = clean.replace(secret, "[redacted]")
        if clean != message:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class RateLimitedLog:
    """One warning per `every` seconds at most; the lines skipped in between are counted into the next one."""

    def __init__(self, logger: logging.Logger, every: float = LOG_EVERY, clock: Any = time.monotonic) -> None:
        self.logger, self.every, self.clock = logger, every, clock
        self.last = float("-inf")
        self.pending = 0

    def warn(self, message: str, *args: object) -> bool:
        self.pending += 1
        now = self.clock()
        if now - self.last < self.every:
            return False
        self.logger.warning(message + " (%d since the last such line)", *args, self.pending)
        self.last, self.pending = now, 0
        return True
