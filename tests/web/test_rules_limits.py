"""A manager cannot save routing rules too big to run at every hand-off (a rule of 100,000
keywords, a keyword the length of a text, thousands of rules): the save is refused with a 400
naming the rule, the field and the limit, the rules in force stay as they were, and the rules
page says so in the manager's language."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handoff import rulebook
from bot.keys import resources
from bot.rules import MAX_KEYWORD_CHARS, MAX_KEYWORDS, MAX_KEYWORDS_IN_ALL, MAX_RULES, STORED, RuleSet
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.handoff.rules_helpers import BILLING_RULE
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in


def keyword_rule(keywords: list[str], name: str = "关键词转账单组") -> dict[str, Any]:
    return {"name": name, "when": {"keywords": keywords}, "then": {"queue": "billing"}}


async def saved(client: Any, rules: list[dict[str, Any]], note: str = "试一试") -> tuple[int, dict[str, Any]]:
    headers = {"X-CSRF-Token": await api_sign_in(client, "boss")}
    response = await client.put("/api/rules", json={"rules": rules, "note": note}, headers=headers)
    body: dict[str, Any] = await response.json()
    return response.status, body


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        pytest.param(
            [BILLING_RULE, keyword_rule([f"k{index}" for index in range(100_000)])],
            {"code": "too_long", "path": "rules[1].when.keywords", "rule": 2, "limit": MAX_KEYWORDS},
            id="a rule of 100,000 keywords",
        ),
        pytest.param(
            [keyword_rule(["话费", "扣" * 10_000])],
            {"code": "string_too_long", "path": "rules[0].when.keywords[1]", "rule": 1, "limit": MAX_KEYWORD_CHARS},
            id="a keyword the length of a text",
        ),
        pytest.param(
            [keyword_rule([f"词{rule}-{index}" for index in range(MAX_KEYWORDS)], f"规则{rule}") for rule in range(11)],
            {"code": "too_many_keywords", "path": "rules", "limit": MAX_KEYWORDS_IN_ALL},
            id="keywords in all the rules",
        ),
        pytest.param(
            [{**BILLING_RULE, "name": f"规则{index}"} for index in range(MAX_RULES + 1)],
            {"code": "too_long", "path": "rules", "limit": MAX_RULES},
            id="too many rules",
        ),
        pytest.param(
            [{**BILLING_RULE, "when": {"categories": ["billing"] * 50_000}}],
            {"code": "too_long", "path": "rules[0].when.categories", "rule": 1},
            id="one category listed 50,000 times",
        ),
    ],
)
async def test_rules_too_big_to_run_are_refused_and_the_ones_in_force_stay(
    make_client: AppFactory, rules: list[dict[str, Any]], problem: dict[str, Any]
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await api_sign_in(client, "boss")
    before = await (await client.get("/api/rules")).json()
    status, body = await saved(client, rules)
    assert status == 400, body
    assert {key: body.get(key) for key in problem} == problem
    assert body["error"].startswith(problem["path"])
    after = await (await client.get("/api/rules")).json()
    assert after["version"] == before["version"] and after["rules"] == before["rules"]


async def test_a_note_of_a_whole_book_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    status, body = await saved(client, [BILLING_RULE], note="改" * 100_000)
    assert status == 400 and body["field"] == "note" and body["code"] == "string_too_long"


async def test_rules_at_the_limits_are_saved(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    rules = [keyword_rule([f"{index:03d}" + "词" * (MAX_KEYWORD_CHARS - 3) for index in range(MAX_KEYWORDS)])]
    status, body = await saved(client, rules)
    assert status == 200, body
    assert len(body["rules"][0]["when"]["keywords"]) == MAX_KEYWORDS


async def test_a_version_saved_before_the_limits_stays_in_force_whole(make_client: AppFactory) -> None:
    """Rules saved when no limit stood (300 keywords in one rule) are read back whole, never
    dropped for a limit set since: the routing in force does not change under the managers."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    big = [keyword_rule([f"k{index}" for index in range(MAX_KEYWORDS + 100)])]
    rule_set = RuleSet.model_validate({"rules": big}, context={STORED: True})
    shared = resources(client.app)
    now = shared.clock()
    await shared.database.write(
        lambda session: rulebook.save(session, rule_set, "boss", "旧版本", shared.config.rules, now)
    )
    await api_sign_in(client, "boss")
    body = await (await client.get("/api/rules")).json()
    assert len(body["rules"][0]["when"]["keywords"]) == MAX_KEYWORDS + 100


@pytest.mark.browser
async def test_the_rules_page_says_which_rule_is_too_big(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context()).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/manager/#rules")))
        await sign_in(page, "boss")
        keywords = page.locator("[data-field='when.keywords']").first
        await expect(keywords).to_be_visible(timeout=10_000)
        await keywords.fill(", ".join(f"词{index}" for index in range(MAX_KEYWORDS + 1)))
        await page.fill("#rules-note", "加关键词")
        await page.click("#rules-save")
        message = page.locator("#rules-message")
        await expect(message).to_have_text(f"规则 #1 的关键词：最多 {MAX_KEYWORDS} 项", timeout=10_000)
        await expect(message).not_to_contain_text("400")
        await browser.close()
        assert errors == []
