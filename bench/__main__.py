"""One benchmark command: every figure of issue 10's targets, each beside its baseline in the same run.

    python -m bench [--quick] [--json FILE] [--work DIR]

Sizes 40, 1,000, 10,000 and 50,000 terms (--quick stops at 10,000). Prints a table, writes JSON.
Absolute times are noisy on a shared machine; the ratios beside the baselines are what to read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.harness import FakeSlack

from . import dispatch_cpu, distinct, lookups, serving
from .corpus import glossary
from .report import table_from

SIZES = (40, 1_000, 10_000, 50_000)
SERVED = (40, 10_000)  # sizes served over HTTP


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 terms and run shorter rounds")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--work", type=Path, help="folder for generated glossaries (kept; default: a temp folder removed)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the Procfile's line)")
    parser.add_argument("--threads", type=int, help="gunicorn threads (default: the Procfile's line)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], help="only these sizes, e.g. 40,1000")
    args = parser.parse_args(argv)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return run(args, args.work)
    # Generated glossaries and their databases reach ~300 MB: gone when the run ends unless --work keeps them.
    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, work: Path) -> int:
    sizes = args.sizes or [s for s in SIZES if not (args.quick and s > 10_000)]
    rounds, seconds = (3, 2.0) if args.quick else (6, 3.0)
    figures: dict[str, object] = {"machine": machine(), "command": " ".join(["python -m bench", *sys.argv[1:]])}
    fake = FakeSlack().start()
    began = time.perf_counter()
    try:
        for size in sizes:
            print(f"… {size} terms", file=sys.stderr, flush=True)
            found = lookups.measure(work, size, 300 if args.quick else 600)
            figures[f"lookup_{size}"] = found
            if size == 40:
                folder = glossary(work, size)
                names = _names(folder)
                cpu = dispatch_cpu.cpu_per_hit(folder, work / "cpu-data", fake.api_url, names)
                figures["cpu_40"] = cpu
            if size in SERVED:
                served = serve(work, size, fake.api_url, args, rounds, seconds)
                figures[f"served_{size}"] = served
            if size == 10_000:  # issue 20: every text and person new, memory after 20,000 of them
                figures[f"distinct_{size}"] = distinct.measure(
                    work, size, fake.api_url, env_for, args.workers, args.threads, rounds, seconds
                )
            elif size == 50_000:
                cold = start_only(work, size, fake.api_url, args)
                figures[f"start_{size}"] = cold
        print("… ask over MCP HTTP", file=sys.stderr, flush=True)
        from . import bench_mcp_http

        figures["mcp_http"] = bench_mcp_http.measure(100 if args.quick else 300, sdk=False)
    finally:
        fake.stop()
    figures["total_s"] = round(time.perf_counter() - began, 1)
    print(table_from(figures).render(str(figures["machine"]), str(figures["command"])))
    for key in [k for k in figures if k.startswith("distinct_")]:
        print(distinct.table(figures[key]))  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=float))
    return 0


def _names(folder: Path) -> list[str]:
    from bot.glossary.load import load_glossary

    return [t.term for t in load_glossary(folder).terms]


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return f"{platform.system()} {platform.machine()}, {cpus} cores {model}, Python {platform.python_version()}"


def env_for(data_dir: Path, terms: Path, api_url: str, reload_seconds: float = 30) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": serving.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": serving.SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "GLOSSARY_DIR": str(terms),
        "DATA_DIR": str(data_dir),
        "ROLES_FILE": str(serving.ROOT / "data" / "roles.yml"),
        "GLOSSARY_RELOAD_SECONDS": str(reload_seconds),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": "",
    }


def serve(work: Path, size: int, api_url: str, args: argparse.Namespace, rounds: int, seconds: float) -> dict:
    from .serve_figures import served_figures

    return served_figures(work, size, api_url, args.workers, args.threads, rounds, seconds, env_for)


def start_only(work: Path, size: int, api_url: str, args: argparse.Namespace) -> dict:
    from .serve_figures import cold_and_warm

    return cold_and_warm(work, size, api_url, args.workers, args.threads, env_for, timeout=240)


if __name__ == "__main__":
    raise SystemExit(main())
