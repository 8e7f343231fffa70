"""docs/reliability.md names the test behind each guarantee: every name must exist."""

from __future__ import annotations

import re

from bot.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "reliability.md"
# `tests/a/b.py`, `tests/a/b.py::test_x` or `::test_x` (same file as the previous reference).
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def test_every_test_the_reliability_page_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    current: str | None = None
    named = 0
    for match in REFERENCE.finditer(text):
        path, name = match.groups()
        if path is None and name is None:
            continue
        if path is not None:
            current = path
            assert (PROJECT_ROOT / path).is_file(), f"{path} does not exist"
        assert current is not None, f"`::{name}` names no file before it"
        if name is not None:
            source = (PROJECT_ROOT / current).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{current}::{name} does not exist"
            named += 1
    assert named >= 30
