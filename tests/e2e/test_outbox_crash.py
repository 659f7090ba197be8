"""The outbox's acceptance test: kill -9 the server (a real `python -m bot serve` process, gunicorn and all)
in the middle of 100 submissions while the fake Slack fails every third call. After a restart and recovery,
every acknowledged request has exactly one triage post, and every DM was sent exactly once.

Without reading any channel: the fake Slack answers history calls missing_scope (an install without history
scopes) and none is made. What settles a try the kill cut off is Slack's echo of each post
(message_metadata_posted), which the fake retries while the server is down, as Slack does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from paths import BUNDLED_ROLES, BUNDLED_TERMS
from ports import free_port
from sqlalchemy import select

from bot.state.outbox import PENDING, SENDING
from bot.state.schema import outbox, term_requests
from bot.state.store import Store

from .harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack, http, wait_until
from .requests_helpers import submit_request

SUBMISSIONS, KILL_AFTER = 100, 40
ROOT = Path(__file__).resolve().parents[2]


class Process:
    """`python -m bot serve` in its own process group, so kill -9 takes gunicorn's master and worker at once."""

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("a"),
            start_new_session=True,
        )
        healthy = wait_until(lambda: self._healthy(), timeout=120)
        assert healthy, "the server did not become healthy"

    def _healthy(self) -> bool:
        try:
            return http("GET", self.url + "/healthz").status == 200
        except OSError:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        os.killpg(self.proc.pid, sig)
        self.proc.wait(60)


def test_kill_9_mid_burst_loses_no_triage_post_and_sends_no_dm_twice(tmp_path):
    port = free_port()
    fake = FakeSlack().start().without_history().echo_to(f"http://127.0.0.1:{port}/slack/events")
    fake.fail("*", "500", every=3)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "DATA_DIR": str(tmp_path / "var"),
        "GLOSSARY_DIR": str(BUNDLED_TERMS),
        "ROLES_FILE": str(BUNDLED_ROLES),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "REQUESTS_CHANNEL": "CREQUESTS",
        "PORT": str(port),
        "GLOSSARY_RELOAD_SECONDS": "0",
        # The lease sets each call's timeout (a quarter of it). With 4 s that is 1 s, and on a starved machine the
        # fake Slack can record a post after the client gave up on it: an outcome nobody can know, which the
        # worker then sends again. 20 s (a 5 s timeout) keeps the test about crashes, not about a slow fake.
        "OUTBOX_LEASE_SECONDS": "20",
        "OUTBOX_RETRY_SECONDS": "0.2",
        "OUTBOX_MAX_ATTEMPTS": "30",
        # How long a letter the kill left unsure waits for its echo: the fake's echoes of the burst are in within
        # seconds of a restart; 45 s leaves room on a starved machine (the default, 7 minutes, is past Slack's
        # retries of an event).
        "OUTBOX_ECHO_WAIT_SECONDS": "45",
        "LOG_LEVEL": "WARNING",
    }
    server = Process(env, port, tmp_path / "server.log")
    acknowledged: list[str] = []
    lock = threading.Lock()
    killed = threading.Event()

    def submit(i: int) -> None:
        user = f"UBURST{i:03d}"
        if killed.is_set():
            return
        try:
            reply = submit_request(server, user=user, term=f"zorblat widget {i}")
        except (OSError, AssertionError):
            return  # cut off by the kill: not acknowledged
        if reply.get("response_action") == "update":
            with lock:
                acknowledged.append(user)
                if len(acknowledged) == KILL_AFTER and not killed.is_set():
                    killed.set()
                    server.kill()

    pending = list(range(SUBMISSIONS))
    workers = [threading.Thread(target=lambda k=k: [submit(i) for i in pending[k::8]]) for k in range(8)]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(300)
        assert killed.is_set() and KILL_AFTER <= len(acknowledged) < SUBMISSIONS  # killed mid-burst

        # The restart: its worker claims what the dead one held once their leases run out.
        server = Process(env, port, tmp_path / "server.log")
        store = Store(f"sqlite:///{tmp_path / 'var' / 'state.db'}")

        def all_sent() -> bool:
            with store.engine.connect() as conn:
                waiting = conn.execute(select(outbox.c.id).where(outbox.c.status.in_((PENDING, SENDING)))).all()
            return not waiting

        if not wait_until(all_sent, timeout=240):
            with store.engine.connect() as conn:
                rows = conn.execute(
                    select(outbox.c.id, outbox.c.kind, outbox.c.status, outbox.c.claimed_until, outbox.c.due_at).where(
                        outbox.c.status != "sent"
                    )
                ).all()
            log = (tmp_path / "server.log").read_text()[-3000:]
            raise AssertionError(f"letters still waiting after recovery: {rows[-10:]}\n{log}")
        with store.engine.connect() as conn:
            stored = conn.execute(select(term_requests.c.id, term_requests.c.requester)).all()
            dead = conn.execute(select(outbox.c.id).where(outbox.c.status == "dead")).all()
        store.close()
        server.kill(signal.SIGTERM)
    finally:
        if server.proc.poll() is None:
            server.kill()
        fake.stop()

    assert dead == []
    assert not fake.of("conversations.history") and not fake.of("conversations.replies")  # nothing was read
    requesters = {r.requester for r in stored}
    assert set(acknowledged) <= requesters  # every acknowledged submission was stored
    triage_posts = fake.delivered("chat.postMessage", lambda c: c.body["channel"] == "CREQUESTS")
    for request in stored:
        mine = [p for p in triage_posts if p.body["text"].startswith(f"Term request #{request.id}:")]
        assert len(mine) == 1, (request.id, len(mine))
    assert len(triage_posts) == len(stored)
    for user in requesters:
        dms = fake.delivered("chat.postMessage", lambda c, u=user: c.body["channel"] == u)
        assert len(dms) == 1, (user, len(dms))
