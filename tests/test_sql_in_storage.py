"""Every SQL statement lives in the storage layer (docs/architecture.md, "Where SQL lives").

Each module of bot/ and workers/ is read with ``ast``: outside the storage modules, no call may
build a statement (``select``, ``insert``, ``update``, ``delete`` or ``text`` imported from
sqlalchemy, however named), run one (``.execute(`` with an argument; a Redis pipeline's
``execute()`` takes none), or write ORM objects through a session (``.add(``, ``.add_all(``,
``.delete(``, ``.flush(`` called on a session: see :func:`session_writes`). The modules that still
do are listed in ``NOT_MOVED_YET`` with what they hold; the test fails on any other, and on a
listed one that no longer needs its entry, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "workers")

STORAGE_LAYER = ("bot.storage",)
STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})
SESSION_WRITES = frozenset({"add", "add_all", "delete", "flush"})
SESSION_NAMES = frozenset({"session", "s"})
SESSION_TYPES = frozenset({"Session", "AsyncSession"})

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


def _is_session_type(annotation: ast.expr | None) -> bool:
    """``Session``, ``AsyncSession`` (however qualified or quoted), or either ``| None``."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _is_session_type(annotation.left) or _is_session_type(annotation.right)
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return _is_session_type(ast.parse(annotation.value, mode="eval").body)
    return isinstance(annotation, (ast.Name, ast.Attribute)) and ast.unparse(annotation).split(".")[-1] in SESSION_TYPES


class _SessionWrites(ast.NodeVisitor):
    """Finds ``.add(``, ``.add_all(``, ``.delete(`` and ``.flush(`` called on a session: a name
    ``session`` or ``s``, an attribute ``.session`` or ``.s``, or a name that, where the call is, is a
    parameter or variable annotated ``Session``/``AsyncSession``. Anything else (a set's ``add``,
    a Redis ``delete``, the pipeline batch's ``flush(session, ...)``) is not a session."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self._scopes: list[set[str]] = [set(SESSION_NAMES)]

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
        typed = {argument.arg for argument in every if argument is not None and _is_session_type(argument.annotation)}
        self._scopes.append(self._scopes[-1] | typed)
        self.generic_visit(node)
        self._scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and _is_session_type(node.annotation):
            self._scopes[-1].add(node.target.id)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in SESSION_WRITES and self._is_session(func.value):
            self.found.append(f"{node.lineno}: {ast.unparse(func.value)}.{func.attr}(")
        self.generic_visit(node)

    def _is_session(self, owner: ast.expr) -> bool:
        if isinstance(owner, ast.Name):
            return owner.id in self._scopes[-1]
        return isinstance(owner, ast.Attribute) and owner.attr in SESSION_NAMES


def session_writes(source: str) -> list[str]:
    """``line: call`` for each ORM write through a session in ``source`` (see :class:`_SessionWrites`)."""
    finder = _SessionWrites()
    finder.visit(ast.parse(source))
    return sorted(finder.found, key=lambda call: int(call.split(":")[0]))


def _offenders() -> dict[str, list[str]]:
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module_name(path)
            source = path.read_text(encoding="utf-8")
            if not _in_storage(module) and (calls := sql_calls(source) + session_writes(source)):
                offenders[module] = calls
    return offenders


def test_no_module_outside_storage_builds_or_runs_sql() -> None:
    unexpected = {module: calls for module, calls in _offenders().items() if module not in NOT_MOVED_YET}
    assert not unexpected, f"SQL or ORM writes outside the storage layer (move them into bot/storage/): {unexpected}"


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


def test_the_check_sees_orm_writes_through_a_session() -> None:
    source = (
        "from sqlalchemy.orm import Session\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "async def f(session, s, holder):\n"
        "    session.add(row)\n"
        "    await s.flush()\n"
        "    holder.session.delete(row)\n"
        "def g(tx: Session, other: 'AsyncSession | None'):\n"
        "    tx.add_all(rows)\n"
        "    other.flush()\n"
        "async def h(sessions):\n"
        "    db: AsyncSession\n"
        "    async with sessions() as db:\n"
        "        db.add(row)\n"
    )
    assert session_writes(source) == [
        "4: session.add(",
        "5: s.flush(",
        "6: holder.session.delete(",
        "8: tx.add_all(",
        "9: other.flush(",
        "13: db.add(",
    ]


def test_the_check_leaves_sets_redis_and_batches_alone() -> None:
    source = (
        "from sqlalchemy.orm import Session\n"
        "def f(tx: Session):\n"
        "    return tx\n"
        "def g(tx, redis, pipe, batch, session):\n"
        "    seen = set()\n"
        "    seen.add(1)\n"
        "    tx.add(2)\n"
        "    self._sockets.add(socket)\n"
        "    redis.delete(key)\n"
        "    pipe.delete(key)\n"
        "    batch.flush(session, now)\n"
        "    batch.add(session, conversation)\n"
        "    sessions.setdefault(staff.session, set()).add(staff)\n"
    )
    assert session_writes(source) == []
