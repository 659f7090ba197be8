"""Which gunicorn workers × threads serve /define best on this machine: each setting beside bare Bolt
served the same way, interleaved, on a warm 10,000-term glossary. Prints a table; for the Procfile.

    python -m bench.workers [--terms 10000] [--settings 1x8,2x4,2x8,3x4] [--work DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.e2e.harness import FakeSlack

from . import serving
from .__main__ import env_for
from .corpus import glossary
from .serve_figures import bodies_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--settings", default="1x8,2x4,2x8,3x4")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "glossary-bench")
    args = parser.parse_args()
    folder = glossary(args.work, args.terms)
    bodies = bodies_for(folder)
    fake = FakeSlack().start()
    env = env_for(args.work / f"data-workers-{args.terms}", folder, fake.api_url)
    print("| workers × threads | bot rps | bare rps | ratio | bot p99 | bare p99 | 100 rps p99 | RSS per worker |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    try:
        for setting in args.settings.split(","):
            workers, threads = (int(x) for x in setting.split("x"))
            bot = serving.Server(serving.BOT_APP, env, workers, threads).start(300)
            bare = serving.Server(serving.BARE_APP, env, workers, threads).start()
            try:
                runs = serving.interleaved({"bot": bot.port, "bare": bare.port}, bodies, 8, 3, args.seconds)
                steady = serving.open_loop(bot.port, bodies, 100, 2 * args.seconds)
                rss = " / ".join(f"{serving.rss_mb(p):.0f}" for p in bot.worker_pids())
                b, r = runs["bot"], runs["bare"]
                print(
                    f"| {workers} × {threads} | {b.rps:.0f} | {r.rps:.0f} | {b.rps / r.rps:.2f}x | {b.p99:.1f} ms "
                    f"| {r.p99:.1f} ms | {steady.p99:.1f} ms | {rss} MB |",
                    flush=True,
                )
            finally:
                bot.stop()
                bare.stop()
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
