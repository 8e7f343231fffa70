"""A known set of cases for the report tests, made through the product where practical.

* A, web chat: a property complaint in 海淀区 (the address parser finds it), claimed by 李 (li),
  answered 30 minutes later, resolved one hour after it was made (on time), rated 5 at the 回访.
* B, web chat: a repair complaint at 望京西园 (朝阳区, from the gazetteer), claimed by 王 (wang),
  never resolved: late once the clock passes its deadline.
* C, SMS (stored directly: the SMS round trip is not what these tests are about): a billing case
  with an address no parser knows, resolved by 李 two days later (late), rated 2, reopened once
  and appealed once; a cluster alert on its day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Notification, Satisfaction, TimelineEvent
from tests.conftest import FixedClock
from tests.helpers import ChatSocket, eventually, new_session
from tests.promises.support import run_due, staff
from tests.staff import set_queues, sign_in
from tests.workers.providers import seed_conversation

START = dt.date(2026, 11, 23)
"""The clock fixture's day (Shanghai); the cases are made on it."""
RANGE = "from=2026-11-23&to=2026-11-26"


@dataclass
class KnownCases:
    li_id: int
    wang_id: int
    a: int
    b: int
    c: int
    sockets: list[ChatSocket]


async def complain(client: Any, description: str, area: str, phone: str) -> tuple[int, ChatSocket]:
    """A web chat customer whose complaint was confirmed and promised."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in ((description, "电话"), (phone, "地址"), (area, "是否正确"), ("对", "投诉编号")):
        await socket.send(text)
        await socket.until_bot_says(answer)
    return conversation_id, socket


async def _claim(client: Any, conversation_id: int, headers: dict[str, str]) -> None:
    queue = await (await client.get("/api/queue")).json()
    ticket = next(t for t in queue["tickets"] if t["conversation_id"] == conversation_id)
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=headers)).status == 200


async def _complaint_of(client: Any, conversation_id: int) -> Complaint:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()


async def make_known_cases(client: Any, clock: FixedClock) -> KnownCases:
    every_queue = resources(client.app).config.handoff.queue_ids()
    a, socket_a = await complain(client, "小区楼道的垃圾三天没人清理", "海淀区中关村大街5号", "13800138000")
    b, socket_b = await complain(client, "楼上漏水把天花板泡了", "望京西园3栋2单元", "13900139000")
    start = clock()

    wang_headers, wang_id = await staff(client, "wang", Role.AGENT)
    await set_queues(client, "wang", every_queue)
    await _claim(client, b, wang_headers)

    li_headers, li_id = await staff(client, "li", Role.AGENT)
    await set_queues(client, "li", every_queue)
    clock.advance(minutes=30)
    await _claim(client, a, li_headers)
    replied = await client.post(
        f"/api/conversations/{a}/messages", json={"text": "您好,我们马上安排保洁"}, headers=li_headers
    )
    assert replied.status in (200, 201), await replied.text()
    clock.advance(minutes=30)
    resolved = await client.post(f"/api/conversations/{a}/resolve", json={"summary": "已清理"}, headers=li_headers)
    assert resolved.status == 200, await resolved.text()

    # The 回访 of A, two hours after its resolution, answered 5 over web chat.
    clock.advance(hours=2)
    await run_due(client)
    await socket_a.until_bot_says("1到5分")
    await socket_a.send("5分")
    await socket_a.until_bot_says("意见或建议")
    await socket_a.send("很好")

    async def rated() -> bool:
        async with resources(client.app).sessions() as session:
            return (await session.execute(select(Satisfaction.id))).first() is not None

    await eventually(rated)

    c, _ = await seed_conversation(client, "sms", "+8613700137000", [])
    async with resources(client.app).sessions() as session, session.begin():
        customer_id = (await session.execute(select(Conversation.customer_id).where(Conversation.id == c))).scalar_one()
        complaint = Complaint(
            case_number="TS-C",
            conversation_id=c,
            customer_id=customer_id,
            description="=1+1 账单多扣了钱",
            contact_phone="13700137000",
            contact_extension="8021",
            area="老地方",
            district=None,
            category="billing",
            grade="complex",
            customer_tier="vip",
            created_at=start,
            deadline_at=start + dt.timedelta(hours=12),
            resolved_at=start + dt.timedelta(days=2),
            resolved_by=f"agent:{li_id}",
            status="resolved",
        )
        session.add(complaint)
        await session.flush()
        for kind in ("reopened", "appeal_received"):
            session.add(TimelineEvent(conversation_id=c, complaint_id=complaint.id, kind=kind, created_at=start))
        session.add(
            Satisfaction(
                complaint_id=complaint.id,
                conversation_id=c,
                rating=2,
                method="sms",
                person="bot",
                resolved=True,
                created_at=start + dt.timedelta(days=2, hours=2),
            )
        )
        for audience in ("role:supervisor", "role:manager"):
            session.add(
                Notification(kind="cluster_alert", audience=audience, detail={"category": "billing"}, created_at=start)
            )
    clock.advance(days=3)
    await add_manager(client)
    return KnownCases(li_id, wang_id, a, b, c, [socket_a, socket_b])


async def add_manager(client: Any) -> None:
    from tests.staff import add_user

    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
