"""CPU per /define hit in this process: the bot's app.dispatch against a bare Bolt app's, same requests.

process_time() counts every thread of the process, so work done on Bolt's listener pool counts too.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.app import create_app

from .serving import BOT_TOKEN, SIGNING_SECRET


def command_body(text: str, user: str) -> str:
    return urllib.parse.urlencode(
        {
            "team_id": "T0001",
            "channel_id": "C0001",
            "user_id": user,
            "command": "/define",
            "text": text,
            "api_app_id": "A0001",
            "response_url": "http://127.0.0.1:9/respond",
            "trigger_id": "trigger-1",
        }
    )


def signed(body: str) -> BoltRequest:
    ts = str(int(time.time()))
    sig = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [ts],
        "x-slack-signature": [sig],
    }
    return BoltRequest(body=body, headers=headers)


def cpu_per_hit(terms_dir: Path, data_dir: Path, api_url: str, names: list[str], n: int = 2000) -> dict[str, float]:
    settings = Settings(
        glossary_dir=terms_dir,
        data_dir=data_dir,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        reload_seconds=0,
    )
    runtime = Runtime.open(settings)
    client = WebClient(token=BOT_TOKEN, base_url=api_url)
    ours = create_app(settings, runtime, client=client)
    bare = App(client=client, signing_secret=SIGNING_SECRET)

    @bare.command("/define")
    def only_ack(ack):  # type: ignore[no-untyped-def]
        ack()

    bodies = [command_body(name, f"U{i % 50:07d}") for i, name in enumerate(names)]
    out: dict[str, float] = {}
    for label, app in (("bot", ours), ("bare", bare)):
        for body in bodies[:50]:
            app.dispatch(signed(body))
        requests = [signed(bodies[i % len(bodies)]) for i in range(n)]
        cpu, wall = time.process_time(), time.perf_counter()
        for request in requests:
            response = app.dispatch(request)
            assert response.status == 200, response.body
        out[f"{label}_cpu_ms"] = (time.process_time() - cpu) * 1000 / n
        out[f"{label}_wall_ms"] = (time.perf_counter() - wall) * 1000 / n
    out["own_cpu_ms"] = out["bot_cpu_ms"] - out["bare_cpu_ms"]
    runtime.store.close()
    return out
