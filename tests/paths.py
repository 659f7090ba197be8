"""Where the repository's own data lives, for tests that read the bundled glossary and manifest."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_TERMS = ROOT / "data" / "terms"
BUNDLED_ROLES = ROOT / "data" / "roles.yml"
