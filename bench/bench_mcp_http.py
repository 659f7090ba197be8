"""`ask` over MCP streamable HTTP with a bearer token, beside the same question answered in process. Prints
figures; is no test.

    python bench/bench_mcp_http.py              # 300 calls each, bundled glossary
    python bench/bench_mcp_http.py --calls 50   # quicker

The HTTP side is the real app (`bot.mcp.server.http_app`, static MCP_TOKEN) under uvicorn on loopback, over one
streamable-HTTP session: JSON-RPC, the bearer check, argument validation and the output-schema check are all in
the figure. It is measured twice: with the official SDK client, and with plain urllib posting the same JSON-RPC.
On the machine this was written on, httpx2 (the SDK client's HTTP library) adds a flat ~44 ms to every request
on loopback, a bare uvicorn "ok" included, where urllib takes under 1 ms: the urllib figure is the server's.
The in-process side is `answer_question`, what mentions use.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402
import uvicorn  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from bot.answers.ask import answer_question  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.mcp.server import build_server, http_app  # noqa: E402
from bot.runtime import Runtime  # noqa: E402

QUESTIONS = ["what is RAG for execs?", "LoRA", "RAG vs fine-tuning", "what does hallucination mean", "quokka"]
TOKEN = "bench-token-not-secret"


def figures(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


def serve(runtime: Runtime) -> tuple[uvicorn.Server, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = http_app(build_server(runtime), runtime, "127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"


async def over_http(url: str, calls: int) -> list[float]:
    taken = []
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        for i in range(calls + 10):
            start = time.perf_counter()
            result = await client.call_tool("ask", {"question": QUESTIONS[i % len(QUESTIONS)]})
            if i >= 10:  # the first calls warm the session and the caches
                taken.append(time.perf_counter() - start)
            assert not result.is_error
    return taken


def over_urllib(url: str, calls: int) -> list[float]:
    """The same calls as plain HTTP posts: initialize, then tools/call ask, each reply read whole (SSE)."""
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
    }

    def post(body: dict) -> tuple[str, dict]:
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.read().decode(), dict(reply.headers)

    init = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
    _, answer_headers = post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init})
    headers.update({"mcp-session-id": answer_headers["mcp-session-id"], "mcp-protocol-version": "2025-11-25"})
    post({"jsonrpc": "2.0", "method": "notifications/initialized"})
    taken = []
    for i in range(calls + 10):
        question = QUESTIONS[i % len(QUESTIONS)]
        start = time.perf_counter()
        body, _ = post(
            {
                "jsonrpc": "2.0",
                "id": i + 1,
                "method": "tools/call",
                "params": {"name": "ask", "arguments": {"question": question}},
            }
        )
        if i >= 10:
            taken.append(time.perf_counter() - start)
        assert '"isError":false' in body.replace(" ", ""), body[:200]
    return taken


def in_process(runtime: Runtime, calls: int) -> list[float]:
    taken = []
    for i in range(calls):
        start = time.perf_counter()
        answer_question(runtime.glossary, QUESTIONS[i % len(QUESTIONS)])
        taken.append(time.perf_counter() - start)
    return taken


def measure(calls: int, *, sdk: bool = True) -> dict[str, float]:
    """Median and p99 (ms) of `ask` over MCP HTTP with a token (plain urllib, and the SDK client unless `sdk` is
    False), and of the same questions answered in process. `python -m bench` reports these."""
    for noisy in ("httpx2", "httpx", "mcp", "bot"):  # a line per request would be part of the figure
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(glossary_dir=ROOT / "data" / "terms", roles_file=ROOT / "data" / "roles.yml")
        runtime = Runtime.open(replace(settings, data_dir=Path(work), mcp_token=TOKEN))
        server, url = serve(runtime)
        try:
            http = anyio.run(over_http, url, calls) if sdk else []
            plain = over_urllib(url, calls)
        finally:
            server.should_exit = True
        local = in_process(runtime, calls)
        terms = len(runtime.glossary)
        runtime.close()
    out = {"terms": float(terms), "calls": float(calls)}
    for name, samples in (("http", plain), ("sdk", http), ("in_process", local)):
        if samples:
            ordered = sorted(samples)
            out[f"{name}_median_ms"] = statistics.median(ordered) * 1000
            out[f"{name}_p99_ms"] = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    f = measure(args.calls)
    n = int(f["terms"])
    for name, label in (("sdk", "SDK client"), ("http", "urllib"), ("in_process", "in process (answer_question)")):
        print(
            f"ask {'over MCP HTTP (token), ' if name != 'in_process' else ''}{label}, {n} terms, {args.calls} calls: "
            f"median {f[name + '_median_ms']:.3f} ms, p99 {f[name + '_p99_ms']:.3f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
