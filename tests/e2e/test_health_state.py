"""/healthz reports the glossary and the state database separately, and is 503 when state cannot answer."""

from __future__ import annotations

from sqlalchemy import create_engine

from .harness import http


def test_healthz_is_503_when_the_state_database_is_unreachable(server, free_tcp_port):
    store = server.runtime.store
    working = store.engine
    # Nothing listens on this port: what a PostgreSQL that went down looks like to the driver.
    store.engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_tcp_port}/gone")
    try:
        reply = http("GET", server.url + "/healthz")
    finally:
        store.engine.dispose()
        store.engine = working
    data = reply.json()
    assert reply.status == 503 and data["status"] == "state database unreachable"
    assert data["glossary"]["ok"] is True and data["state"]["ok"] is False and data["state"]["error"]
    assert http("GET", server.url + "/healthz").status == 200  # and back once it answers again
