"""The benchmark's table: each figure beside its baseline and the target it answers to."""

from __future__ import annotations

import math


def _f(x: object, unit: str = "", digits: int = 2) -> str:
    if isinstance(x, list):
        return " / ".join(_f(v, unit, 0) for v in x)
    if not isinstance(x, (int, float)) or math.isnan(x):
        return "–"
    return f"{x:,.{digits}f}{unit}"


def _faster(ours: object, base: object) -> str:
    """How many times faster than the baseline (baseline time / ours)."""
    if not isinstance(ours, (int, float)) or not isinstance(base, (int, float)) or not ours:
        return "–"
    return f"{base / ours:,.0f}x faster" if base / ours >= 10 else f"{base / ours:.1f}x faster"


def _ratio(a: object, b: object) -> str:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b or math.isnan(a):
        return "–"
    return f"{a / b:.2f}x"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, figure: str, ours: str, base: str = "", ratio: str = "", target: str = "") -> None:
        self.rows.append((figure, ours, base, ratio, target))

    def lookups(self, size: int, f: dict) -> None:
        n = f"{size:,} terms"
        self.add(f"{n}: build (in process)", _f(f["build_s"], " s"), "", "", "")
        if "watching_cpu_ms" in f:
            self.add(
                f"{n}: reload check, files unchanged (watching: CPU per 30 s; set-up once)",
                f"{_f(f['watching_cpu_ms'], ' ms')} ({_f(f['watch_setup_ms'], ' ms')})",
                "",
                "",
                "≤ 20 ms at 10k",
            )
        self.add(f"{n}: full check, files unchanged (5-minute safety net)", _f(f["reload_check_ms"], " ms"))
        self.add(f"{n}: exact hit median", _f(f["exact_median_ms"], " ms", 3), "", "", "≤ 0.05 ms")
        self.add(
            f"{n}: typo median / p99 (vs difflib)",
            f"{_f(f['typo_median_ms'], ' ms')} / {_f(f['typo_p99_ms'], ' ms')}",
            _f(f["typo_difflib_median_ms"], " ms"),
            _faster(f["typo_median_ms"], f["typo_difflib_median_ms"]),
            "≤ 2 ms at 10k, ≤ 10 ms at 50k",
        )
        self.add(
            f"{n}: typo median (vs per-row fuzzy loop)",
            _f(f["typo_median_ms"], " ms"),
            _f(f["typo_rowloop_median_ms"], " ms"),
            _faster(f["typo_median_ms"], f["typo_rowloop_median_ms"]),
        )
        self.add(
            f"{n}: question median / p99 (vs LIKE scan)",
            f"{_f(f['question_median_ms'], ' ms')} / {_f(f['question_p99_ms'], ' ms')}",
            _f(f["question_like_median_ms"], " ms"),
            _faster(f["question_median_ms"], f["question_like_median_ms"]),
            "≤ 10 ms at 10k, ≤ 40 ms at 50k",
        )
        self.add(f"{n}: junk median", _f(f["junk_median_ms"], " ms"))
        if "meaning_lane_median_ms" in f:
            self.add(
                f"{n}: meaning lane alone, embed + rank every term, median / p99",
                f"{_f(f['meaning_lane_median_ms'], ' ms', 3)} / {_f(f['meaning_lane_p99_ms'], ' ms', 3)}",
                "",
                "",
                "≤ 2 ms / ≤ 10 ms at 10k",
            )
            self.add(
                f"{n}: a description (no term named), mention path, lane on vs off, median / p99",
                f"{_f(f['open_question_lane_on_median_ms'], ' ms')} / {_f(f['open_question_lane_on_p99_ms'], ' ms')}",
                f"{_f(f['open_question_lane_off_median_ms'], ' ms')} / {_f(f['open_question_lane_off_p99_ms'], ' ms')}",
                _ratio(f["open_question_lane_on_median_ms"], f["open_question_lane_off_median_ms"]),
            )
            self.add(
                f"{n}: meaning lane vectors in memory; their build",
                f"{_f(f['meaning_vectors_mb'], ' MB', 1)}; {_f(f['meaning_build_s'], ' s')}",
                "",
                "",
                "≤ 100 MB and ≤ 30 s at 10k",
            )

    def cpu(self, f: dict) -> None:
        self.add(
            "40 terms: CPU per /define (app.dispatch; bot − bare = own)",
            f"{_f(f['bot_cpu_ms'], ' ms')} (own {_f(f['own_cpu_ms'], ' ms')})",
            _f(f["bare_cpu_ms"], " ms"),
            _ratio(f["bot_cpu_ms"], f["bare_cpu_ms"]),
            "own ≤ 1 ms",
        )
        self.add(
            "40 terms: wall per /define (app.dispatch)",
            _f(f["bot_wall_ms"], " ms"),
            _f(f["bare_wall_ms"], " ms"),
            _ratio(f["bot_wall_ms"], f["bare_wall_ms"]),
        )

    def mcp_http(self, f: dict) -> None:
        """`ask` over MCP streamable HTTP with a bearer token, beside the same questions answered in process."""
        self.add(
            f"{int(f['terms']):,} terms: `ask` over MCP HTTP with a token, median / p99 (vs in process)",
            f"{_f(f['http_median_ms'], ' ms', 3)} / {_f(f['http_p99_ms'], ' ms', 3)}",
            f"{_f(f['in_process_median_ms'], ' ms', 3)} / {_f(f['in_process_p99_ms'], ' ms', 3)}",
            _ratio(f["http_median_ms"], f["in_process_median_ms"]),
        )

    def start_only(self, size: int, f: dict) -> None:
        n = f"{size:,} terms"
        self.add(f"{n}: start to healthy, cold", _f(f.get("cold_s"), " s"), _f(f.get("bare_s"), " s"), "", "≤ 40 s")
        self.add(f"{n}: start to healthy, warm", _f(f.get("warm_s"), " s"), _f(f.get("bare_s"), " s"))

    def served(self, size: int, f: dict) -> None:
        n = f"{size:,} terms"
        big = size >= 10_000
        self.add(
            f"{n}: start to healthy, cold",
            _f(f.get("cold_s"), " s"),
            _f(f.get("bare_s"), " s"),
            _ratio(f.get("cold_s"), f.get("bare_s")),
            "≤ 8 s" if big else "",
        )
        self.add(
            f"{n}: start to healthy, warm",
            _f(f.get("warm_s"), " s"),
            _f(f.get("bare_s"), " s"),
            _ratio(f.get("warm_s"), f.get("bare_s")),
            "≤ 1.5 s" if big else "",
        )
        if "bot_rps" not in f:
            return
        self.add(
            f"{n}: /define over HTTP, concurrency 8: throughput",
            _f(f["bot_rps"], " rps", 0),
            _f(f["bare_rps"], " rps", 0),
            _ratio(f["bot_rps"], f["bare_rps"]),
            "≥ 0.8x",
        )
        for stat in ("median", "p99"):
            self.add(
                f"{n}: /define over HTTP, concurrency 8: {stat}",
                _f(f[f"bot_{stat}_ms"], " ms"),
                _f(f[f"bare_{stat}_ms"], " ms"),
                _ratio(f[f"bot_{stat}_ms"], f[f"bare_{stat}_ms"]),
                "≤ 1.5x" if stat == "p99" else "",
            )
        self.add(
            f"{n}: /define at 100 rps: p99",
            _f(f["bot_100rps_p99_ms"], " ms"),
            _f(f["bare_100rps_p99_ms"], " ms"),
            _ratio(f["bot_100rps_p99_ms"], f["bare_100rps_p99_ms"]),
            "< 100 ms at 10k" if big else "",
        )
        self.add(
            f"{n}: resident memory per worker (master)",
            f"{_f(f['bot_worker_rss_mb'], ' MB')} ({_f(f['bot_master_rss_mb'], ' MB', 0)})",
            _f(f["bare_worker_rss_mb"], " MB"),
            "",
            "≤ 150 MB at 10k" if big else "",
        )
        if "rebuild_p99_during_ms" in f:
            self.add(
                f"{n}: p99 at 100 rps while a rebuild runs (vs just before)",
                f"{_f(f['rebuild_p99_during_ms'], ' ms')} (rebuilt in {_f(f['rebuild_seen_s'], ' s', 1)})",
                _f(f["rebuild_p99_before_ms"], " ms"),
                _ratio(f["rebuild_p99_during_ms"], f["rebuild_p99_before_ms"]),
                "≤ 1.5x",
            )

    def render(self, machine: str, command: str) -> str:
        head = ("figure", "glossary-bot", "baseline", "ratio", "target")
        lines = [f"Machine: {machine}", f"Command: {command}", ""]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(" --- " for _ in head) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def table_from(figures: dict) -> Table:
    """The table for a run's figures (also for a JSON written by an earlier run)."""
    table = Table()
    for key, value in figures.items():
        if not isinstance(value, dict):
            continue
        kind, _, size = key.partition("_")
        if kind == "lookup":
            table.lookups(int(size), value)
        elif kind == "cpu":
            table.cpu(value)
        elif kind == "served":
            table.served(int(size), value)
        elif kind == "start":
            table.start_only(int(size), value)
        elif key == "mcp_http":
            table.mcp_http(value)
    return table


def before_after(before: dict, after: dict) -> str:
    """One table with both runs' figures side by side: figure | before | after | after's baseline | target."""
    old = {row[0]: row for row in table_from(before).rows}
    lines = ["| figure | before | after | baseline (after run) | after vs baseline | target |", "|" + " --- |" * 6]
    for figure, ours, base, ratio, target in table_from(after).rows:
        lines.append(f"| {figure} | {old.get(figure, ('', '–'))[1]} | {ours} | {base} | {ratio} | {target} |")
    return "\n".join(lines)
