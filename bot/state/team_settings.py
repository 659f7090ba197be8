"""Settings per workspace as stored: one row per team (revision 0011). The rules (what is valid, what applies
when nothing is set) are bot/workspaces/settings.py's; this module only reads and writes rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .schema import team_settings
from .store import Store, now


@dataclass(frozen=True)
class TeamRow:
    """What a workspace's admins saved. Empty or None: not set, the environment's value applies."""

    team_id: str
    enterprise_id: str = ""
    requests_channel: str = ""
    reviewers: tuple[str, ...] = ()
    digest_day: int | None = None
    channel_domains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    updated_by: str = ""


class TeamSettingsStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, team_id: str) -> TeamRow | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(team_settings).where(team_settings.c.team_id == team_id)).first()
        return _row(row) if row else None

    def only_team(self) -> str | None:
        """The one team with settings, when exactly one has any (a single-workspace install); else None."""
        with self.store.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(team_settings)).scalar_one()
            if count != 1:
                return None
            return str(conn.execute(select(team_settings.c.team_id)).scalar_one())

    def save(self, row: TeamRow) -> TeamRow:
        """Write the whole row at once (every field, set or not): a save never leaves half of a form."""
        values: dict[str, object] = {
            "enterprise_id": row.enterprise_id,
            "requests_channel": row.requests_channel or None,
            "reviewers": " ".join(row.reviewers) or None,
            "digest_day": row.digest_day,
            "channel_domains": json.dumps({k: list(v) for k, v in row.channel_domains.items()})
            if row.channel_domains
            else None,
            "updated_by": row.updated_by,
            "updated_at": now(),
        }
        with self.store.writing() as conn:
            conn.execute(self.store._upsert(team_settings, ["team_id"], {"team_id": row.team_id, **values}, values))
        return row


def _row(row) -> TeamRow:  # noqa: ANN001 - a SQLAlchemy Row
    domains = json.loads(row.channel_domains) if row.channel_domains else {}
    return TeamRow(
        team_id=row.team_id,
        enterprise_id=row.enterprise_id or "",
        requests_channel=row.requests_channel or "",
        reviewers=tuple((row.reviewers or "").split()),
        digest_day=row.digest_day,
        channel_domains={str(k): tuple(str(d) for d in v) for k, v in domains.items()},
        updated_by=row.updated_by,
    )
