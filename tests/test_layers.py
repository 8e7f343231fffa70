"""Import-layer contracts: lower layers never import higher ones (docs/architecture.md, "Layers").

Every import in bot/ and workers/ is read with ``ast`` (inside functions and ``TYPE_CHECKING``
blocks too), so a dependency cannot hide from the rules. The imports that break a rule today are
listed in ``KNOWN_VIOLATIONS``; the test fails on any other, and on a listed one that is gone, so
the list only shrinks as the regroup of issue 10 removes them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "workers")

STORAGE = ("bot.storage", "sqlalchemy")
IO_LIBRARIES = ("redis", "arq", "aiohttp", "telegram", "wechatpy", "asyncpg", "aiosqlite")
CORE_TYPES = (
    "bot.core.messages",
    "bot.core.staff_event",
    "bot.core.redis_keys",
    "bot.core.redis_replies",
    "bot.core.phones",
    "bot.core.timeline",
    "bot.core.ticket_reason",
    "bot.core.clock",
    "bot.core.manager_patterns",
    "bot.core.scripts",
)
CHANNEL_ADAPTERS = (
    "bot.channels.base",
    "bot.channels.registry",
    "bot.channels.text_input",
    "bot.channels.sms.adapter",
    "bot.channels.sms.stub",
    "bot.channels.telegram.adapter",
    "bot.channels.wechat.adapter",
    "bot.channels.wechat.window",
    "bot.channels.webchat.adapter",
    "bot.channels.webchat.typing",  # issue 15 (typing)
)
# HTTP routes: the top of the tree, assembled by the app.
ROUTES = (
    "bot.web",
    "bot.channels.sms.routes",
    "bot.channels.telegram.routes",
    "bot.channels.wechat.routes",
    "bot.channels.webchat.routes",
    "bot.staff.api",
    "bot.staff.api_document",
    "bot.staff.audit",
    "bot.staff.audit_api",
    "bot.staff.auth",
    "bot.staff.bodies",
    "bot.staff.console",
    "bot.staff.dashboard",
    "bot.staff.deliveries",
    "bot.staff.event_socket",
    "bot.staff.rules_api",
    "bot.staff.accounts_api",  # the manager console's 人员 tab
    "bot.staff.standards_api",
    "bot.staff.understanding_api",
    "bot.staff.reports_api",
    "bot.staff.search_api",  # issue 15 (agent console search)
    "bot.staff.customer_api",  # issue 15 (agent console: customer panel)
    "bot.staff.canned_api",  # issue 15 (agent console: team canned replies)
    "bot.promises.api",
    "bot.media.routes",  # issue 15 (photos)
    "bot.staff.photo_api",  # issue 15 (agents' photos)
    "bot.media.uploads",  # issue 15: reading photo uploads, for the routes
    "bot.staff.typing_api",  # issue 15 (typing)
    "bot.staff.locale_api",  # issue 15 (the console language)
    "bot.staff.my_work_api",  # the console's "My conversations"
    "bot.staff.complaint_api",  # staff correct a case's form
    "bot.staff.reply_guard",  # the guard's 422s and audit notes for the routes that send staff text
    "bot.staff.reauth",  # the caller's password asked again, for the account routes
)
COMPOSITION = ("bot.app", "bot.keys", "bot.resources", "workers")
ABOVE_THE_ENGINE = (
    *ROUTES,
    *COMPOSITION,
    "bot.core.pipeline",
    "bot.outbound.gateway",
    "bot.outbound.outbox",
    "bot.handoff",
    "bot.promises",
    "bot.staff",
)


@dataclass(frozen=True)
class Rule:
    """Modules under ``importers`` (except ``exempt``) import nothing under ``forbidden`` (except
    ``allowed``). A name matches that module and everything below it."""

    name: str
    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    exempt: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()


RULES = (
    Rule("core types are the bottom layer", importers=CORE_TYPES, forbidden=("bot", "workers")),
    Rule(
        "configuration and the manager rules depend only on core types",
        importers=("bot.config", "bot.rules"),
        forbidden=("bot", "workers"),
        # queue.yaml's served_first names ticket reasons: a core type like the messages
        allowed=("bot.core.messages", "bot.core.manager_patterns", "bot.core.ticket_reason", "bot.rules"),
    ),
    Rule(
        "understanding reads configuration only: no engine, flows, storage, channels or anything above",
        importers=("bot.understanding",),
        forbidden=(
            "bot.core.engine",
            "bot.flows",
            *STORAGE,
            "bot.channels",
            "bot.outbound",
            *ABOVE_THE_ENGINE,
        ),
    ),
    Rule(
        "the engine and the flows are pure: no channels, web, staff, workers, storage, Redis or effects",
        importers=("bot.core.engine", "bot.flows"),
        forbidden=("bot.channels", *STORAGE, "bot.core.redis_keys", *IO_LIBRARIES, "bot.outbound", *ABOVE_THE_ENGINE),
    ),
    Rule(
        # Every writer returns Effects and the gateway commits them: the types sit below both.
        "effects are plain types below the pipeline, the outbound gateway, storage and the routes",
        importers=("bot.outbound.effects",),
        forbidden=(
            "bot.core.engine",
            "bot.channels",
            *STORAGE,
            *IO_LIBRARIES,
            *ABOVE_THE_ENGINE,
        ),
        allowed=("bot.promises.timers",),
    ),
    Rule(
        "storage sits below flows, effects, channels, staff, routes and workers",
        importers=("bot.storage",),
        forbidden=(
            "bot.core.engine",
            "bot.flows",
            "bot.understanding",
            "bot.channels",
            "bot.outbound",
            *ABOVE_THE_ENGINE,
        ),
        # The flow's typed data and records, and the case timers' kinds and due times, are plain
        # data types and pure functions (they import only configuration), stored and loaded by storage.
        allowed=("bot.flows.data", "bot.flows.records", "bot.promises.timers"),
    ),
    Rule(
        "channel adapters touch neither storage nor the engine, flows, effects or anything above",
        importers=CHANNEL_ADAPTERS,
        forbidden=(*STORAGE, "bot.core.engine", "bot.flows", "bot.understanding", "bot.outbound", *ABOVE_THE_ENGINE),
    ),
    Rule(
        "outbound, handoff, promises and staff sit below the pipeline that runs them and the routes",
        importers=("bot.outbound", "bot.handoff", "bot.promises", "bot.staff"),
        forbidden=("bot.core.pipeline", *ROUTES, *COMPOSITION),
        exempt=ROUTES,
    ),
    Rule(
        "the routes are the top: only the app and other routes import them",
        importers=PACKAGES,
        forbidden=ROUTES,
        exempt=(*ROUTES, "bot.app"),
    ),
    Rule(
        # After-commit effects leave through OutboundGateway.commit. The live queue's sync is the
        # gateway's own first step and publishes its queue event as soon as Redis holds the
        # change; the pipeline publishes from its lock-release script (no import).
        "staff events are published only by the outbound gateway and the live queue's sync",
        importers=PACKAGES,
        forbidden=("bot.staff.events",),
        exempt=("bot.staff.events", "bot.outbound.gateway", "bot.handoff.live_queue"),
    ),
    Rule(
        # The CLI starts either the app or a worker, so it stands above both.
        "workers may import bot; bot never imports workers",
        importers=("bot",),
        forbidden=("workers",),
        exempt=("bot.__main__",),
    ),
    Rule("nothing imports the tests", importers=PACKAGES, forbidden=("tests",)),
)

# (importer, imported): each breaks a rule above today; the regroup of issue 10 removes them, and
# this test then asks for the entry to go.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported_modules(module: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """Every module ``source`` imports, wherever the import statement is; ``from a import b``
    counts as ``a.b`` when that is one of the ``known`` modules, else as ``a``."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known
            found.update(submodules or {target})
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


def broken_rules(graph: dict[str, set[str]]) -> dict[tuple[str, str], list[str]]:
    """(importer, imported) → the names of the rules that import breaks."""
    broken: dict[tuple[str, str], list[str]] = {}
    for importer, targets in graph.items():
        for rule in RULES:
            if not within(importer, rule.importers) or within(importer, rule.exempt):
                continue
            for target in targets:
                if within(target, rule.forbidden) and not within(target, rule.allowed) and target != importer:
                    broken.setdefault((importer, target), []).append(rule.name)
    return broken


def import_graph() -> dict[str, set[str]]:
    modules = source_modules()
    known = set(modules)
    return {
        name: imported_modules(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)
        for name, path in modules.items()
    }


@pytest.fixture(scope="module")
def broken() -> dict[tuple[str, str], list[str]]:
    return broken_rules(import_graph())


def test_no_import_breaks_a_layer_rule_beyond_the_known_ones(broken: dict[tuple[str, str], list[str]]) -> None:
    new = {pair: rules for pair, rules in broken.items() if pair not in KNOWN_VIOLATIONS}
    assert not new, "imports against the layers:\n" + "\n".join(
        f"  {importer} imports {imported}: {'; '.join(rules)}" for (importer, imported), rules in sorted(new.items())
    )


def test_every_known_violation_is_still_there(broken: dict[tuple[str, str], list[str]]) -> None:
    fixed = KNOWN_VIOLATIONS - set(broken)
    assert not fixed, "no longer imported (good): remove from KNOWN_VIOLATIONS:\n" + "\n".join(
        f"  {importer} -> {imported}" for importer, imported in sorted(fixed)
    )


def test_every_rule_names_modules_that_exist() -> None:
    modules = set(source_modules())
    for rule in RULES:
        for prefix in (*rule.importers, *rule.exempt, *rule.allowed):
            assert any(within(module, (prefix,)) for module in modules), f"{rule.name}: no module {prefix}"


def test_the_reader_sees_every_kind_of_import() -> None:
    source = """
import bot.outbound.gateway
from bot import store, config
from . import engine
from ..web import chat
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from workers.jobs import fire_timer

def later():
    import redis.asyncio
"""
    known = {"bot.store", "bot.config", "bot.flows.engine", "bot.web.chat"}
    found = imported_modules("bot.flows.complaint", source, is_package=False, known=known)
    assert found == {
        "bot.outbound.gateway",
        "bot.store",
        "bot.config",
        "bot.flows.engine",
        "bot.web.chat",
        "typing",
        "workers.jobs",
        "redis.asyncio",
    }


def test_a_forbidden_import_is_reported() -> None:
    graph = {
        "bot.flows.complaint": {"bot.storage.store", "bot.core.messages"},
        "bot.storage.store": {"bot.storage.models"},
    }
    assert broken_rules(graph) == {
        ("bot.flows.complaint", "bot.storage.store"): [
            "the engine and the flows are pure: no channels, web, staff, workers, storage, Redis or effects"
        ]
    }


def test_tests_take_helpers_from_helper_modules_not_from_other_tests() -> None:
    """A test module is a leaf: what several need lives in a helper module (tests/helpers.py,
    tests/staff.py, tests/browser.py, …), so running or deleting one test file never breaks another."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("tests.") and module.rsplit(".", 1)[-1].startswith("test_"):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, offenders
