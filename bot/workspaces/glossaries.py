"""Which glossary answers a workspace: one for every team by default; with GLOSSARIES, a term folder of its own
for a workspace (T…) or for every workspace of a Grid org (E…). Each is built, reloaded and served exactly as
the default one (bot/glossary/live.py), with its index in a file of its own under DATA_DIR and its terminology
sidecar beside its folder."""

from __future__ import annotations

import threading
from pathlib import Path

from ..config import Settings
from ..glossary.live import LiveGlossary, beside


class Glossaries:
    def __init__(self, default: LiveGlossary, own: dict[str, LiveGlossary] | None = None) -> None:
        self.default = default
        self.own = own or {}  # GLOSSARIES: team or org id -> its live glossary

    @classmethod
    def open(cls, settings: Settings, default: LiveGlossary) -> Glossaries:
        own = {}
        for owner, folder in settings.glossaries:
            own[owner] = LiveGlossary(
                folder,
                index_path(settings.data_dir, owner),
                settings.glossary_max_file_bytes,
                terminology_file=beside(folder),
            )
        return cls(default, own)

    def key_for(self, team_id: str | None, enterprise_id: str | None = None) -> str:
        """The GLOSSARIES entry that answers this team: its own before its org's; "" for the default glossary."""
        for owner in (team_id, enterprise_id):
            if owner and owner in self.own:
                return owner
        return ""

    def live(self, key: str) -> LiveGlossary:
        return self.own.get(key, self.default)

    def watch(self, interval: float, stop: threading.Event | None = None) -> None:
        """Reload each team's own glossary as the default one is: the default is watched by its owner."""
        for live in self.own.values():
            live.watch(interval, stop)


def index_path(data_dir: Path, owner: str) -> Path:
    """Each glossary's index in its own file: two folders never share, nor overwrite, one index."""
    return data_dir / f"glossary-{owner}.db"
