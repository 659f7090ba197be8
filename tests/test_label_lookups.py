"""Where the glossary's discouraged words are looked up: counts per label and surface, from the lookups the bot
already records, on both state engines; nothing but counts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers.label_lookups import discouraged_keys, discouraged_lookups
from bot.state.lookups import LookupLog, LookupRow
from bot.state.store import Store, now


@pytest.fixture
def lookups(state_url):
    store = Store(state_url)
    yield LookupLog(store)
    store.close()


def _row(surface: str, query: str, *, days_ago: float = 0, outcome: str = "hit") -> LookupRow:
    return LookupRow(surface, query, outcome, "evaluation", "alias", now() - dt.timedelta(days=days_ago))


def test_the_bundled_discouraged_labels_are_keyed_as_queries_are_stored(bundled_glossary):
    keys = discouraged_keys(bundled_glossary)
    assert len(keys) >= 5
    label, usage, slug, preferred = keys["model testing"]
    assert (label, str(usage), slug) == ("model testing", "deprecated", "evaluation") and preferred
    assert all(str(u) in ("deprecated", "forbidden") for _, u, _, _ in keys.values())


def test_labels_are_ranked_by_lookups_with_where_they_came_from(lookups, bundled_glossary):
    keys = discouraged_keys(bundled_glossary)
    other = next(k for k in keys if k != "model testing")
    rows = [_row("slash", "Model  Testing") for _ in range(3)]  # stored normalised: it counts as the label
    rows += [_row("mcp", "model testing"), _row("mention", "model testing"), _row("mention", "model testing")]
    rows += [_row("dm", other)]
    rows += [_row("slash", "model testing", days_ago=40)]  # outside the window
    rows += [_row("slash", "evaluation"), _row("slash", "model testing harness", outcome="miss")]  # not labels
    lookups.add(rows)
    found = discouraged_lookups(bundled_glossary, lookups, days=30)
    assert [(r.label, r.total) for r in found][:1] == [("model testing", 6)]
    assert found[0].surfaces == (("slash", 3), ("mention", 2), ("mcp", 1))
    assert found[0].slug == "evaluation" and len(found) == 2 and found[1].surfaces == (("dm", 1),)


def test_nothing_looked_up_lists_nothing(lookups, bundled_glossary):
    lookups.add([_row("slash", "evaluation")])
    assert discouraged_lookups(bundled_glossary, lookups) == []
