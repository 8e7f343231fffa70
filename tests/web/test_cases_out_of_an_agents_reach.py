"""An agent learns nothing of a case they may not open: not from their search, nor from the form or
timeline of a case they may open that names it.

A case number, with the last four digits of its phone (which a masked phone shows, 138****5678),
lets anyone on a customer channel ask after that case and add to it as its customer; so a case that
only passed through an agent's queue and was transferred on is out of their search as it is out of
their reach (403), and an earlier case of the same phone in another queue is counted on the new
case's form (此前投诉) but not named. Supervisors and managers see every case, so every number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.conversations import add_timeline_event
from bot.storage.models import Complaint, HandoffTicket
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, set_queues, sign_in

PHONE = "13812345678"


async def _file(client: Any, problem: str) -> tuple[int, str]:
    """A web chat customer of their own files ``problem`` (with its place and phone) and confirms
    it; its conversation and case number."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in ((problem, "是否正确"), ("对", "投诉编号")):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    async with resources(client.app).sessions() as session:
        number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, number


async def _staff(client: Any) -> None:
    for username, queue in (("gen", "general"), ("bil", "billing")):
        await add_user(client, username, Role.AGENT)
        await set_queues(client, username, [queue])
    await add_user(client, "sup", Role.SUPERVISOR)


async def _moved_to_billing(client: Any, conversation_id: int) -> None:
    """A supervisor claims the case from the general queue and transfers it to billing."""
    async with resources(client.app).sessions() as session:
        ticket = (
            await session.execute(select(HandoffTicket.id).where(HandoffTicket.conversation_id == conversation_id))
        ).scalar_one()
    csrf = {"X-CSRF-Token": await sign_in(client, "sup")}
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers=csrf)).status == 200
    moved = await client.post(f"/api/conversations/{conversation_id}/transfer", json={"queue": "billing"}, headers=csrf)
    assert moved.status == 200, await moved.text()


async def _found(client: Any, query: str) -> list[int]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    return [hit["conversation_id"] for hit in (await response.json())["hits"]]


async def _form(client: Any, conversation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    (case,) = (await response.json())["complaints"]
    result: dict[str, Any] = case
    return result


async def test_a_case_transferred_out_of_an_agents_queue_is_out_of_their_search(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    moved, moved_number = await _file(client, f"阳光花园5栋楼上漏水 {PHONE}")
    await _moved_to_billing(client, moved)

    await sign_in(client, "gen")
    assert (await client.get(f"/api/conversations/{moved}")).status == 403
    for query in (moved_number, "阳光花园", "漏水", "5678"):
        assert await _found(client, query) == [], query
    # The queue it went to finds it, as a supervisor does.
    await sign_in(client, "bil")
    assert await _found(client, moved_number) == [moved]
    await sign_in(client, "sup")
    assert await _found(client, "漏水") == [moved]


async def test_an_earlier_case_an_agent_may_not_open_is_counted_on_the_form_not_named(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await _staff(client)
    earlier, earlier_number = await _file(client, f"阳光花园5栋楼上漏水 {PHONE}")
    await _moved_to_billing(client, earlier)
    later, _ = await _file(client, f"阳光花园5栋 楼上又漏水了 {PHONE}")

    await sign_in(client, "gen")
    assert (await client.get(f"/api/conversations/{earlier}")).status == 403
    form = await _form(client, later)
    assert (form["repeat_of"], form["repeat_of_hidden"]) == ([], 1)
    assert "repeat" in form["signals"] and earlier_number not in await (
        await client.get(f"/api/conversations/{later}")
    ).text()
    # The billing agent, who may open the earlier case, reads its number on the later one's form
    # once that case reaches them; a supervisor always does.
    await sign_in(client, "sup")
    form = await _form(client, later)
    assert (form["repeat_of"], form["repeat_of_hidden"]) == ([earlier_number], 0)
    await set_queues(client, "bil", ["billing", "general"])
    await sign_in(client, "bil")
    form = await _form(client, later)
    assert (form["repeat_of"], form["repeat_of_hidden"]) == ([earlier_number], 0)


async def test_another_customers_open_case_found_by_a_typed_phone_is_named_only_to_whoever_may_open_it(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await _staff(client)
    other, other_number = await _file(client, f"阳光花园5栋楼上漏水 {PHONE}")
    await _moved_to_billing(client, other)
    typed, _ = await _file(client, f"翠湖天地2栋 路灯坏了 {PHONE}")
    # As the flow notes it when a typed phone is another's open case's (bot.flows.appeals).
    detail = {"case_number": other_number, "category": "property_service"}
    now = resources(client.app).clock()
    await resources(client.app).database.write(
        lambda session: add_timeline_event(session, typed, TimelineKind.SAME_PHONE_OPEN_CASE, "bot", detail, now)
    )

    async def noted(username: str) -> dict[str, Any]:
        await sign_in(client, username)
        response = await client.get(f"/api/conversations/{typed}")
        assert response.status == 200, await response.text()
        body = await response.json()
        (row,) = [event for event in body["timeline"] if event["kind"] == TimelineKind.SAME_PHONE_OPEN_CASE]
        found: dict[str, Any] = row["detail"]
        return found

    assert await noted("gen") == {"category": "property_service"}
    assert await noted("sup") == detail
