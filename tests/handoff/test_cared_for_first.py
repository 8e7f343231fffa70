"""Served first as an elder is, and kept there: a customer who tells of a pregnancy or an illness
is taken before others of the same urgency who came a little earlier (关怀), and a supervisor who
sets a waiting customer's tier and extends their deadline never pushes them down the queue."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import staff
from tests.reports.cases import complain

ANGRY = "小区楼道的垃圾三天没人清理 气死我了"
PREGNANT = "楼上漏水 我老婆怀孕七个月了 天天睡不着"
ELDERLY = "我是老人家 小区楼道的垃圾三天没人清理"


async def queue_of(client: Any) -> list[dict[str, Any]]:
    return list((await (await client.get("/api/queue")).json())["tickets"])


async def test_a_pregnant_customers_case_goes_before_two_that_came_26_seconds_earlier(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    earlier = []
    for place, phone in (("阳光花园3栋", "13800138000"), ("阳光花园4栋", "13800138001")):
        earlier.append(await complain(client, ANGRY, place, phone))
        clock.advance(seconds=13)
    pregnant, socket = await complain(client, PREGNANT, "阳光花园5栋", "13900139000")
    await staff(client, "li.agent", Role.AGENT)
    queue = await queue_of(client)
    assert [ticket["conversation_id"] for ticket in queue] == [pregnant, earlier[0][0], earlier[1][0]]
    assert queue[0]["priority"] == 1 and "health" in queue[0]["signals"] and not queue[0]["elder"]
    # a repair, promised days away, the others in 12 service hours: the head start, not the deadline
    assert queue[0]["deadline_at"] > queue[1]["deadline_at"]
    for _, other in [*earlier, (pregnant, socket)]:
        await other.close()


async def test_a_vip_set_and_an_extension_never_move_a_waiting_elder_down(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """The elder is first; the supervisor sets VIP客户, then extends the deadline 8 service hours:
    still first, though three others wait with sooner deadlines in force now. An ordinary customer
    set VIP goes before the others of their priority."""
    client = await make_client()
    others = []
    for number in range(3):
        others.append(await complain(client, ANGRY, f"阳光花园{number + 1}栋", f"1380013800{number}"))
        clock.advance(seconds=20)
    elder, elder_socket = await complain(client, ELDERLY, "阳光花园9栋", "13900139000")
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    assert (await queue_of(client))[0]["conversation_id"] == elder

    tier = await client.put(f"/api/conversations/{elder}/customer/tier", json={"tier": "vip"}, headers=headers)
    assert tier.status == 200, await tier.text()
    assert (await queue_of(client))[0]["conversation_id"] == elder
    extended = await client.post(
        f"/api/conversations/{elder}/extend", json={"hours": 8, "reason": "等待维修师傅排期"}, headers=headers
    )
    assert extended.status == 200, await extended.text()
    queue = await queue_of(client)
    assert queue[0]["conversation_id"] == elder
    assert queue[0]["deadline_at"] > max(ticket["deadline_at"] for ticket in queue[1:])  # shows the new time

    last = others[-1][0]
    assert (await queue_of(client))[-1]["conversation_id"] == last
    tier = await client.put(f"/api/conversations/{last}/customer/tier", json={"tier": "vip"}, headers=headers)
    assert tier.status == 200
    assert [ticket["conversation_id"] for ticket in await queue_of(client)][:2] == [elder, last]
    for _, socket in [*others, (elder, elder_socket)]:
        await socket.close()
