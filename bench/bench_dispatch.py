"""A signed /define hit through the glossary bot vs a bare Bolt app that only acks. Prints figures; no test.

    python -m bench.bench_dispatch [--n 2000]      # from the repository root

Both apps run in this process, verify the same signature and get the same requests, interleaved so that
drift hits both alike. The ratio is what to read. Two settings are measured:
- production (process_before_response off): what Slack sees. Bolt's request thread polls for the ack
  every 10 ms, which dominates both apps' figures;
- inline (process_before_response on): the same work without that polling, so the cost of the lookup,
  the preference read and the rendering shows plainly.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.app import create_app
from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body
from tests.paths import BUNDLED_ROLES, BUNDLED_TERMS

QUERIES = [
    "fine-tuning",
    "RAG",
    "lora exec",
    "hallucination",
    "kv cache",
    "engineer quantization",
    "prompt engineering",
]


def signed(body: str) -> BoltRequest:
    ts = str(int(time.time()))
    sig = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    return BoltRequest(
        body=body,
        headers={
            "content-type": ["application/x-www-form-urlencoded"],
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [sig],
        },
    )


def percentile(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            glossary_dir=BUNDLED_TERMS,
            roles_file=BUNDLED_ROLES,
            data_dir=Path(tmp),
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
        )
        runtime = Runtime.open(settings)
        client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
        bodies = [command_body(q, user=f"U{i % 50:07d}") for i, q in enumerate(QUERIES * 10)]
        results = {}
        for mode, inline in (("production", False), ("inline", True)):
            ours = create_app(settings, runtime, client=client, process_before_response=inline)
            bare = App(client=client, signing_secret=SIGNING_SECRET, process_before_response=inline)

            @bare.command("/define")
            def only_ack(ack):
                ack()

            results[mode] = run(ours, bare, bodies, args.n)
        runtime.store.close()
    fake.stop()
    for mode, times in results.items():
        print(f"-- {mode}")
        for name, samples in times.items():
            print(
                f"{name:13} median {statistics.median(samples):7.3f} ms   p99 {percentile(samples, 0.99):7.3f} ms"
                f"   (n={len(samples)})"
            )
        ratio_median = statistics.median(times["glossary-bot"]) / statistics.median(times["bare Bolt"])
        ratio_p99 = percentile(times["glossary-bot"], 0.99) / percentile(times["bare Bolt"], 0.99)
        print(f"ratio         median {ratio_median:5.2f}x   p99 {ratio_p99:5.2f}x   (target: at most 1.5x)")


def run(ours: App, bare: App, bodies: list[str], n: int) -> dict[str, list[float]]:
    for app in (ours, bare):  # warm up: first-request authorization, caches
        for body in bodies[:20]:
            assert app.dispatch(signed(body)).status == 200
    times: dict[str, list[float]] = {"glossary-bot": [], "bare Bolt": []}
    for i in range(n):
        body = bodies[i % len(bodies)]
        for name, app in (("glossary-bot", ours), ("bare Bolt", bare)):
            request = signed(body)
            start = time.perf_counter()
            response = app.dispatch(request)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status == 200 and (name == "bare Bolt" or "blocks" in response.body)
    return times


if __name__ == "__main__":
    main()
