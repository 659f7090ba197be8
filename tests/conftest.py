from __future__ import annotations

import pytest

# tests/ is on the import path through pyproject's `pythonpath`; shared paths live in tests/paths.py.
from paths import BUNDLED_TERMS


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch):
    """Tests never see a real token or a developer's .env."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {
            "DATABASE_URL",
            "REQUESTS_CHANNEL",
            "REVIEWERS",
            "GLOSSARY_DIR",
            "DATA_DIR",
        }:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def bundled_glossary(tmp_path_factory):
    """The bundled glossary, built once for the session into a temporary database."""
    from bot.glossary.live import open_glossary

    glossary, _ = open_glossary(BUNDLED_TERMS, tmp_path_factory.mktemp("bundled") / "glossary.db")
    return glossary


def _sqlalchemy_url(url: str) -> str:
    from bot.config import Settings

    return Settings(database_url=url).state_url


@pytest.fixture
def postgres_url():
    """A fresh schema on the PostgreSQL at TEST_DATABASE_URL, dropped afterwards."""
    import os
    import uuid

    from sqlalchemy import create_engine

    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("set TEST_DATABASE_URL to run the PostgreSQL tests (CI sets it)")
    base = _sqlalchemy_url(url)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    # Named after the schema, so the teardown can find this test's connections.
    yield f"{base}{sep}options=-csearch_path%3D{schema}&application_name={schema}"
    _drop_schema(engine, schema)
    engine.dispose()


def _drop_schema(engine, schema: str) -> None:
    """DROP SCHEMA once nothing of the test still writes there. A server's background thread (an uninstall's
    purge, an outbox worker finishing a letter) can outlive its test by a moment; on a busy machine the drop
    then deadlocked with its write (a loaded e2e run). Its connections are ended first, and the drop is tried
    again if one slipped in between."""
    import time

    from sqlalchemy.exc import OperationalError

    for attempt in range(10):
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = %(name)s AND pid <> pg_backend_pid()",
                    {"name": schema},
                )
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            return
        except OperationalError:
            if attempt == 9:
                raise
            time.sleep(0.5)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path):
    """The state database on both engines it supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return request.getfixturevalue("postgres_url")
