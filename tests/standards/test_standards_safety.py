"""What a manager saves in the standards editor cannot stall or break the service: a regular
expression that backtracks is matched in linear time, a phrase with a format spec is refused, and
numbers far out of range are refused, each with a 422 naming the key; customers go on being served."""

from __future__ import annotations

import copy
from typing import Any

from bot.keys import resources
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.cpu_time import cpu_seconds, cpu_seconds_awaiting
from tests.helpers import ChatSocket, confirmed_complaint, new_session
from tests.standards.support import greeting, section, signed_in

EVIL = "([a-p]+[a-p]+)+z"
"""Backtracks in Python's ``re``: each more character of an almost-match doubles the time."""
ALMOST = "abcdefghijklmnopabcdefghijk"
"""27 characters: 9 s of one CPU in ``re`` with :data:`EVIL` (the penetration tester's)."""


async def refused(client: Any, section_id: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    """The 422 answer to saving ``body`` as ``section_id``."""
    response = await client.put(f"/api/standards/{section_id}", json={"body": body}, headers=headers)
    assert response.status == 422, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def versions_in_force(client: Any) -> dict[str, int]:
    listed = await (await client.get("/api/standards")).json()
    return {item["section"]: item["version"] for item in listed["sections"]}


async def test_a_backtracking_pattern_does_not_stall_the_server(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    forbidden = (await section(client, "forbidden"))["body"]
    forbidden["patterns"].append({"id": "evil", "pattern": EVIL, "instead": "请您对我讲吧！", "examples": ["abz"]})
    saved = await client.put("/api/standards/forbidden", json={"body": forbidden}, headers=headers)
    assert saved.status == 200, await saved.text()

    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    try:
        await socket.until_bot_says("客服代表")
        await socket.send("我家停水两天了")
        await socket.caught_up()
        await socket.send("13812345678")
        await socket.caught_up()
        heard = len(socket.bot_texts())
        await socket.send(ALMOST)
        _, spent = await cpu_seconds_awaiting(socket.caught_up())
        assert spent < 2, "the place answer took as long as a backtracking match"
        assert len(socket.bot_texts()) > heard  # answered
    finally:
        await socket.close()
    health, spent = await cpu_seconds_awaiting(client.get("/healthz"))
    assert health.status == 200 and spent < 1

    # Agents' replies go through the same guard: a long almost-match is read at once, and the
    # pattern still catches what it should.
    guard = resources(client.app).guard
    checked: list[object] = []
    assert cpu_seconds(lambda: checked.append(guard.check(ALMOST * 70))) < 1
    assert checked == [None]
    hit = guard.check("abz")
    assert hit is not None and hit.pattern_id == "evil"


async def test_a_pattern_the_linear_engine_cannot_match_is_refused_saying_why(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    forbidden = (await section(client, "forbidden"))["body"]
    index = len(forbidden["patterns"])
    for pattern in (r"(你)\1", "(?<!不)管不了", "x" * 501):
        draft = copy.deepcopy(forbidden)
        draft["patterns"].append({"id": "slow", "pattern": pattern, "instead": "请您对我讲吧！", "examples": ["你你"]})
        answer = await refused(client, "forbidden", draft, headers)
        [problem] = answer["problems"]
        assert problem["path"] == f"forbidden.patterns.{index}.pattern"
        assert answer["error"].startswith(f"forbidden.patterns.{index}.pattern: ")
        if len(pattern) > 500:
            assert "500 characters" in problem["message"]
        else:
            assert "not a valid regular expression" in problem["message"]
            assert "look-around" in problem["message"] and "back-references" in problem["message"]
    assert (await versions_in_force(client))["forbidden"] == 1


OPENING = "{salutation}，{organisation}，%s号客服代表为您服务。"


async def test_a_phrase_with_a_format_spec_or_conversion_is_refused_naming_it(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    phrases = (await section(client, "phrases"))["body"]
    for placeholder in ("{work_number:d}", "{work_number:>300000}", "{work_number!r}", "{work_number!s:>2000000000}"):
        draft = copy.deepcopy(phrases)
        draft["zh-CN"]["phrases"]["greeting_opening"] = OPENING % placeholder
        answer = await refused(client, "phrases", draft, headers)
        [problem] = answer["problems"]
        assert problem["path"] == "phrases.zh-CN.phrases.greeting_opening"
        assert problem["message"].startswith(f"{placeholder}: write a placeholder as {{name}} alone")
    for placeholder in ("{}", "{0}"):
        draft = copy.deepcopy(phrases)
        draft["en"]["phrases"]["goodbye"] = f"Goodbye {placeholder}"
        [problem] = (await refused(client, "phrases", draft, headers))["problems"]
        assert problem["path"] == "phrases.en.phrases.goodbye"
        assert "a placeholder is a name in braces" in problem["message"]

    # How a deadline is said is .format()-ed too.
    draft = copy.deepcopy(phrases)
    draft["zh-CN"]["time_words"]["combine"] = "{day}{time:>999999}"
    [problem] = (await refused(client, "phrases", draft, headers))["problems"]
    assert problem["path"] == "phrases.zh-CN.time_words.combine"
    assert "{time:>999999}" in problem["message"]

    faq = (await section(client, "faq"))["body"]
    faq["entries"][0]["answer"]["en"] = "Our work number is {work_number:>300000}."
    [problem] = (await refused(client, "faq", faq, headers))["problems"]
    assert problem["path"] == "faq.entries.0.answer.en"
    assert "{work_number:>300000}" in problem["message"]

    # Nothing was stored; the next customer is greeted as before, at its usual length.
    assert (await versions_in_force(client))["phrases"] == 1
    assert (await versions_in_force(client))["faq"] == 1
    said = await greeting(client, "客服代表")
    assert "客服代表为您服务" in said and len(said) < 200


async def test_numbers_out_of_range_are_refused_and_complaints_still_get_a_case_number(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    deadlines = (await section(client, "deadlines"))["body"]
    for hours in (1e12, 1e7, 721):
        draft = copy.deepcopy(deadlines)
        draft["table"]["simple"]["standard"] = hours
        [problem] = (await refused(client, "deadlines", draft, headers))["problems"]
        assert problem["path"] == "deadlines.table.simple.standard"
        assert problem["message"] == "Input should be less than or equal to 720"
    draft = copy.deepcopy(deadlines)
    draft["overrides"][0]["deadline"] = {"hours": 1e7}
    [problem] = (await refused(client, "deadlines", draft, headers))["problems"]
    assert problem["path"] == "deadlines.overrides.0.deadline.hours"
    draft = copy.deepcopy(deadlines)
    draft["overrides"][-1]["deadline"] = {"working_days": 100_000}
    [problem] = (await refused(client, "deadlines", draft, headers))["problems"]
    assert problem["path"] == f"deadlines.overrides.{len(draft['overrides']) - 1}.deadline.working_days"
    assert problem["message"] == "Input should be less than or equal to 30"

    followups = (await section(client, "followups"))["body"]
    followups["progress_days"]["engineering_repair"] = 0.00002
    [problem] = (await refused(client, "followups", followups, headers))["problems"]
    assert problem["path"] == "followups.progress_days.engineering_repair"
    assert problem["message"] == "Input should be greater than or equal to 0.5"

    timers = (await section(client, "timers"))["body"]
    timers["idle_close_after"] = 10**12
    [problem] = (await refused(client, "timers", timers, headers))["problems"]
    assert problem["path"] == "timers.idle_close_after"

    assert set((await versions_in_force(client)).values()) == {1}
    _, socket = await confirmed_complaint(client)
    await socket.close()

    # A value at the limit is a standard like any other.
    deadlines["table"]["complex"]["standard"] = 720
    saved = await client.put("/api/standards/deadlines", json={"body": deadlines}, headers=headers)
    assert saved.status == 200, await saved.text()
