"""Sending what is due now on the calling thread, for a command that runs without a server (`reviews send`)."""

from __future__ import annotations

from slack_sdk import WebClient

from ...runtime import Runtime
from .delivery import Delivery
from .letters import Drawing


def deliver_pending(runtime: Runtime, client: WebClient, drawing: Drawing, *, limit: int = 1000) -> int:
    """Send the letters due now on this thread, for a command that runs without a server (`reviews send`):
    what fails stays in the outbox for a serving bot's worker to retry. Returns how many were tried."""
    delivery = Delivery(runtime, client, drawing, threads=0)
    tried = 0
    while tried < limit and delivery.deliver_one():
        tried += 1
    return tried
