"""POST /github/webhook: GitHub's pull request events, checked and handed to the core (bot/pulls/webhook.py).

404 while GITHUB_WEBHOOK_SECRET is not set (the endpoint does not exist until it is), 401 for a missing or wrong
signature, 400 for a body that is not JSON, 413 over the size limit, 200 otherwise (GitHub only needs to know it
arrived; a replayed delivery is answered 200 and does nothing).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..pulls.webhook import Webhook, signature_ok
from . import inbound

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/github/webhook"
MAX_BODY = 2_000_000  # a pull request event is tens of kilobytes; GitHub caps payloads at 25 MB


def handle(
    environ: dict[str, Any], secret: str, webhook: Webhook, plain: Callable[[int], Iterable[bytes]]
) -> Iterable[bytes]:
    if not secret:
        return plain(404)
    try:
        raw = inbound.read_body(environ, MAX_BODY)
    except inbound.Refused as refused:
        return plain(refused.status)
    if not signature_ok(secret, raw, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
        log.warning("refused a GitHub webhook from %s: bad signature", environ.get("REMOTE_ADDR", "?"))
        return plain(401)
    try:
        payload = json.loads(raw)
    except ValueError:
        return plain(400)
    if not isinstance(payload, dict):
        return plain(400)
    event = environ.get("HTTP_X_GITHUB_EVENT", "")
    outcome = webhook.receive(environ.get("HTTP_X_GITHUB_DELIVERY", ""), event, payload)
    log.info("GitHub %s event: %s", event[:40], outcome)
    return plain(200)
