"""The sign-in's records in the state database: registered clients, and each secret by its sha256 only.

A secret (sign-in state, authorization code, access or refresh token) is shown once, to whoever it is for,
and stored as its hash: a copy of the database lets nobody call the server as anyone. Each row has an
expiry; a row past it is refused when read and purged when the next grant is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select

from ...state.schema import mcp_clients, mcp_grants
from ...state.store import Store

SIGNIN, CODE, ACCESS, REFRESH = "signin", "code", "access", "refresh"
Clock = Callable[[], dt.datetime]


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """256 random bits, URL-safe: well above the 128 bits RFC 6749 §10.10 asks of a code."""
    return secrets.token_urlsafe(32)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Grant:
    """One stored secret's row, without the secret."""

    kind: str
    grant_id: str
    client_id: str
    user_id: str | None
    team_id: str | None
    scopes: list[str]
    resource: str | None
    expires_at: dt.datetime
    detail: dict[str, Any] = field(default_factory=dict)


class GrantBook:
    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    # --- clients ---------------------------------------------------------------------------------

    def save_client(self, client_id: str, info_json: str) -> None:
        with self.store.writing() as conn:
            conn.execute(insert(mcp_clients).values(client_id=client_id, info=info_json, created_at=self.clock()))

    def client(self, client_id: str) -> str | None:
        with self.store.engine.connect() as conn:
            return conn.execute(
                select(mcp_clients.c.info).where(mcp_clients.c.client_id == client_id)
            ).scalar_one_or_none()

    # --- secrets ---------------------------------------------------------------------------------

    def issue(self, kind: str, lifetime: dt.timedelta, grant: Grant | None = None, **values: Any) -> tuple[str, Grant]:
        """A new secret of `kind`, copying `grant`'s fields unless `values` names them; returns (secret, row)."""
        stamp = self.clock()
        base = grant or Grant(kind, new_secret(), "", None, None, [], None, stamp)
        row = Grant(
            kind=kind,
            grant_id=values.get("grant_id", base.grant_id),
            client_id=values.get("client_id", base.client_id),
            user_id=values.get("user_id", base.user_id),
            team_id=values.get("team_id", base.team_id),
            scopes=list(values.get("scopes", base.scopes)),
            resource=values.get("resource", base.resource),
            expires_at=stamp + lifetime,
            detail=values.get("detail", {}),
        )
        secret = new_secret()
        with self.store.writing() as conn:
            conn.execute(delete(mcp_grants).where(mcp_grants.c.expires_at < stamp))
            conn.execute(
                insert(mcp_grants).values(
                    token_hash=hashed(secret),
                    kind=row.kind,
                    grant_id=row.grant_id,
                    client_id=row.client_id,
                    user_id=row.user_id,
                    team_id=row.team_id,
                    scopes=" ".join(row.scopes),
                    resource=row.resource,
                    detail=json.dumps(row.detail),
                    expires_at=row.expires_at,
                    created_at=stamp,
                )
            )
        return secret, row

    def find(self, kind: str, secret: str) -> Grant | None:
        """The live row for this secret, or None: unknown, of another kind, revoked or expired."""
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(mcp_grants).where(mcp_grants.c.token_hash == hashed(secret), mcp_grants.c.kind == kind)
            ).first()
        if row is None:
            return None
        expires_at = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
        if expires_at <= self.clock():
            return None
        return Grant(
            kind=row.kind,
            grant_id=row.grant_id,
            client_id=row.client_id,
            user_id=row.user_id,
            team_id=row.team_id,
            scopes=row.scopes.split(),
            resource=row.resource,
            expires_at=expires_at,
            detail=json.loads(row.detail),
        )

    def take(self, kind: str, secret: str) -> Grant | None:
        """find(), and the secret is spent: a second take of it finds nothing (codes, sign-ins, rotated refreshes)."""
        found = self.find(kind, secret)
        if found is None:
            return None
        with self.store.writing() as conn:
            spent = conn.execute(delete(mcp_grants).where(mcp_grants.c.token_hash == hashed(secret))).rowcount
        return found if spent else None  # another request spent it between the read and the delete

    def update_detail(self, kind: str, secret: str, detail: dict[str, Any]) -> None:
        with self.store.writing() as conn:
            conn.execute(
                mcp_grants.update()
                .where(mcp_grants.c.token_hash == hashed(secret), mcp_grants.c.kind == kind)
                .values(detail=json.dumps(detail))
            )

    def revoke_grant(self, grant_id: str) -> int:
        """Every token of one sign-in (its access and refresh tokens); returns how many rows went."""
        with self.store.writing() as conn:
            return conn.execute(delete(mcp_grants).where(mcp_grants.c.grant_id == grant_id)).rowcount

    def revoke_kind(self, grant_id: str, kind: str) -> None:
        with self.store.writing() as conn:
            conn.execute(delete(mcp_grants).where(mcp_grants.c.grant_id == grant_id, mcp_grants.c.kind == kind))
