"""The import map holds: no loop anywhere in bot/, a core that knows no Slack, a glossary pipeline in data order.

Read from the source with ast (every import, including those inside functions and under TYPE_CHECKING),
so a lazy import cannot hide a loop. Packages that do not exist yet are simply not there to check.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"

# The glossary pipeline, first stage first: a module may import only modules of an earlier stage.
GLOSSARY_STAGES = (
    ("model", "collector"),
    ("names", "parse", "files", "roles", "questions"),
    ("rules", "variants"),
    ("load",),
    ("db", "ranking", "meaning"),
    ("scan", "readback"),
    ("lookup",),
    ("snapshot",),
    ("live",),
)
# The core: no import from the Slack adapter, so the command line and any other front door can use it alone.
CORE = (
    "bot.glossary",
    "bot.state",
    "bot.term_requests",
    "bot.governance",
    "bot.ask",
    "bot.cards",
    "bot.runtime",
    "bot.browse",
    "bot.lookup_stats",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in BOT.rglob("*.py")}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(name: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The bot modules one import statement loads: the most specific existing module for each name."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            package = name if _is_package(name) else name.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        # `from . import db` names a module; `from .db import search` names something inside one.
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    found = set()
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target.startswith("bot") and target != name:
            found.add(target)
    return found


def _imports(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= _resolve(name, node)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycle() -> list[str] | None:
    """One import loop, as the list of modules around it, or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once every import below is checked
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        path.append(name)
        for target in sorted(GRAPH.get(name, ())):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state:
                loop = visit(target)
                if loop:
                    return loop
        path.pop()
        state[name] = "done"
        return None

    for name in sorted(GRAPH):
        if name not in state:
            loop = visit(name)
            if loop:
                return loop
    return None


def test_the_reader_sees_real_imports():
    # Guards the checks below against passing because the graph came out empty.
    assert "bot.glossary.model" in GRAPH["bot.glossary.lookup"]
    assert "bot.glossary.db" in GRAPH["bot.glossary.lookup"]  # `from . import db`
    assert "bot.glossary.live" in GRAPH["bot.cli"]


def test_no_import_loop_anywhere_in_bot():
    assert _cycle() is None


def _in(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("core", CORE)
def test_the_core_imports_nothing_from_slack(core):
    modules = [m for m in GRAPH if _in(m, core)]
    offending = {m: sorted(t for t in GRAPH[m] if _in(t, "bot.slack")) for m in modules}
    assert {m: t for m, t in offending.items() if t} == {}


def test_the_glossary_pipeline_imports_only_earlier_stages():
    stage = {f"bot.glossary.{m}": n for n, modules in enumerate(GLOSSARY_STAGES) for m in modules}
    wrong = []
    for module, n in stage.items():
        if module not in GRAPH:
            wrong.append(f"{module} is missing")
            continue
        for target in GRAPH[module]:
            if not _in(target, "bot.glossary") or target == "bot.glossary":
                continue
            if target not in stage:
                wrong.append(f"{module} imports {target}, which has no stage in GLOSSARY_STAGES")
            elif stage[target] >= n:
                wrong.append(f"{module} imports {target}, a stage at or after its own")
    assert wrong == []


def test_nothing_below_lookup_imports_it():
    lookup = GLOSSARY_STAGES.index(("lookup",))
    below = [f"bot.glossary.{m}" for modules in GLOSSARY_STAGES[:lookup] for m in modules]
    assert {m for m in below if "bot.glossary.lookup" in GRAPH.get(m, ())} == set()
