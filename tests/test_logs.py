"""Tokens and the signing secret never reach the logs."""

from __future__ import annotations

import logging

from bot.logs import RedactSecrets


def test_tokens_and_configured_secrets_are_masked():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "token %s secret %s app %s",
        ("xoxb-123-456-abc", "s3cret-signing", "xapp-1-A1-2-b"),
        None,
    )
    RedactSecrets(("s3cret-signing",)).filter(record)
    message = record.getMessage()
    assert "xoxb-" not in message and "s3cret-signing" not in message and "xapp-" not in message
    assert message.count("[redacted]") == 3


def test_ordinary_records_are_untouched():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "glossary %s loaded", ("v1",), None)
    RedactSecrets(("s3cret-signing",)).filter(record)
    assert record.args == ("v1",) and record.getMessage() == "glossary v1 loaded"
