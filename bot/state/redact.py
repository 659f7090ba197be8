"""What people paste is not kept: emails, tokens, link query strings and long numbers are blanked from lookup
text before it is stored (and so before reviewers see it in `/define stats` or on the Home).

A lookup is a few words naming a term. Anything shaped like a secret or a person's details is replaced by
a word in «quotes» that says what was there, so a reviewer still sees that someone pasted an email rather
than looked something up. The patterns err on the side of blanking: a glossary name never looks like these.
"""

from __future__ import annotations

import re
import unicodedata

# Order matters: whole URLs lose their query first, then emails, then tokens, then what is left of long runs.
_URL_QUERY = re.compile(r"(?i)\b((?:https?://|www\.)[^\s?#<>]*)[?#][^\s<>]*")
# Each pattern starts only where a run starts (a look-behind), so a long run is read once, not once per
# character: linear on any paste.
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*")
# Known token prefixes: Slack (xoxb-, xoxp-, xapp-), OpenAI-style (sk-), GitHub (ghp_, github_pat_…),
# GitLab (glpat-), AWS access keys (AKIA…); and "Bearer …" as pasted from a header.
_TOKEN = re.compile(
    r"(?i)\b(?:xox[a-z]-|xapp-|sk-|sk_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|akia|bearer\s+)[\w\-.=/+]{6,}"
)
# Long runs of base64 or hex: keys and hashes when they mix digits and letters, which words never do.
# No dash inside, so a model name like "text-embedding-3-large" is kept.
_RUN = re.compile(r"(?<![\w+/=])[\w+/=]{16,}")
BASE64_MIN, HEX_MIN = 24, 16
_HEX = re.compile(r"(?i)[0-9a-f]+")
# Seven or more digits, single separators allowed between them: phone, card and account numbers.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ .\-/]?\d){6,}(?!\d)")


def redact(text: str) -> str:
    """The text with every email, token-like string, URL query string and long digit run replaced.

    Compatibility forms are folded first (NFKC), so a full-width ＠ or digits from another script are
    caught too; the caller's own normalising then sees only what is safe to keep."""
    text = unicodedata.normalize("NFKC", text)
    text = _URL_QUERY.sub(r"\1", text)
    text = _EMAIL.sub(" «email» ", text)
    text = _TOKEN.sub(" «token» ", text)
    text = _RUN.sub(_secret_run, text)
    return _DIGIT_RUN.sub(" «number» ", text)


def _secret_run(match: re.Match[str]) -> str:
    run = match.group()
    mixed = any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
    if mixed and (len(run) >= BASE64_MIN or _HEX.fullmatch(run)):
        return " «token» "
    return run
