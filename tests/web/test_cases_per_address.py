"""Web chat against a flood of fake complaints: one client address filing more cases than
``cases_per_address`` within the window has each one beyond still opened and answered, but queued
after every other customer's and marked for the staff; and the cluster alert counts people, not
sessions."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.config import ServiceConfig, WebchatLimits
from bot.keys import resources
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.staff.clusters import AreaGroups, alert_clusters
from tests.conftest import AppFactory, FixedClock
from tests.helpers import confirmed_complaint
from tests.staff import add_user, sign_in

FLOODER = "198.51.100.7"
FAKE_COMPLAINT = "停水了 阳光花园3栋 13800138000"


def limited(config: ServiceConfig, **limits: Any) -> ServiceConfig:
    channels = config.channels.model_copy(update={"webchat": WebchatLimits(**limits)})
    return config.model_copy(update={"channels": channels})


async def _flood_client(make_client: AppFactory, service_config: ServiceConfig) -> TestClient[Any, Any]:
    # The test client connects from 127.0.0.1, which plays the reverse proxy.
    behind_proxy = AuthSettings(trusted_proxies=("127.0.0.1/32",))
    return await make_client(config=limited(service_config, cases_per_address=2), auth=behind_proxy)


async def _queue(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    response = await client.get("/api/queue")
    assert response.status == 200, await response.text()
    return list((await response.json())["tickets"])


async def _timeline_kinds(client: TestClient[Any, Any], conversation_id: int) -> list[str]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    return [event["kind"] for event in (await response.json())["timeline"]]


async def test_cases_beyond_the_limit_from_one_address_are_answered_but_queued_after_everyone_else(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await _flood_client(make_client, service_config)
    # Every fake customer still hears its case number: nothing filed is lost.
    flood = [(await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER))[0] for _ in range(4)]
    real, _ = await confirmed_complaint(client, forwarded_for="203.0.113.5")
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")

    order = [ticket["conversation_id"] for ticket in await _queue(client)]
    assert order == [flood[0], flood[1], real, flood[2], flood[3]]
    priorities = {ticket["conversation_id"]: ticket["priority"] for ticket in await _queue(client)}
    assert priorities[flood[1]] == priorities[real] < 3 and priorities[flood[2]] == priorities[flood[3]] == 3
    assert "many_cases_from_address" in await _timeline_kinds(client, flood[2])
    assert "many_cases_from_address" not in await _timeline_kinds(client, flood[1])
    assert "many_cases_from_address" not in await _timeline_kinds(client, real)


async def test_an_elder_from_a_busy_address_is_served_in_their_turn_not_after_everyone_else(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    """The shared-address rule holds back a flood, never an elder, someone ill or in danger behind it."""
    client = await _flood_client(make_client, service_config)
    for _ in range(2):
        await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER)
    elder, _ = await confirmed_complaint(
        client, "我是独居老人 85岁 家里暖气不热 冻死了 阳光花园3栋 13800138000", forwarded_for=FLOODER
    )
    ill, _ = await confirmed_complaint(client, "我有心脏病 楼上天天装修 阳光花园3栋 13800138000", forwarded_for=FLOODER)
    flood, _ = await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")

    priorities = {ticket["conversation_id"]: ticket["priority"] for ticket in await _queue(client)}
    assert priorities[elder] < 3 and priorities[ill] < 3 and priorities[flood] == 3
    assert "many_cases_from_address" not in await _timeline_kinds(client, elder)
    assert "many_cases_from_address" not in await _timeline_kinds(client, ill)


async def test_a_held_back_case_whose_customer_then_tells_of_an_illness_is_served_in_its_turn(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await _flood_client(make_client, service_config)
    for _ in range(2):
        await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER)
    held, socket = await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    assert {ticket["conversation_id"]: ticket["priority"] for ticket in await _queue(client)}[held] == 3

    await socket.send("我有高血压")
    await socket.until_bot_says("请您多保重身体")
    assert {ticket["conversation_id"]: ticket["priority"] for ticket in await _queue(client)}[held] < 3


async def test_held_back_cases_stay_behind_however_long_they_wait(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    client = await _flood_client(make_client, service_config)
    flood = [(await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER))[0] for _ in range(3)]
    real, _ = await confirmed_complaint(client, forwarded_for="203.0.113.5")
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    clock.advance(hours=6)  # others' tickets have risen to P0 by now
    order = [ticket["conversation_id"] for ticket in await _queue(client)]
    assert order.index(real) < order.index(flood[2])


async def test_a_cluster_counts_one_phone_once(make_client: AppFactory, service_config: ServiceConfig) -> None:
    client = await _flood_client(make_client, service_config)
    for _ in range(4):
        await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for=FLOODER)
    # One phone typed from other addresses is still one person.
    await confirmed_complaint(client, FAKE_COMPLAINT, forwarded_for="198.51.100.8")
    shared = resources(client.app)
    settings = shared.config.queue.cluster_alert
    areas = AreaGroups(shared.config.gazetteer, shared.engine.understander.converter)
    now = shared.clock()
    events = await shared.database.write(lambda session: alert_clusters(session, settings, areas, now))
    assert events == []


async def test_neighbours_with_their_own_phones_behind_one_address_are_each_a_person(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await _flood_client(make_client, service_config)
    for n in range(4):  # four phones, one carrier NAT
        await confirmed_complaint(client, f"停水了 阳光花园{n + 1}栋 1380013800{n}", forwarded_for=FLOODER)
    shared = resources(client.app)
    areas = AreaGroups(shared.config.gazetteer, shared.engine.understander.converter)
    now = shared.clock()
    events = await shared.database.write(
        lambda session: alert_clusters(session, shared.config.queue.cluster_alert, areas, now)
    )
    assert len(events) == 2  # the supervisors and the managers, as soon as the fourth neighbour writes
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert (alert["kind"], alert["detail"]["area"], alert["detail"]["customers"]) == ("cluster_alert", "阳光花园", 4)
