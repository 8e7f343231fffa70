"""The customer hears how their case was resolved: the summary the agent wrote when resolving it is
told with the satisfaction callback's question; a summary holding a forbidden phrase is refused as
an agent's reply is, and the case stays open."""

from __future__ import annotations

from typing import Any

from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.promises.support import (
    claim_and_resolve,
    claim_case,
    complaint,
    promised_case,
    promised_case_in_english,
    run_due,
)


async def _resolved_status(client: Any, conversation_id: int) -> bool:
    return (await complaint(client, conversation_id)).status == "resolved"


async def test_the_callback_tells_the_customer_the_summary_the_agent_wrote(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id)  # "已更换电梯控制板"
    await eventually(lambda: _resolved_status(client, conversation_id))
    clock.advance(hours=2)
    await run_due(client)
    asked = await socket.until_bot_says("1到5分")
    assert "已处理完毕：已更换电梯控制板。请问您对这次处理是否满意" in asked["text"]
    await socket.close()


async def test_a_summary_with_a_forbidden_phrase_is_refused_and_the_case_stays_open(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await claim_case(client, conversation_id)
    refused = await client.post(
        f"/api/conversations/{conversation_id}/resolve",
        json={"summary": "已经处理了，对不起，我们的规定就是这样的"},
        headers=headers,
    )
    assert refused.status == 422
    body = await refused.json()
    assert body["forbidden"] == "我们的规定就是这样的" and body["suggestion"]
    assert body["error"] == "the reply contains a forbidden phrase: 「我们的规定就是这样的」"
    assert body["can_override"] is False
    assert (await complaint(client, conversation_id)).status != "resolved"

    written = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已安排保洁每天清理两次"}, headers=headers
    )
    assert written.status == 200
    await eventually(lambda: _resolved_status(client, conversation_id))
    clock.advance(hours=2)
    await run_due(client)
    asked = await socket.until_bot_says("1到5分")
    assert "已安排保洁每天清理两次" in asked["text"]
    await socket.close()


async def test_an_english_customer_hears_their_own_problem_not_the_agent_s_chinese_summary(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case_in_english(client)
    await claim_and_resolve(client, conversation_id)  # "已更换电梯控制板", written in Chinese
    await eventually(lambda: _resolved_status(client, conversation_id))
    clock.advance(hours=2)
    await run_due(client)
    asked = await socket.until_bot_says("score from 1 to 5")
    text = asked["text"]
    assert not any("\u4e00" <= character <= "\u9fff" for character in text), text
    assert 'has been handled: we have dealt with the problem you reported, "' in text
    assert "stairwell" in text and "(Property service). How satisfied" in text
    await socket.close()
