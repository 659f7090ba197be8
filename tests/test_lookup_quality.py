"""The calibrated thresholds hold on the labelled query sets of bench/quality/ (the same files the bench reads).

A change that lowers a rate below its target, or makes any confident answer wrong, fails here; run
`python -m bench.quality` to see the whole table (and the latencies, which are never asserted).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.quality import evaluate, generated_glossary, labels, rates  # noqa: E402

# (rate, target) per category: issue 8's targets.
TARGETS = {
    "exact": ("hit", 1.0),
    "variants": ("hit", 1.0),
    "typos": ("top1", 0.97),
    "inflections": ("top1", 0.90),
    "questions": ("top3", 0.90),
    "acronyms": ("top3", 0.55),
    "junk": ("miss", 0.88),
    "lacks": ("miss", 0.70),
}


@pytest.fixture(scope="module")
def bundled_rates(bundled_glossary):
    return rates(evaluate(bundled_glossary, labels("bundled")))


@pytest.fixture(scope="module")
def generated_rates(tmp_path_factory):
    # The labels name terms among the generator's first 600, which a 1,000-term glossary holds too.
    glossary = generated_glossary(tmp_path_factory.mktemp("generated"), 1000)
    return rates(evaluate(glossary, labels("generated")))


@pytest.mark.parametrize("category", TARGETS)
def test_bundled_glossary_meets_the_target(bundled_rates, category):
    rate, target = TARGETS[category]
    got = bundled_rates[category]
    assert got["n"] >= 20
    assert got[rate] >= target, (category, rate, got)
    assert got["wrong"] == 0, (category, got)


@pytest.mark.parametrize("category", TARGETS)
def test_generated_glossary_meets_the_target(generated_rates, category):
    rate, target = TARGETS[category]
    got = generated_rates[category]
    assert got["n"] >= 100
    assert got[rate] >= target, (category, rate, got)
    assert got["wrong"] == 0, (category, got)
