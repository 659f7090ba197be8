"""What the adversarial suites share: the real WSGI app (bot/web.py) called in-process with signed requests,
and a log watcher that fails a test on any ERROR record or traceback.

In-process runs Bolt with process_before_response=True so that every listener has finished, and logged
anything it was going to log, when the call returns: the assertion is then about this input and no other.
A few cases in each suite also go over real HTTP with the production setting (tests/e2e).
"""

from __future__ import annotations

import io
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from e2e.harness import SIGNING_SECRET
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def call(app, body: str | bytes, content_type: str = FORM, *, signed: bool = True, headers: dict | None = None):
    raw = body.encode() if isinstance(body, str) else body
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
    }
    if signed:
        ts = str(int(time.time()))
        text = raw.decode("utf-8")
        environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"] = ts
        environ["HTTP_X_SLACK_SIGNATURE"] = SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=ts, body=text
        )
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started = {}
    chunks = app(environ, lambda status, hdrs, exc_info=None: started.update(status=int(status.split()[0])))
    return Answer(started["status"], b"".join(chunks))


def assert_well_formed(answer: Answer) -> None:
    """A clean refusal, or a 200 whose body is empty or JSON that Slack can show."""
    assert answer.status in (200, 400, 401, 404, 413), answer
    if answer.status == 200 and answer.body:
        data = answer.json()
        assert isinstance(data, dict)
        if "blocks" in data:
            assert isinstance(data.get("text"), str) and data["text"], "blocks always come with a text fallback"


class ErrorWatch(logging.Handler):
    """Collects ERROR records (and any record carrying a traceback) from every thread."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bad: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.bad.append(record)

    def assert_clean(self) -> None:
        assert not self.bad, [f"{r.name}: {r.getMessage()[:300]}" for r in self.bad]


@contextmanager
def no_errors_logged():
    watch = ErrorWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
    watch.assert_clean()


def build_app(tmp_path, api_url: str, *, process_before_response: bool = True, **changes):
    """The app create_wsgi() builds, with listeners run on the request thread (see the module docstring);
    process_before_response=False keeps the server's own setting (tests/test_inline_answers.py)."""
    from e2e.harness import BOT_TOKEN
    from paths import BUNDLED_ROLES, BUNDLED_TERMS

    from bot.config import Settings
    from bot.http.web import GlossaryWSGI
    from bot.runtime import Runtime
    from bot.slack.app import Bot, close_requests_on_reload, create_app

    settings = Settings(
        glossary_dir=BUNDLED_TERMS,
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / "var",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        requests_channel="CREQUESTS",
        reviewers=("UREVIEW01",),
        **changes,
    )
    runtime = Runtime.open(settings)
    app = create_app(settings, runtime, process_before_response=process_before_response)
    # no delivery worker: letters stay queued
    close_requests_on_reload(runtime)
    return GlossaryWSGI(Bot(app, runtime), SIGNING_SECRET)


# Values a tampering client might put anywhere a string is expected.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "9" * 5000,
    "1e9",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() agrees, PostgreSQL would not
    "null",
    "{}",
    "[]",
    '{"r": "9999999999999999999999"}',
    '{"r": -5, "k": "new"}',
    '{"s": {"x": 1}}',
    "<!channel> <@U123> <https://evil|click>",
    "\x00\x01",
    "x" * 3001,
]
