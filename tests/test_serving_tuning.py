"""Interpreter tuning (gc.freeze) belongs to a long-running server only: the Procfile's app and Socket Mode ask for
it, and then each glossary is frozen as soon as it is loaded (at start and at every reload) and the rest of
start-up once the server is up. The WSGI app the tests drive, the command line and the MCP server never freeze."""

from __future__ import annotations

import gc

import pytest
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from termfactory import term_data, write_glossary, write_term

from bot.config import Settings
from bot.glossary import collector
from bot.glossary.live import LiveGlossary, open_glossary
from bot.http import tuning, web


@pytest.fixture
def unfrozen():
    """gc.freeze reaches the whole process: whatever a test froze is handed back to the collector after it."""
    gc.unfreeze()
    yield
    collector.freeze_what_loads(False)
    gc.unfreeze()


def test_a_server_freezes_each_glossary_as_soon_as_it_is_loaded(tmp_path, unfrozen):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    tuning.before_start()
    live = LiveGlossary(terms, tmp_path / "g.db")
    assert gc.get_freeze_count() > 0  # the first glossary, frozen as it was loaded
    gc.unfreeze()
    write_term(terms, term_data("beta"))
    assert live.reload() is True
    assert gc.get_freeze_count() > 0  # and the reload's


def test_nothing_is_frozen_unless_a_server_asked(tmp_path, unfrozen):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    write_term(terms, term_data("beta"))
    assert live.reload() is True
    open_glossary(terms, tmp_path / "cli.db")  # the command line's way in
    assert gc.get_freeze_count() == 0


def test_only_the_procfile_app_is_tuned_not_the_wsgi_app_tests_drive(tmp_path, monkeypatch, unfrozen):
    tuned = []
    monkeypatch.setattr(tuning, "before_start", lambda: tuned.append("before start"))
    monkeypatch.setattr(tuning, "once_started", lambda: tuned.append("once started"))
    fake = FakeSlack().start()
    settings = Settings(
        glossary_dir=BUNDLED_TERMS,
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / "var",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        reload_seconds=0,
    )
    apps = []
    try:
        apps.append(web.create_wsgi(settings, watch=False))
        assert tuned == []
        apps.append(web.create_asgi(settings).wsgi)
        assert tuned == ["before start", "once started"]
    finally:
        for app in apps:
            app.close()
        fake.stop()
