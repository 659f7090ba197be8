"""A running bot picks up changed term files: a new version swapped in whole, listeners told."""

from __future__ import annotations

import threading

from termfactory import term_data, write_glossary, write_term

from bot.glossary.live import LiveGlossary


def test_reload_only_when_files_change_and_listeners_hear(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    heard = []
    live.on_change(lambda old, new: heard.append((len(old), len(new))))
    assert live.reload() is False and heard == []
    first = live.current
    write_term(terms, term_data("beta"))
    assert live.reload() is True
    assert heard == [(1, 2)] and live.current is not first and live.current.find("beta").status == "hit"
    assert first.find("beta").status == "miss"  # a request holding the old glossary keeps a consistent view


def test_a_failing_listener_does_not_stop_the_swap(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    live.on_change(lambda old, new: 1 / 0)
    write_term(terms, term_data("beta"))
    assert live.reload() is True and len(live.current) == 2


def test_watch_reloads_on_its_own(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    changed = threading.Event()
    live.on_change(lambda old, new: changed.set())
    stop = threading.Event()
    live.watch(0.05, stop)
    write_term(terms, term_data("beta"))
    assert changed.wait(10)
    stop.set()
    assert len(live.current) == 2
