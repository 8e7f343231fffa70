"""Anyone can type an emergency: one client address raising more escalations or danger cases than
``cases_per_address`` within the window has each one beyond still filed and the customer still
told how to stay safe, but the duty supervisors see them held back and marked as many from one
address, not each a P0 alert of its own."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.config import ServiceConfig, WebchatLimits
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import job_ctx
from tests.helpers import ChatSocket, new_session, settled
from tests.staff import add_user, sign_in
from workers.queue import announce_queue

FLOODER = "198.51.100.7"
FAKE_EMERGENCY = "叫你们经理来 有人拿刀在楼道里砍人"


def limited(config: ServiceConfig, **limits: Any) -> ServiceConfig:
    channels = config.channels.model_copy(update={"webchat": WebchatLimits(**limits)})
    return config.model_copy(update={"channels": channels})


async def _emergency(client: TestClient[Any, Any], address: str) -> tuple[int, ChatSocket]:
    token, conversation_id = await new_session(client, forwarded_for=address)
    socket = await ChatSocket.open(client, token)
    await socket.send(FAKE_EMERGENCY)
    await socket.until_bot_says("110")  # the safety advice: get away, call the police
    return conversation_id, socket


async def test_emergencies_beyond_the_limit_from_one_address_are_filed_but_not_each_a_p0_alert(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    behind_proxy = AuthSettings(trusted_proxies=("127.0.0.1/32",))
    client = await make_client(config=limited(service_config, escalations_per_address=2), auth=behind_proxy)
    flood = [await _emergency(client, FLOODER) for _ in range(4)]
    real, _ = await _emergency(client, "203.0.113.5")
    await settled(client, sockets=[socket for _, socket in flood])
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    tickets = (await (await client.get("/api/queue")).json())["tickets"]
    priorities = {ticket["conversation_id"]: ticket["priority"] for ticket in tickets}
    ids = [conversation_id for conversation_id, _ in flood]
    assert priorities[real] == priorities[ids[0]] == priorities[ids[1]] == 0
    assert priorities[ids[2]] == priorities[ids[3]] == 3  # behind every other customer's
    alerted = {
        notice["conversation_id"] for notice in (await (await client.get("/api/notifications")).json())["notifications"]
    }
    assert alerted == {ids[0], ids[1], real}
    for conversation_id in ids[2:]:
        shown = await (await client.get(f"/api/conversations/{conversation_id}")).json()
        assert "many_cases_from_address" in [event["kind"] for event in shown["timeline"]]
        assert shown["complaints"][0]["case_number"]  # filed all the same


async def test_an_emergency_held_back_behind_its_address_is_told_the_truth_and_whom_to_call(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    """Neighbours on one building Wi-Fi report one fire together: the one held back behind the
    address's limit is never told the supervisor has it, but that nobody may call at once and to
    call 119/110/120 now."""
    behind_proxy = AuthSettings(trusted_proxies=("127.0.0.1/32",))
    client = await make_client(config=limited(service_config, escalations_per_address=1), auth=behind_proxy)
    sockets = []
    for text in ("着火了！！楼下冒烟了 好大的烟", "有人从楼梯上摔下来了 躺在地上不动 流血了"):
        token, _ = await new_session(client, forwarded_for=FLOODER)
        socket = await ChatSocket.open(client, token)
        await socket.send(text)
        await socket.until_bot_says("120")
        sockets.append(socket)
    first, held = sockets
    await settled(client, sockets=sockets)
    await announce_queue(job_ctx(client))
    await first.until_told("值班主管已收到您的紧急情况")
    await held.until_told("请不要等待我们的回复")
    await settled(client, sockets=sockets)
    told = "\n".join(held.told_texts())
    assert "值班主管已收到" not in told and "110" in told
    for socket in sockets:
        await socket.close()
