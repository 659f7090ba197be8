from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for termfactory and the e2e harness

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_TERMS = ROOT / "data" / "terms"
BUNDLED_ROLES = ROOT / "data" / "roles.yml"


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch):
    """Tests never see a real token or a developer's .env."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {
            "DATABASE_URL",
            "REQUESTS_CHANNEL",
            "REVIEWERS",
            "GLOSSARY_DIR",
            "DATA_DIR",
        }:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def bundled_glossary(tmp_path_factory):
    """The bundled glossary, built once for the session into a temporary database."""
    from bot.glossary.db import open_glossary

    glossary, _ = open_glossary(BUNDLED_TERMS, tmp_path_factory.mktemp("bundled") / "glossary.db")
    return glossary
