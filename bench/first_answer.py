"""The first answer, with no cache to help: CPU per `/define` when every text and every person is new, beside the
same for texts repeated from a small pool, and beside bare Bolt with `process_before_response=True` (no ack poll,
so the bot's own work shows plainly). Also open questions (no term named) through the mention path. In process.

    python -m bench.first_answer [--terms 10000] [--n 2000] [--work DIR]

Distinct texts are made from the glossary's own names: typos (two letters swapped), questions around a name with
a framing word, and open questions of words from the definitions, each text used once, each by a new person (the
repeated pool is a separate set of texts, so no answer it leaves behind helps the distinct run).

Open questions are timed twice: the generated ones above, and the descriptions people wrote by hand for the
bundled glossary (bench/quality/hand, development files), asked of the generated terms. Those are longer, hold
no term's words together, and so go to the any-word search: what a real description costs. They are timed on
their first pass (each common word's doclist read from the index for the first time: postings.py) and again.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers.ask import answer_question
from bot.config import Settings
from bot.glossary.lookup import Glossary
from bot.runtime import Runtime
from bot.slack.app import create_app
from tests.e2e.harness import FakeSlack

from .corpus import glossary
from .dispatch_cpu import command_body, signed
from .quality import hand_labels
from .serving import BOT_TOKEN, SIGNING_SECRET

POOL = 600  # texts of the repeated pool: none of them is among the distinct texts
FRAMES = ("what is {x}", "{x} for execs", "explain {x} to an engineer", "{x}", "whats {x}?", "define {x} eng")


def distinct_texts(names: list[str], prose: list[str], n: int, seed: int = 3) -> list[str]:
    """n different texts: a third typos of names, a third questions around a name, a third open questions."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        kind = len(out) % 3
        name = rng.choice(names)
        if kind == 0 and len(name) > 5:
            i = rng.randrange(1, len(name) - 2)
            text = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        elif kind == 1:
            text = rng.choice(FRAMES).format(x=name)
        else:
            text = "how do we " + " ".join(rng.sample(prose, 4))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def open_questions(g: Glossary, texts: list[str]) -> list[float]:
    """Each text answered as a mention is, nothing kept from one answer to the next: ms each."""
    walls = []
    for text in texts:
        g.forget_answers()
        start = time.perf_counter()
        answer_question(g, text)
        walls.append((time.perf_counter() - start) * 1000)
    return walls


def percentile(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))]


def cpu_per_request(app: App, bodies: list[str]) -> tuple[float, list[float]]:
    requests = [signed(b) for b in bodies]
    walls = []
    cpu = time.process_time()
    for request in requests:
        start = time.perf_counter()
        response = app.dispatch(request)
        walls.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.body
    return (time.process_time() - cpu) * 1000 / len(requests), walls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_answer")
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "glossary-bench")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    folder = glossary(args.work, args.terms)
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            glossary_dir=folder,
            data_dir=Path(tmp),
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            reload_seconds=0,
        )
        runtime = Runtime.open(settings)
        g = runtime.glossary
        names = sorted(t.term for t in g.terms.values())
        prose = sorted({w for t in list(g.terms.values())[:500] for w in t.short_def.lower().split() if w.isalpha()})
        texts = distinct_texts(names, prose, POOL + args.n * 2)
        client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
        ours = create_app(settings, runtime, client=client, process_before_response=True)
        bare = App(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)

        @bare.command("/define")
        def only_ack(ack):  # type: ignore[no-untyped-def]
            ack()

        pool = [command_body(t, f"UPOOL{i % 50:04d}") for i, t in enumerate(texts[:POOL])]
        distinct = [command_body(t, f"UNEW{i:07d}") for i, t in enumerate(texts[POOL : POOL + args.n])]
        for app in (ours, bare):
            cpu_per_request(app, pool[:50])
        figures = {}
        for label, app, bodies in (
            ("bare Bolt (process_before_response)", bare, distinct),
            ("bot, repeated pool of 600", ours, [pool[i % len(pool)] for i in range(args.n)]),
            ("bot, every text and person new", ours, distinct),
        ):
            figures[label] = cpu_per_request(app, bodies)
        open_q = [t for t in texts[POOL + args.n :] if t.startswith("how do we")][:300]
        walls = open_questions(g, open_q)
        described = [
            q["query"] for q in hand_labels("bundled", "dev") if q["category"] in ("describe", "misconception")
        ]
        described_walls = [open_questions(g, described) for _ in range(2)]
        runtime.store.close()
    fake.stop()
    print(f"{args.terms} terms, {args.n} /define requests each, in process")
    for label, (cpu, walls_) in figures.items():
        print(
            f"{label:38} CPU {cpu:6.3f} ms/request   wall median {statistics.median(walls_):6.3f}   "
            f"p99 {percentile(walls_, 0.99):6.3f} ms"
        )
    bare_cpu = figures["bare Bolt (process_before_response)"][0]
    print(f"own CPU above bare Bolt, every text new: {figures['bot, every text and person new'][0] - bare_cpu:.3f} ms")
    print(
        f"open question through the mention path (n={len(walls)}): median {statistics.median(walls):.3f} ms"
        f"   p99 {percentile(walls, 0.99):.3f} ms"
    )
    for label, w in zip(("first pass", "second pass"), described_walls, strict=True):
        print(
            f"hand-written descriptions as open questions, {label} (n={len(w)}): median {statistics.median(w):.3f} ms"
            f"   p99 {percentile(w, 0.99):.3f} ms"
        )


if __name__ == "__main__":
    main()
