from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from ports import free_port

from bot.config import Settings
from bot.http.web import create_wsgi

from .harness import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, Server

E2E = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test here starts the real server over HTTP: all `slow` (`pytest -m "not slow"` leaves them out)."""
    for item in items:
        if E2E in item.path.resolve().parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def data_template(tmp_path_factory) -> Path:
    """A data folder made once per worker, for each test to start from: the bundled glossary built (its database
    and saved index) and a new state database at the schema's head, as a first start leaves them."""
    from bot.glossary.live import open_glossary
    from bot.state.store import Store

    folder = tmp_path_factory.mktemp("data-template")
    open_glossary(BUNDLED_TERMS, folder / "glossary.db")
    Store(f"sqlite:///{folder / 'state.db'}").close()
    return folder


@pytest.fixture
def settings(tmp_path, fake_slack, data_template):
    # Each test starts from a copy of the template, as a second start would: the server still checks the term files
    # against the build and the state database's revision (a test that changes the glossary gets a new build).
    # Building both for each of ~350 tests took minutes of CI's 15.
    # A folder another server of the test made already (an MCP server sharing it) is left as it is.
    data = tmp_path / "var"
    if not data.exists():
        data.mkdir()
        for made in data_template.iterdir():
            if made.name.startswith(("glossary.db", "state.db")) and not made.name.endswith(".lock"):
                shutil.copy2(made, data / made.name)
    return Settings(
        glossary_dir=BUNDLED_TERMS,
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / "var",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        requests_channel="CREQUESTS",
        reviewers=("UREVIEW01", "SREVIEWERS"),
        slack_team_id=TEAM,  # single-workspace mode: the payloads' team, as `serve` learns it from auth.test
    )


@pytest.fixture
def make_server(settings):
    """Start the real WSGI app (production settings: process_before_response off) over HTTP."""
    servers = []

    def start(**changes):
        wsgi = create_wsgi(replace(settings, **changes), watch=False)
        server = Server(wsgi)
        server.runtime = wsgi.runtime
        server.wsgi = wsgi
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
        server.wsgi.close()
        server.runtime.store.close()


@pytest.fixture
def server(make_server):
    return make_server()


@pytest.fixture
def free_tcp_port():
    return free_port()
