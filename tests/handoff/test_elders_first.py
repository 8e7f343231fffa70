"""长者优先 (seed 002: 紧急优先、先进大厅优先、长者优先) through the product: of two web chat customers
of the same urgency who came five minutes apart, the elderly one, who came second, is first in the
queue agents see (``GET /api/queue``) and hears that they are next; ``queue.yaml``
``elder_head_start_minutes: 0`` turns it off."""

from __future__ import annotations

from typing import Any

from bot.config import ServiceConfig
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import system_texts
from tests.promises.support import run_due, staff
from tests.reports.cases import complain

# Both priority 1 (manager rules: 情绪激动的客户优先处理, 长者优先), both simple (12 h).
ANGRY = "小区楼道的垃圾三天没人清理 气死我了"
ELDERLY = "我是老人家 小区楼道的垃圾三天没人清理"


async def queue_of(client: Any) -> list[tuple[int, int, bool]]:
    body = await (await client.get("/api/queue")).json()
    return [(ticket["conversation_id"], ticket["priority"], ticket["elder"]) for ticket in body["tickets"]]


async def test_an_elder_who_came_five_minutes_later_is_taken_first(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    angry, angry_socket = await complain(client, ANGRY, "阳光花园3栋", "13800138000")
    clock.advance(minutes=5)
    elderly, elderly_socket = await complain(client, ELDERLY, "阳光花园5栋", "13900139000")
    await staff(client, "li.agent", Role.AGENT)
    assert await queue_of(client) == [(elderly, 1, True), (angry, 1, False)]
    await run_due(client)
    await elderly_socket.until(lambda frames: any("下一位就是您" in text for text in system_texts(elderly_socket)))
    for socket in (angry_socket, elderly_socket):
        await socket.close()


async def test_without_a_head_start_arrival_alone_decides(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    queue = service_config.queue.model_copy(update={"elder_head_start_minutes": 0})
    client = await make_client(config=service_config.model_copy(update={"queue": queue}))
    angry, angry_socket = await complain(client, ANGRY, "阳光花园3栋", "13800138000")
    clock.advance(minutes=5)
    elderly, elderly_socket = await complain(client, ELDERLY, "阳光花园5栋", "13900139000")
    await staff(client, "li.agent", Role.AGENT)
    assert await queue_of(client) == [(angry, 1, False), (elderly, 1, True)]
    for socket in (angry_socket, elderly_socket):
        await socket.close()
