"""Newcomer rough edges (issue 19): the test command's summary is not buried under SKIPPED lines, and
`python -m bench` leaves nothing in the temp folder and writes its results where git ignores them."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from paths import ROOT


def test_the_test_summary_lists_failures_and_errors_not_every_skip():
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    report = next(o for o in addopts.split() if o.startswith("-r"))
    assert set(report[2:]) <= set("fE"), f"{report}: skips and passes would bury the summary"
    assert "skipped" in (ROOT / ".ci" / "run").read_text(), "CI still refuses any skipped test"


def test_bench_removes_its_generated_glossaries_when_it_ends(monkeypatch):
    import bench.__main__ as bench_main

    used: list[Path] = []

    def run(args, work):
        (work / "glossary-50000").mkdir()
        (work / "glossary-50000" / "big.db").write_bytes(b"x" * 1000)
        used.append(work)
        return 0

    monkeypatch.setattr(bench_main, "run", run)
    assert bench_main.main(["--quick"]) == 0
    assert used and not used[0].exists()


def test_bench_results_file_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", "bench/results.json"], cwd=ROOT, check=False)
    assert done.returncode == 0
