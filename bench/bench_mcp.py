"""MCP tool latency through the server, and the scanner at 1,000 and 10,000 terms. Prints figures; is no test.

    python bench/bench_mcp.py                 # define and explain_text x 300, scan x 500
    python bench/bench_mcp.py --calls 50 --scans 100   # quicker

define and explain_text go through the whole server (the SDK's in-memory client: JSON-RPC messages,
argument validation, output-schema check) on the bundled glossary. The scan figure is the scanner alone
on a 4,000-character message, the automaton built beforehand (it is built once per glossary version).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mcp import Client  # noqa: E402
from termfactory import term_data  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.glossary.model import Term, slugify  # noqa: E402
from bot.glossary.scan import Scanner  # noqa: E402
from bot.mcp.server import build_server  # noqa: E402
from bot.runtime import Runtime  # noqa: E402

WORDS = """adaptive sparse dense latent causal contrastive federated hierarchical probabilistic robust
token vector graph memory policy reward gradient attention encoder decoder adapter router cache index
sampler ranker planner critic verifier tokenizer scheduler optimizer evaluator monitor guard filter
shard replica pipeline buffer kernel tensor prompt context window budget drift bias signal label
feature head layer block mixture expert retrieval grounding alignment distillation pruning""".split()
PROSE = """the team met on tuesday and we agreed that the next release should ship after the review of
what we learned last quarter so please read the notes before friday and add anything missing""".split()
MESSAGE_CHARS = 4000


def ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


def generated_terms(count: int, rng: random.Random) -> list[Term]:
    """Terms built from termfactory's valid data, with names like 'sparse router cache' and one alias each."""
    names: set[str] = set()
    while len(names) < count:
        names.add(" ".join(rng.sample(WORDS, rng.choice((2, 3, 3)))))
    terms = []
    for name in sorted(names):
        data = term_data(name)
        terms.append(
            Term(
                slug=slugify(name),
                term=name,
                aliases=("".join(w[0] for w in name.split()).upper() + str(len(terms)),),  # an acronym
                categories=tuple(data["categories"]),
                roles=tuple(data["roles"]),
                part_of_speech=data["part_of_speech"],
                short_def=data["short_def"],
                long_def=data["long_def"],
                exec_framing=data["audiences"]["exec"],
                engineer_framing=data["audiences"]["engineer"],
                examples_do=tuple(data["examples"]["do"]),
                examples_dont=tuple(data["examples"]["dont"]),
            )
        )
    return terms


def message(terms: list[Term], rng: random.Random) -> str:
    """About 4,000 characters of prose naming a term every dozen words or so."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < MESSAGE_CHARS:
        words.append(rng.choice(terms).term if rng.random() < 0.08 else rng.choice(PROSE + WORDS))
    return " ".join(words)[:MESSAGE_CHARS]


def bench_scan(sizes: list[int], scans: int) -> None:
    rng = random.Random(7)
    for size in sizes:
        terms = generated_terms(size, rng)
        started = time.perf_counter()
        scanner = Scanner(terms)
        built = time.perf_counter() - started
        text = message(terms, rng)
        found = len(scanner.scan(text))
        times = []
        for _ in range(scans):
            started = time.perf_counter()
            scanner.scan(text)
            times.append(time.perf_counter() - started)
        print(
            f"scan, {size:>6,} terms ({scanner.size:,} keys, built in {built * 1000:.0f} ms), "
            f"{len(text):,}-char message, {found} terms found: {ms(times)}"
        )


def bench_server(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime.open(Settings(data_dir=Path(tmp)))
        server = build_server(runtime)
        rng = random.Random(11)
        names = [t.term for t in runtime.glossary.terms.values()]
        text = message(list(runtime.glossary.terms.values()), rng)

        async def main() -> None:
            async with Client(server) as client:
                await client.call_tool("explain_text", {"text": "warm up"})  # builds the automaton once
                for tool, make in (
                    ("define", lambda: {"term": rng.choice(names)}),
                    ("explain_text", lambda: {"text": text}),
                ):
                    times = []
                    for _ in range(calls):
                        arguments = make()
                        started = time.perf_counter()
                        result = await client.call_tool(tool, arguments)
                        times.append(time.perf_counter() - started)
                        assert not result.is_error
                    print(f"{tool} through the server ({len(runtime.glossary)} terms): {ms(times)}")

        anyio.run(main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="tool calls per tool")
    parser.add_argument("--scans", type=int, default=500, help="scans per glossary size")
    parser.add_argument("--sizes", default="1000,10000", help="glossary sizes for the scan figure")
    args = parser.parse_args()
    bench_server(args.calls)
    bench_scan([int(s) for s in args.sizes.split(",")], args.scans)


if __name__ == "__main__":
    main()
