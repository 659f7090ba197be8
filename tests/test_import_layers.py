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
    ("model", "collector", "text_table"),
    ("names", "parse", "files", "codec"),
    ("rules", "variants", "side_files", "terminology", "questions", "typo_filter", "postings", "term_prose"),
    ("load", "roles", "sidecar", "results", "said_names"),  # roles.yml is read as a side file
    ("db", "ranking", "meaning", "senses"),
    ("scan", "readback", "text_search"),
    ("open_ended",),  # the last step of a lookup: typos, full-text search and the meaning lane together
    ("lookup",),
    ("snapshot",),
    ("builder",),
    ("live",),
)
# The core: no import from the Slack adapter, so the command line and any other front door can use it alone.
CORE = (
    "bot.glossary",
    "bot.state",
    "bot.term_requests",
    "bot.governance",
    "bot.answers",
    "bot.runtime",
    "bot.workspaces",
)


# The Slack adapter, cut by feature, bottom layer first. A module may import Slack modules of its own folder and of
# any folder in an earlier layer; never a later layer, nor another folder of its own layer. Why this order:
#   kit      Block Kit pieces, ids, inputs, Deps, reviewers: what every feature is made of
#   install  the OAuth install: sealed tokens, slack_sdk's stores, uninstalls (app wires it in; no feature needs it)
#   outbox   letters delivered, modals opened; a request's letters are drawn by requests/, handed in by app
#   cards    a term card and what opens it (results, comparisons, explain, Helpful?): most features show one
#   requests, browse   the request form, triage, lists, detail; browsing (its answers open cards)
#   feedback, reviews  a 👎 and a digest's "Needs a change" both file a change request through requests/
#   home     the Home tab shows browse shelves, cards and requests
#   router   the one subcommand table for /define, mentions and DMs: reaches every feature's answer
#   assistant, unfurls, steps   where Slack now asks: the agent DM (it answers through the router's table), term
#            links that unfold (cards and Work Objects), Workflow Builder steps; none needs another
#   app      builds the Bolt app: registers every feature's listeners
SLACK_LAYERS = (
    ("kit", "install"),
    ("outbox",),
    ("cards",),
    ("requests", "browse"),
    ("feedback", "reviews"),
    ("home",),
    ("router",),
    ("assistant", "unfurls", "steps"),
    ("app",),
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
    assert "bot.glossary.db" in GRAPH["bot.glossary.text_search"]  # `from . import db`
    assert "bot.glossary.live" in GRAPH["bot.cli.main"]


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


# --- The top of bot/: its folders and the few modules that stay loose, lowest first. -------------------------
# An entry imports only entries of earlier tiers: the core at the bottom, then what a person gets, the running
# bot, its two front doors (Slack and MCP), the web front that serves Slack, and the command line above them all.
TOP_TIERS = (
    ("glossary", "githost"),  # githost: a git host client that knows nothing of the glossary
    ("config_install", "config_github", "config_ids"),  # parts of the settings, read for config; import nothing of ours
    # One room in two folders: the state schema keeps the request vocabulary (term_requests/rules.py), and the
    # request book stores in the state database. They may import each other; their modules still form no circle.
    ("state", "term_requests"),
    ("governance",),
    ("config", "answers", "exchange"),
    ("pulls",),  # changes as pull requests: the core's changes, opened on the git host, followed back
    ("workspaces",),  # each workspace's settings over the environment's, and which glossary answers it
    ("runtime", "startup", "logs"),
    ("slack", "mcp"),
    ("http",),
    ("cli",),
    ("__main__",),
)
SIDEWAYS = {("state", "term_requests"), ("term_requests", "state")}


def _top(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def test_every_entry_at_the_top_of_bot_has_a_tier():
    """A new folder or loose module at the top of bot/ must say where it sits (and the README's Layout with it)."""
    tiers = {entry for tier in TOP_TIERS for entry in tier}
    assert {_top(m) for m in GRAPH if m != "bot"} == tiers


def test_the_top_of_bot_imports_only_earlier_tiers():
    tier = {entry: n for n, entries in enumerate(TOP_TIERS) for entry in entries}
    wrong = set()
    for module, targets in GRAPH.items():
        for target in targets:
            here, there = _top(module), _top(target)
            if target == "bot" or here == there or (here, there) in SIDEWAYS:
                continue
            if tier.get(there, len(TOP_TIERS)) >= tier.get(here, -1):
                wrong.add(f"{module} imports {target}: bot/{there} is not below bot/{here}")
    assert sorted(wrong) == []


def test_the_tiers_rule_sees_real_imports():
    # Guards the tier check against passing on an empty graph: these imports are the architecture itself.
    assert "bot.http.serve" in GRAPH["bot.cli.main"] and "bot.slack.app" in GRAPH["bot.http.web"]
    assert "bot.runtime" in GRAPH["bot.mcp.server"] and "bot.answers.cards" in GRAPH["bot.runtime"]


def _slack_part(module: str) -> str | None:
    """The folder (or top-level module) of bot/slack a module belongs to; None outside bot/slack."""
    parts = module.split(".")
    return parts[2] if parts[:2] == ["bot", "slack"] and len(parts) > 2 else None


def test_every_slack_module_has_a_layer():
    layered = {part for layer in SLACK_LAYERS for part in layer}
    assert {_slack_part(m) for m in GRAPH if _slack_part(m)} == layered


def test_a_slack_folder_imports_only_its_own_and_earlier_layers():
    layer = {part: n for n, parts in enumerate(SLACK_LAYERS) for part in parts}
    wrong = []
    for module, targets in GRAPH.items():
        part = _slack_part(module)
        if part is None:
            continue
        for target in targets:
            to = _slack_part(target)
            if to is None:
                if target == "bot.slack":
                    wrong.append(f"{module} imports the bot.slack package itself")
                continue
            if to != part and layer[to] >= layer[part]:
                wrong.append(f"{module} imports {target}: {to}/ is not in a layer below {part}/")
    assert wrong == []


def test_the_slack_layer_reader_sees_real_imports():
    # Guards the check above against passing because no Slack module imports another.
    assert "bot.slack.kit.blocks" in GRAPH["bot.slack.cards.card"]
    assert "bot.slack.requests.filing" in GRAPH["bot.slack.feedback.handlers"]
