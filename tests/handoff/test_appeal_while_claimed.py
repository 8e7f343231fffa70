"""An appeal (申诉) of a case an agent holds goes to the duty supervisor at once (standards §5): the
customer is told the appeal's time, the supervisors and the agent holding it are told, and the
appeal waits in the supervisor queue. A complaint of the handler never reaches only that handler."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.handoff.announce import PLACE_NOTICES
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Message, Notification, User
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import appealed_case, queued, signed_in, tickets_of
from tests.handoff.queue_helpers import job_ctx
from tests.helpers import ChatSocket, eventually, new_session, timeline_kinds
from tests.staff import add_user, claim_conversation, sign_in
from workers.queue import announce_queue

APPEAL = "还是没人来修 你们根本不管 都第三次了"


async def _claimed_web_chat_case(client: Any, agent_csrf: str) -> tuple[int, ChatSocket]:
    """A web chat case recorded, handed off, claimed by the signed-in agent, who replies."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(
        [
            ("楼道灯坏了两周没人修", "电话"),
            ("13800138000", "小区或地址"),
            ("阳光花园3栋", "阳光花园3栋"),
            ("对", "投诉编号"),
        ]
    )
    await claim_conversation(client, agent_csrf, conversation_id)
    replied = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "您好，我们已经安排电工，请稍等。"},
        headers={"X-CSRF-Token": agent_csrf},
    )
    assert replied.status == 201, await replied.text()
    return conversation_id, socket


async def _appeal_notices(client: Any, conversation_id: int) -> set[str]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Notification.audience).where(
                Notification.conversation_id == conversation_id, Notification.kind == "appeal"
            )
        )
        return set(found.scalars())


async def _user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(User.id).where(User.username == username))).scalar_one()


async def test_an_appeal_of_a_claimed_case_goes_to_the_duty_supervisor_and_the_customer_is_told_its_time(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_web_chat_case(client, csrf)

    await socket.send(APPEAL)

    await socket.until_bot_says("已升级为优先处理")
    told = "\n".join(socket.bot_texts())
    assert "值班主管" in told and "给您明确的答复" in told

    async def appeal_waits() -> bool:
        return [(t.queue, t.reason, t.status) for t in await tickets_of(client, conversation_id)][-1:] == [
            ("supervisor", "appeal", "waiting")
        ]

    await eventually(appeal_waits, timeout=15)
    *_, appeal = await tickets_of(client, conversation_id)
    assert appeal.priority == 0
    assert "escalated" in await timeline_kinds(client, conversation_id)
    li = await _user_id(client, "li")
    assert await _appeal_notices(client, conversation_id) == {"role:supervisor", f"user:{li}"}

    # The agent it complains of cannot take it; the duty supervisor can, from their queue.
    refused = await client.post(f"/api/tickets/{appeal.id}/claim", headers={"X-CSRF-Token": csrf})
    assert refused.status in (403, 409)
    supervisor, supervisor_csrf = await signed_in(make_client, "zhou")
    assert (appeal.id, "supervisor") in await queued(supervisor, conversation_id)
    taken = await supervisor.post(f"/api/tickets/{appeal.id}/claim", headers=supervisor_csrf)
    assert taken.status == 200 and (await taken.json())["owner"] == "zhou"
    await socket.close()


async def test_a_message_of_a_claimed_case_that_is_no_appeal_still_reaches_only_its_agent(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_web_chat_case(client, csrf)

    await socket.send("好的 谢谢你")
    await socket.collect_for(1.5)

    assert not any("值班主管" in text for text in socket.bot_texts())
    assert [t.reason for t in await tickets_of(client, conversation_id)] == ["complaint"]
    assert await _appeal_notices(client, conversation_id) == set()
    await socket.close()


async def test_an_appeal_left_open_by_the_agent_resolving_its_case_is_at_risk_on_the_dashboard(
    make_client: AppFactory,
) -> None:
    """The agent appealed against resolves the case: the appeal still waits for the duty
    supervisor, and the dashboard lists it at risk, marked an appeal (never "None")."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    case = await appealed_case(client, make_client, "li")
    resolved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/resolve", json={"summary": "路灯已修好"}, headers=case.owner_csrf
    )
    assert resolved.status == 200, await resolved.text()
    [_, appeal] = await tickets_of(client, case.conversation_id)
    assert (appeal.reason, appeal.status) == ("appeal", "waiting")

    supervisor, _ = await signed_in(make_client, "zhou")
    body = await (await supervisor.get("/api/dashboard")).json()
    at_risk = body["deadlines"]["at_risk"]
    assert [(item["conversation_id"], item["appeal"]) for item in at_risk] == [(case.conversation_id, True)]
    assert body["deadlines"]["at_risk_total"] == 1
    await case.appealing.close()


async def test_a_customer_whose_case_an_agent_holds_is_never_told_a_place_in_the_queue(
    make_client: AppFactory,
) -> None:
    """The appeal waits in the supervisor queue while the agent still holds the chat: the customer
    talks to a person and hears no "您前面还有…" place (standards §5: tell the *waiting* customer)."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    case = await appealed_case(client, make_client, "li")
    await announce_queue(job_ctx(client))
    async with resources(client.app).sessions() as session:
        said = await session.execute(
            select(Message.phrase_id).where(
                Message.conversation_id == case.conversation_id, Message.phrase_id.in_(sorted(PLACE_NOTICES))
            )
        )
        assert list(said.scalars()) == []
    await case.appealing.close()
