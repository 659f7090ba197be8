"""Tokens sealed at rest: cryptography's MultiFernet over SLACK_TOKEN_KEYS, newest key first.

A token is sealed with the newest key and opened with any of them, so a key is rotated by putting a new one in
front and keeping the old ones until every row has been sealed again (reseal(), at each start). A token that
no key opens is a wrong or missing key, said in one line: never a token read as garbage.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class KeyRefused(Exception):
    """No key in SLACK_TOKEN_KEYS opens a stored token; the message is the one line that says what to do."""


class Sealer:
    def __init__(self, keys: Sequence[str]):
        if not keys:
            raise ValueError("at least one key is needed")
        self._newest = Fernet(keys[0])
        self._all = MultiFernet([Fernet(key) for key in keys])

    def seal(self, token: str | None) -> str | None:
        return None if token is None else self._all.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        try:
            return self._all.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeEncodeError):
            raise KeyRefused(
                "SLACK_TOKEN_KEYS cannot open the stored Slack tokens: the key they were sealed with is not in the "
                "list; put it back (after the new one, if you are rotating keys)"
            ) from None

    def is_newest(self, sealed: str) -> bool:
        """Sealed with the newest key (else reseal() seals it again)."""
        try:
            self._newest.decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True

    def reseal(self, sealed: str) -> str:
        """The same token sealed with the newest key; KeyRefused when no key opens it."""
        try:
            return self._all.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            self.open(sealed)  # raises KeyRefused with its line
            raise
