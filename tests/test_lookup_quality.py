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

from bench.quality import (  # noqa: E402
    CLOUD_OPS,
    evaluate,
    generated_glossary,
    hand_labels,
    labels,
    rates,
)

# (rate, target) per category: issue 8's targets. "questions" (the project's own 30 hand-written questions,
# most of which type the term's name) is held on what a person sees in three: the answer's terms, or a miss's
# closest terms (see bench/quality/RESULTS.md for the before and after).
TARGETS = {
    "exact": ("hit", 1.0),
    "variants": ("hit", 1.0),
    "typos": ("top1", 0.97),
    "inflections": ("top1", 0.90),
    "questions": ("reach3", 0.85),
    "acronyms": ("top3", 0.55),
    "junk": ("miss", 0.88),
    "lacks": ("miss", 0.70),
}


# The hand-written sets (issue 18), development and held-out together, on each glossary: a floor a little below
# what the lane reaches today, so that a change that loses descriptions, typos or clean misses fails here.
HAND_TARGETS = {
    "describe": [("top3", 0.82), ("top1", 0.65), ("reach3", 0.85)],
    "misconception": [("top3", 0.60), ("reach3", 0.70)],
    "typoq": [("top3", 0.93)],
    "short": [("top3", 0.95)],
    "nonnative": [("top3", 0.88)],
    "comparison": [("top3", 0.95)],
    "multiterm": [("top3", 0.60)],
    "smalltalk": [("miss", 0.91)],
    # Issue 18 asks 70%; a few absent terms were traded for descriptions when both lanes agreeing began to offer
    # terms below the meaning floor (bench/quality/RESULTS.md, second round).
    "absent": [("miss", 0.75)],
}


@pytest.fixture(scope="module")
def hand_rates(bundled_glossary, tmp_path_factory):
    from bot.glossary.live import open_glossary

    cloud_ops = open_glossary(CLOUD_OPS, tmp_path_factory.mktemp("cloud-ops") / "glossary.db")[0]
    return {
        name: rates(evaluate(glossary, hand_labels(name, "dev") + hand_labels(name, "heldout")))
        for name, glossary in (("bundled", bundled_glossary), ("cloud-ops", cloud_ops))
    }


@pytest.mark.parametrize("glossary", ["bundled", "cloud-ops"])
@pytest.mark.parametrize("kind", HAND_TARGETS)
def test_hand_written_queries_meet_the_target(hand_rates, glossary, kind):
    got = hand_rates[glossary].get(kind)
    if glossary == "cloud-ops" and kind == "nonnative":
        assert got is None  # that set has no non-native lines; a new one must be given a target here
        return
    assert got["n"] >= 20, (glossary, kind, got)
    for rate, target in HAND_TARGETS[kind]:
        assert got[rate] >= target, (glossary, kind, rate, got)
    assert got["wrong"] == 0, (glossary, kind, got)


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


# The generated glossary has no hand-written questions (its templated ones typed the name and were removed).
GENERATED_TARGETS = {k: v for k, v in TARGETS.items() if k != "questions"}


@pytest.mark.parametrize("category", GENERATED_TARGETS)
def test_generated_glossary_meets_the_target(generated_rates, category):
    rate, target = GENERATED_TARGETS[category]
    got = generated_rates[category]
    assert got["n"] >= 100
    assert got[rate] >= target, (category, rate, got)
    assert got["wrong"] == 0, (category, got)
