"""A running bot picks up changed term files: a new version swapped in whole, listeners told."""

from __future__ import annotations

import threading
import time

import pytest
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


def assert_reloads_on_its_own(tmp_path, interval: float) -> None:
    """A watched glossary picks up a new term file without anyone calling reload()."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    changed = threading.Event()
    live.on_change(lambda old, new: changed.set())
    stop = threading.Event()
    live.watch(interval, stop)
    try:
        write_term(terms, term_data("beta"))
        assert changed.wait(30)
    finally:
        stop.set()
    assert len(live.current) == 2


@pytest.mark.slow  # a real watcher thread, on the kernel's and watchfiles' own clock
def test_watch_reloads_on_its_own(tmp_path):
    assert_reloads_on_its_own(tmp_path, interval=0.05)


def poke_until(done: threading.Event, write, timeout: float = 60) -> None:
    """Write until the watcher has seen it: on a busy machine its thread may set up the watch after a first
    write, which it would then never hear of. Every write is a real change, so any of them may be the one."""
    deadline = time.monotonic() + timeout
    while not done.is_set() and time.monotonic() < deadline:
        write()
        done.wait(1.0)
    assert done.is_set(), "the watcher never reported the change"


@pytest.mark.slow  # a real watcher thread, on the kernel's and watchfiles' own clock
def test_the_kernel_reports_an_edit_long_before_the_next_check_would(tmp_path):
    """With an hour between checks, only the kernel's change notification can explain a reload."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    changed = threading.Event()
    # A reload may catch the new file while it is still empty (created, not yet written): only one that holds the
    # term counts, and the next write's notification brings it.
    live.on_change(lambda old, new: changed.set() if new.find("beta").status == "hit" else None)
    stop = threading.Event()
    live.watch(3600, stop)
    try:
        poke_until(changed, lambda: write_term(terms, term_data("beta")))
        assert live.current.find("beta").status == "hit"
    finally:
        stop.set()


@pytest.mark.slow  # a real watcher thread, on the kernel's and watchfiles' own clock
def test_an_editors_swap_file_is_not_a_change(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    checked = threading.Event()
    checks = []

    def check(**kw):
        checks.append(kw)
        checked.set()

    monkeypatch.setattr(live, "reload", check)
    stop = threading.Event()
    thread = live.watch(3600, stop)
    try:
        poke_until(checked, lambda: write_term(terms, term_data("beta")))  # the watch is live from here on
        time.sleep(5)  # well past watchfiles' debounce: every poke has been heard
        checks.clear()
        checked.clear()
        (terms / ".alpha.yml.swp").write_text("x")
        (terms / "notes.txt").write_text("x")
        time.sleep(3)
        assert checks == []
        write_term(terms, term_data("gamma"))
        assert checked.wait(30)
        assert checks == [{}]
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()  # stopping the watch ends its thread


@pytest.mark.slow  # a real watcher thread, on the kernel's and watchfiles' own clock
def test_where_the_kernel_cannot_watch_every_interval_is_a_full_check(tmp_path, monkeypatch, caplog):
    import watchfiles

    def cannot(*args, **kwargs):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchfiles, "watch", cannot)
    assert_reloads_on_its_own(tmp_path, interval=0.05)
    assert "checking it every 0.05s instead" in caplog.text


@pytest.mark.slow  # a real watcher thread, on the kernel's and watchfiles' own clock
def test_the_safety_net_checks_even_when_the_kernel_reports_nothing(tmp_path, monkeypatch):
    """Some mounts never report changes: the watch's timeout is a full check anyway."""
    import watchfiles

    def silent(*paths, stop_event, rust_timeout, **kwargs):
        assert rust_timeout == 0.05 * 10 * 1000
        while not stop_event.is_set():
            time.sleep(0.05)
            yield set()  # a timeout, nothing reported

    monkeypatch.setattr(watchfiles, "watch", silent)
    assert_reloads_on_its_own(tmp_path, interval=0.05)
