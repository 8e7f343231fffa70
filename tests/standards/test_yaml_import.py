"""YAML a manager imports (``PUT /api/standards/{section}`` {"yaml": ...}): anchors and aliases
("billion laughs") and deep nesting are refused, a body over 768 KiB is a 413, and a draft with
thousands of problems gets a bounded 422. A normal import still works."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml

from bot.staff.accounts import Role
from bot.staff.standards_api import MAX_BODY_BYTES, MAX_PROBLEM_CHARS, MAX_PROBLEMS
from bot.standards import versions, yaml_import
from tests.conftest import AppFactory
from tests.standards.support import section, signed_in


def alias_bomb(groups: int = 300, keywords: int = 300, chars: int = 1000) -> str:
    """One FAQ entry whose keywords are ``groups`` aliases of a list of ``keywords`` aliases of a
    ``chars``-character string: under 3 KB of YAML, 90 million characters once expanded."""
    keyword = f'&k "{"长" * chars}"'
    group = "&g [" + ", ".join([keyword] + ["*k"] * (keywords - 1)) + "]"
    return (
        "entries:\n"
        "  - id: bomb\n"
        "    keywords: [" + ", ".join([group] + ["*g"] * (groups - 1)) + "]\n"
        "    answer: {zh-CN: 好的, en: Fine}\n"
    )


async def versions_of(client: Any, section_id: str) -> list[int]:
    history = await (await client.get(f"/api/standards/{section_id}/history")).json()
    return [entry["version"] for entry in history["versions"]]


async def test_an_alias_bomb_is_refused_at_once_and_nothing_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    bomb = alias_bomb()
    assert len(bomb) < 5_000

    started = time.monotonic()
    response = await client.put("/api/standards/faq", json={"yaml": bomb, "note": "more keywords"}, headers=headers)
    assert time.monotonic() - started < 5
    assert response.status == 422
    assert len(await response.read()) < 2_000
    answer = await response.json()
    assert answer["problems"][0]["path"] == "faq"
    assert "aliases" in answer["error"] and "line 3" in answer["error"]

    assert await versions_of(client, "faq") == [1]
    assert (await section(client, "faq"))["version"] == 1
    assert (await client.get("/healthz")).status == 200


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("entries: &e []\n", id="an-anchor-alone"),
        pytest.param("entries: []\nmore: *e\n", id="an-alias-to-nothing"),
        pytest.param("entries: " + "[" * 100 + "]" * 100 + "\n", id="nested-100-deep"),
        pytest.param("entries: " + "[" * 2000 + "]" * 2000 + "\n", id="nested-deeper-than-the-parser-goes"),
        pytest.param("entries: []\n---\nentries: []\n", id="two-documents"),
        pytest.param("entries: !!python/object/apply:os.system [true]\n", id="a-python-object"),
    ],
)
async def test_yaml_that_is_not_plain_data_is_refused(make_client: AppFactory, text: str) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    response = await client.put("/api/standards/faq", json={"yaml": text}, headers=headers)
    assert response.status == 422, await response.text()
    assert (await response.json())["problems"][0]["path"] == "faq"
    assert await versions_of(client, "faq") == [1]


async def test_a_body_over_256_kib_is_a_413_and_nothing_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    faq = await section(client, "faq")
    padding = "# " + "x" * MAX_BODY_BYTES + "\n"
    text = versions.as_yaml(faq["body"]) + padding

    response = await client.put("/api/standards/faq", json={"yaml": text}, headers=headers)
    assert response.status == 413
    assert "768 KiB" in (await response.json())["error"]

    body = {**faq["body"], "entries": [*faq["body"]["entries"], {"padding": "x" * MAX_BODY_BYTES}]}
    response = await client.put("/api/standards/faq", json={"body": body}, headers=headers)
    assert response.status == 413

    async def chunks() -> Any:  # no Content-Length: the limit holds on what was read
        yield b'{"yaml": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b"#" * 1024
        yield b'"}'

    response = await client.put(
        "/api/standards/faq", data=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status == 413

    tried = await client.post(
        "/api/standards/try", json={"text": "宽带断了", "classification": {"x": "y" * MAX_BODY_BYTES}}, headers=headers
    )
    assert tried.status == 413
    assert await versions_of(client, "faq") == [1]


async def test_hundreds_of_problems_get_a_bounded_answer(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    forbidden = (await section(client, "forbidden"))["body"]
    examples = [f"{n} " + "a" * 400 for n in range(500)]  # none caught: each is a problem quoting it
    forbidden["patterns"].append({"id": "never", "pattern": "zzz", "instead": "您好", "examples": examples})
    text = versions.as_yaml(forbidden)
    assert len(text.encode()) < MAX_BODY_BYTES

    response = await client.put("/api/standards/forbidden", json={"yaml": text}, headers=headers)
    assert response.status == 422
    assert len(await response.read()) < 32 * 1024
    answer = await response.json()
    assert len(answer["problems"]) == MAX_PROBLEMS and answer["more_problems"] == 500 - MAX_PROBLEMS
    assert all(len(problem["message"]) <= MAX_PROBLEM_CHARS for problem in answer["problems"])
    assert answer["problems"][0]["message"].startswith("the pattern 'never' does not catch '0 aaa")
    assert answer["problems"][0]["message"].endswith("…")
    assert await versions_of(client, "forbidden") == [1]


async def test_a_normal_yaml_edit_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    exported = await (await client.get("/api/standards/faq?format=yaml")).text()
    assert "&" not in exported and "*" not in exported
    data = yaml.safe_load(exported)
    data["entries"][0]["keywords"][0].append("营业几点")
    edit = {"yaml": versions.as_yaml(data), "note": "一个说法", "base_version": 1}
    response = await client.put("/api/standards/faq", json=edit, headers=headers)
    assert response.status == 200, await response.text()
    assert "营业几点" in (await response.json())["body"]["entries"][0]["keywords"][0]
    assert await versions_of(client, "faq") == [2, 1]


def test_the_loader_reads_plain_yaml_as_safe_load_does() -> None:
    text = "a: [1, 2.5, 'x']\nb: {c: null, d: true}\nwhen: 2026-01-01\n<<: {e: 1}\n"
    assert yaml_import.load(text) == yaml.safe_load(text)
    assert yaml_import.load("") is None


def test_an_export_never_writes_an_anchor() -> None:
    shared = ["营业时间", "opening hours"]
    body = {"entries": [{"keywords": [shared, shared]}, {"keywords": [shared]}]}
    text = versions.as_yaml(body)
    assert "&" not in text and "*" not in text
    assert yaml_import.load(text) == body
