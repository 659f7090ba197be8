"""/healthz reports the glossary and the state database separately, and is 503 when state cannot answer."""

from __future__ import annotations

from sqlalchemy import create_engine

from .harness import http, wait_until


def back_to_ok(url: str) -> bool:
    """/healthz says 200 again, within the harness's wait. Not at once: the check pings the state database on one
    thread with a 2 s budget, and on a busy machine the ping of the previous check (a driver imported, a
    connection refused) can still be running when the next check comes, which then waits for it and may time out.
    A check made under load once said "cannot be written" that way, right after the database was put back."""
    return wait_until(lambda: http("GET", url + "/healthz").status == 200)


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
    assert back_to_ok(server.url)  # and back once it answers again


def test_healthz_is_503_when_the_state_database_answers_but_cannot_be_written(server):
    """A read-only SQLite file (or a full disk, a read-only replica) still answers SELECT 1 while every
    write fails: /healthz stayed 200 in issue 19."""
    store = server.runtime.store
    working = store.engine
    path = working.url.database
    store.engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        reply = http("GET", server.url + "/healthz")
    finally:
        store.engine.dispose()
        store.engine = working
    data = reply.json()
    assert reply.status == 503 and data["status"] == "state database cannot be written"
    assert data["state"]["ok"] is False and "readonly" in data["state"]["error"]
    assert back_to_ok(server.url)


def test_healthz_is_503_when_the_data_folder_cannot_be_written(server):
    """DATA_DIR gone from under the server (a file where the folder was): nothing can be written there. (A
    read-only folder behaves the same, but tests run as root here, where permissions do not refuse.)"""
    folder = server.runtime.settings.data_dir
    # Open connections follow the file when its folder moves; a new one would look for the old path. The pool
    # holds a few, so the health check gets one even while the outbox's worker has another (a full suite once
    # had the check open a new connection there, and the state database read as unreachable).
    opened = [server.runtime.store.engine.connect() for _ in range(3)]
    for conn in opened:
        conn.close()
    aside = folder.with_name(folder.name + "-aside")
    folder.rename(aside)  # the open state database follows its file; only the folder's path is gone
    folder.write_text("not a folder")
    try:
        reply = http("GET", server.url + "/healthz")
    finally:
        folder.unlink()
        aside.rename(folder)
    data = reply.json()
    assert reply.status == 503 and data["status"] == "data folder cannot be written"
    assert data["data_dir"]["ok"] is False and data["data_dir"]["path"] == str(folder)
    assert data["state"]["ok"] is True  # each part says what it is
    assert back_to_ok(server.url)
