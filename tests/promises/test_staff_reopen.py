"""Staff reopen a resolved case (重新打开): who may, the reason, the callback (回访) called off,
a new deadline from the deadline table told to the customer, the timeline and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation, Message, Satisfaction, Timer
from tests.audit.support import logged
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually, settled
from tests.promises.support import (
    claim_and_resolve,
    claim_case,
    complaint,
    notifications,
    promised_case,
    run_due,
    staff,
)
from tests.staff import sign_in

ASK_RATING = "1到5分"
TOLD = "我们会继续跟进处理"
REASON = "客户来电说垃圾还没清走"


async def _conversation(client: Any, conversation_id: int) -> Conversation:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found


async def _resolved(client: Any, conversation_id: int) -> bool:
    return (await _conversation(client, conversation_id)).flow_state == "resolved"


async def _reopen(client: Any, conversation_id: int, headers: dict[str, str], body: Any) -> Any:
    return await client.post(f"/api/conversations/{conversation_id}/reopen", json=body, headers=headers)


def _told(frames: list[dict[str, Any]]) -> list[str]:
    """What the customer was told of the reopened case (the service's own message, not the bot's turn)."""
    return [f["text"] for f in frames if f.get("type") == "message" and TOLD in (f.get("text") or "")]


async def _timer_status(client: Any, conversation_id: int, kind: str) -> str | None:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Timer.status).where(Timer.conversation_id == conversation_id, Timer.kind == kind)
        )
        return found.scalar_one_or_none()


async def test_an_agent_reopens_a_case_resolved_by_mistake_and_the_callback_never_comes(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    agent_id = await claim_and_resolve(client, conversation_id)
    await eventually(lambda: _resolved(client, conversation_id))
    assert await _timer_status(client, conversation_id, "satisfaction_callback") == "pending"
    headers = {"X-CSRF-Token": (await (await client.get("/api/me")).json())["csrf_token"]}

    # A reason is required: nothing happens without one.
    for body in ({}, {"reason": "   "}):
        refused = await _reopen(client, conversation_id, headers, body)
        assert refused.status == 400, await refused.text()
    assert (await complaint(client, conversation_id)).status == "resolved"

    clock.advance(hours=1)  # Monday 15:00 in Shanghai
    reopened = await _reopen(client, conversation_id, headers, {"reason": REASON})
    assert reopened.status == 200, await reopened.text()
    answer = await reopened.json()
    assert (answer["reopened"], answer["owner"]) == (True, f"agent:{agent_id}")

    # The agent who reopened it has it (首问负责), and the case is open with a deadline from the
    # table for a repeat of the problem, as the customer's own "没解决" gets (complex, 24 service
    # hours from Monday 15:00 end on Thursday at 12:00), though it was a simple case first.
    case = await complaint(client, conversation_id)
    assert (case.status, case.resolved_at) == ("open", None)
    assert (case.grade, "repeat" in case.signals) == ("complex", True)
    assert case.deadline_at == clock.now + dt.timedelta(days=2, hours=21)
    assert answer["deadline_at"] == case.deadline_at.isoformat()
    conversation = await _conversation(client, conversation_id)
    assert (conversation.owner, conversation.flow_state, conversation.status) == (
        f"agent:{agent_id}",
        "handed_off",
        "open",
    )
    # The customer is told the new time, in the configured phrase.
    await socket.until(lambda frames: bool(_told(frames)))
    assert _told(socket.frames) == [
        f"您好，您反映的问题（投诉编号{case.case_number}）我们会继续跟进处理，"
        "并在11月26日（周四）中午12点前给您明确的答复。给您带来的不便，请您原谅！"
    ]

    # The timeline and the audit log say who reopened it and why.
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    [row] = [event for event in view["timeline"] if event["kind"] == "reopened"]
    assert row["actor"] == f"agent:{agent_id}"
    assert {key: row["detail"][key] for key in ("why", "username", "owner", "callback_cancelled")} == {
        "why": REASON,
        "username": "li.agent",
        "owner": f"agent:{agent_id}",
        "callback_cancelled": True,
    }
    assert view["resolution"] is None
    [case_view] = view["complaints"]
    assert case_view["status"] == "open"
    [entry] = [entry for entry in await logged(client, "reopen") if entry.status == 200]
    assert (entry.status, entry.detail["why"], entry.detail["owner"]) == (200, REASON, f"agent:{agent_id}")

    # The satisfaction callback is called off: when it was due, nothing is asked.
    assert await _timer_status(client, conversation_id, "satisfaction_callback") == "cancelled"
    clock.advance(hours=3)
    await run_due(client)
    await settled(client, sockets=[socket])
    assert not any(ASK_RATING in text for text in socket.bot_texts())
    assert await _timer_status(client, conversation_id, "satisfaction_callback") == "cancelled"

    # Reopened, it is not resolved: a second reopen is refused, and it is resolved as any case is.
    again = await _reopen(client, conversation_id, headers, {"reason": REASON})
    assert again.status == 409, await again.text()
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已清运"}, headers=headers
    )
    assert resolved.status == 200, await resolved.text()
    await eventually(lambda: _resolved(client, conversation_id))
    # Resolved at 18:00: the callback waits for the service to open, Tuesday 08:30.
    clock.advance(hours=15)
    await run_due(client)
    await socket.until_bot_says("已清运")
    await socket.close()


async def test_who_may_reopen_a_case(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)

    # Not resolved yet: nothing to reopen.
    owner_headers, agent_id = await claim_case(client, conversation_id)
    early = await _reopen(client, conversation_id, owner_headers, {"reason": REASON})
    assert early.status == 409, await early.text()
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已清运"}, headers=owner_headers
    )
    assert resolved.status == 200, await resolved.text()

    # An agent of the same queue who never handled it may read it, but not reopen it.
    other_headers, _ = await staff(client, "ma.agent", Role.AGENT)
    refused = await _reopen(client, conversation_id, other_headers, {"reason": REASON})
    assert refused.status == 403, await refused.text()
    assert (await complaint(client, conversation_id)).status == "resolved"
    missing = await _reopen(client, 999_999, other_headers, {"reason": REASON})
    assert missing.status == 404

    # A supervisor may: the case goes back to the agent who resolved it, who is told.
    lead_headers, _ = await staff(client, "wang.lead", Role.SUPERVISOR)
    reopened = await _reopen(client, conversation_id, lead_headers, {"reason": "客户来电投诉未处理好"})
    assert reopened.status == 200, await reopened.text()
    assert (await reopened.json())["owner"] == f"agent:{agent_id}"
    notices = {notice.audience: notice for notice in await notifications(client, "case_reopened")}
    # The supervisors are told too: a reopened complaint is escalated.
    assert notices.keys() == {f"user:{agent_id}", "role:supervisor"}
    notice = notices[f"user:{agent_id}"]
    assert notice.detail["by"] == "wang.lead" and notice.detail["why"] == "客户来电投诉未处理好"
    await socket.until(lambda frames: bool(_told(frames)))

    # Every refusal is in the audit log too, with who tried.
    statuses = sorted(entry.status for entry in await logged(client, "reopen"))
    assert statuses == [200, 403, 404, 409]
    await socket.close()


async def test_a_case_whose_conversation_closed_after_the_callback_is_reopened_there(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    agent_id = await claim_and_resolve(client, conversation_id)
    await eventually(lambda: _resolved(client, conversation_id))
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says(ASK_RATING)
    await socket.send("5分")
    await socket.until_bot_says("意见或建议")
    await socket.send("没有了 谢谢")

    async def closed() -> bool:
        return (await _conversation(client, conversation_id)).status == "closed"

    await eventually(closed)

    # The customer phones a day later: it is not fixed after all. The agent who took the call reopens it.
    clock.advance(days=1)
    await sign_in(client, "li.agent")
    headers = {"X-CSRF-Token": (await (await client.get("/api/me")).json())["csrf_token"]}
    reopened = await _reopen(client, conversation_id, headers, {"reason": "客户来电说又堆满了"})
    assert reopened.status == 200, await reopened.text()
    conversation = await _conversation(client, conversation_id)
    assert (conversation.status, conversation.flow_state, conversation.owner) == (
        "open",
        "handed_off",
        f"agent:{agent_id}",
    )
    await socket.until(lambda frames: bool(_told(frames)))
    row = next(
        e
        for e in (await (await client.get(f"/api/conversations/{conversation_id}")).json())["timeline"]
        if e["kind"] == "reopened"
    )
    assert row["detail"]["callback_cancelled"] is False

    # What the customer writes next joins the reopened case's conversation, for its agent to read.
    await socket.send("师傅今天能来吗")

    async def landed() -> bool:
        async with resources(client.app).sessions() as session:
            found = await session.execute(select(Message.conversation_id).where(Message.text == "师傅今天能来吗"))
            return found.scalar_one_or_none() == conversation_id

    await eventually(landed)
    await socket.close()


async def test_reopened_while_the_callback_awaits_the_rating_the_score_is_answered_and_goes_to_the_agent(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    agent_id = await claim_and_resolve(client, conversation_id)
    await eventually(lambda: _resolved(client, conversation_id))
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says(ASK_RATING)

    # The customer rang the supervisor meanwhile: it is not done. The supervisor reopens it.
    lead_headers, _ = await staff(client, "wang.lead", Role.SUPERVISOR)
    reopened = await _reopen(client, conversation_id, lead_headers, {"reason": "客户来电说还没清理"})
    assert reopened.status == 200, await reopened.text()
    await socket.until(lambda frames: bool(_told(frames)))
    assert await _timer_status(client, conversation_id, "satisfaction_timeout") == "cancelled"

    # A score typed now is no longer asked for: it is not recorded as the callback's rating (the
    # resolution it rated was undone), but the customer hears, never silence, that the case is being
    # handled again and that no score is needed now; and when the answer window ends, the bot does
    # not close the conversation.
    bot_said = len(socket.bot_texts())
    await socket.send("5分")
    await socket.until_bot_says("不需要再评分了")
    case = await complaint(client, conversation_id)
    assert f"投诉编号{case.case_number}" in socket.bot_texts()[-1]
    clock.advance(days=1, minutes=1)
    await run_due(client)
    await settled(client, sockets=[socket])
    assert len(socket.bot_texts()) == bot_said + 1
    # Said once: what the customer writes next is for the agent.
    await socket.send("5分")
    await settled(client, sockets=[socket])
    assert len(socket.bot_texts()) == bot_said + 1
    conversation = await _conversation(client, conversation_id)
    assert (conversation.status, conversation.owner) == ("open", f"agent:{agent_id}")
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(Satisfaction))).scalars().all() == []
    await socket.close()
