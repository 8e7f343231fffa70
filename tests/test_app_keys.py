"""Handlers read the one ``Resources`` (docs/architecture.md, "Composition").

Each module of bot/ and workers/ is read with ``ast`` for the ``AppKey``s it makes: besides
``resources_key`` only keys for what ``Resources`` does not hold may exist, so a view onto it
(a pipeline, gateway or adapter key) cannot come back.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "workers")

EXPECTED = {
    ("bot/keys.py", "resources_key"),
    ("bot/staff/auth.py", "staff_auth_key"),
    ("bot/staff/event_socket.py", "staff_hub_key"),
    ("bot/channels/sms/stub.py", "stub_key"),
    ("bot/web/client_address.py", "client_addresses_key"),
    # issue 15 (typing): the relay owns its in-flight provider typing calls; Resources does not hold it.
    ("bot/staff/typing_api.py", "typing_relay_key"),
    # Web chat flood limits: each instance keeps its customers' pace; Resources does not hold it.
    ("bot/channels/webchat/routes.py", "flood_guards_key"),
}


def app_keys(source: str) -> set[str]:
    """The names assigned an ``AppKey(...)`` (``web.AppKey`` or imported bare) in ``source``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        value: ast.expr | None
        targets: list[ast.expr]
        if isinstance(node, ast.Assign):
            value, targets = node.value, node.targets
        elif isinstance(node, ast.AnnAssign):
            value, targets = node.value, [node.target]
        else:
            continue
        if not isinstance(value, ast.Call):
            continue
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "AppKey":
            found.update(target.id for target in targets if isinstance(target, ast.Name))
    return found


def test_only_resources_and_what_it_does_not_hold_have_app_keys() -> None:
    made = {
        (path.relative_to(ROOT).as_posix(), key)
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for key in app_keys(path.read_text(encoding="utf-8"))
    }
    assert made == EXPECTED, f"made {sorted(made - EXPECTED)}, gone {sorted(EXPECTED - made)}"


def test_the_reader_sees_app_keys_however_written() -> None:
    source = (
        "from aiohttp import web\n"
        "from aiohttp.web import AppKey\n"
        "a_key = web.AppKey('a', int)\n"
        "b_key: web.AppKey[str] = AppKey('b')\n"
        "other = dict(AppKey=1)\n"
    )
    assert app_keys(source) == {"a_key", "b_key"}
