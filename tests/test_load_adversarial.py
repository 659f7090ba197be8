"""Mutated real term files -> that file's errors, never a crash, a hang or a memory blow-up (issue 9, Build 6).

The mutations (truncations, byte flips, spliced lines, deep nesting, huge scalars, tags, anchors and
aliases, binary junk) come from fixed seeds over the bundled files; adversarial_files.py runs them in a
child process under a memory limit, with a generous per-file alarm that only names a mutation that hangs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.glossary.model import Problem, Severity

WORKER = Path(__file__).with_name("adversarial_files.py")
BATCH = 400


@pytest.mark.slow
@pytest.mark.parametrize("seed", [9, 2026])
def test_mutated_term_files_are_errors_never_crashes_or_hangs(seed):
    done = subprocess.run(
        [sys.executable, str(WORKER), str(seed), str(BATCH)],
        capture_output=True,
        text=True,
        timeout=600,  # the whole batch, generously: it takes seconds
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["failures"] == []
    assert report["count"] == BATCH and set(report["kinds"]) == {
        "truncate",
        "flip_bytes",
        "splice_lines",
        "deep_nesting",
        "huge_scalar",
        "tag",
        "anchors",
        "junk",
    }
    assert report["loaded_together"] >= 1  # the unmutated neighbour, at least


def test_every_problem_is_one_line_in_check_output():
    problem = Problem(Severity.ERROR, "a\nb.yml", "term", "has 'x\r\ny\x1b[2J'; fix it", 3)
    assert "\n" not in str(problem) and "\r" not in str(problem) and "\x1b" not in str(problem)
    assert str(problem).startswith("a\\nb.yml:3: error: term:")
