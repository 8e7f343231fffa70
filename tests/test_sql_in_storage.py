"""Every SQL statement lives in the storage layer (docs/architecture.md, "Where SQL lives").

Each module of bot/ and workers/ is read with ``ast``: outside the storage modules, no call may
build a statement (``select``, ``insert``, ``update``, ``delete`` or ``text`` imported from
sqlalchemy, however named) or run one (``.execute(`` with an argument; a Redis pipeline's
``execute()`` takes none). The modules that still do are listed in ``NOT_MOVED_YET`` with what
they hold; the test fails on any other, and on a listed one that no longer needs its entry, so
the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "workers")

STORAGE_LAYER = ("bot.storage",)
STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})

# Modules that still build or run SQL, each with what it holds; to be emptied into a storage module.
NOT_MOVED_YET: dict[str, str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _in_storage(module: str) -> bool:
    return any(module == layer or module.startswith(f"{layer}.") for layer in STORAGE_LAYER)


def sql_calls(source: str) -> list[str]:
    """``line: call`` for each call in ``source`` that builds or runs SQL."""
    tree = ast.parse(source)
    builders: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
            builders.update(alias.asname or alias.name for alias in node.names if alias.name in STATEMENT_BUILDERS)
            modules.update(alias.asname or alias.name for alias in node.names if alias.name not in STATEMENT_BUILDERS)
        elif isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name for alias in node.names if alias.name.startswith("sqlalchemy"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in builders:
            found.append(f"{node.lineno}: {func.id}(")
        elif isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            if func.attr in STATEMENT_BUILDERS and (owner in modules or owner.startswith("sqlalchemy")):
                found.append(f"{node.lineno}: {owner}.{func.attr}(")
            elif func.attr == "execute" and (node.args or node.keywords):
                found.append(f"{node.lineno}: .execute(")
    return sorted(found, key=lambda call: int(call.split(":")[0]))


def _offenders() -> dict[str, list[str]]:
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module_name(path)
            if not _in_storage(module) and (calls := sql_calls(path.read_text(encoding="utf-8"))):
                offenders[module] = calls
    return offenders


def test_no_module_outside_storage_builds_or_runs_sql() -> None:
    unexpected = {module: calls for module, calls in _offenders().items() if module not in NOT_MOVED_YET}
    assert not unexpected, f"SQL outside the storage layer (move it into bot/storage/): {unexpected}"


def test_the_allow_list_only_names_modules_that_still_need_it() -> None:
    offenders = _offenders()
    stale = sorted(module for module in NOT_MOVED_YET if module not in offenders)
    assert not stale, f"these modules hold no SQL any more: remove them from NOT_MOVED_YET: {stale}"


def test_the_check_sees_builders_under_any_name_and_statements_run() -> None:
    source = (
        "import sqlalchemy as sa\n"
        "from sqlalchemy import select as pick, func\n"
        "def f(session, pipe):\n"
        "    session.execute(pick(1))\n"
        "    sa.update(2)\n"
        "    pipe.execute()\n"
        "    func.count()\n"
    )
    assert sorted(sql_calls(source)) == ["4: .execute(", "4: pick(", "5: sa.update("]
    assert sql_calls("import sqlalchemy\nsqlalchemy.delete(t)\n") == ["2: sqlalchemy.delete("]
