"""``GET /api/conversations/{id}/customer`` (issue 15): the customer and their cases on every channel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.keys import resources
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.customer_helpers import PHONE, customer_on_two_channels
from tests.staff import add_user, give_to, set_queues, sign_in


async def panel(client: Any, conversation_id: int, status: int = 200) -> dict[str, Any]:
    response = await client.get(f"/api/conversations/{conversation_id}/customer")
    assert response.status == status, await response.text()
    return dict(await response.json())


async def test_a_supervisor_sees_the_customer_and_their_cases_on_every_channel_newest_first(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    seeded = await customer_on_two_channels(client, sms_cases=2)
    current = seeded.conversations[-1]

    body = await panel(client, current)

    assert (body["display_name"], body["phone"], body["phones_masked"]) == ("王女士", PHONE, False)
    assert sorted(body["channels"]) == ["sms", "webchat"]
    cases = body["cases"]
    assert [case["conversation_id"] for case in cases] == list(reversed(seeded.conversations))
    assert [case["case_number"] for case in cases] == list(reversed(seeded.case_numbers))
    assert [case["channel"] for case in cases] == ["webchat", "sms", "sms"]
    assert [case["current"] for case in cases] == [True, False, False]
    assert [case["status"] for case in cases] == ["open", "resolved", "resolved"]
    assert [case["rating"] for case in cases] == [None, 4, 4]
    assert cases[1]["category"] == "street_lighting"
    assert all(case["readable"] for case in cases)
    await panel(client, 999999, status=404)


async def test_an_agent_sees_the_phone_masked_and_which_earlier_cases_they_may_open(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["billing"])
    seeded = await customer_on_two_channels(client, sms_cases=1)
    earlier, current = seeded.conversations

    await sign_in(client, "li.agent")  # the current case waits in their queue; the SMS one never did
    body = await panel(client, current)
    assert (body["phone"], body["phones_masked"]) == ("138****5678", True)
    assert [(case["conversation_id"], case["readable"]) for case in body["cases"]] == [
        (current, True),
        (earlier, False),
    ]
    await panel(client, earlier, status=403)

    await give_to(client, current, "li.agent")
    body = await panel(client, current)
    assert (body["phone"], body["phones_masked"]) == (PHONE, False)

    await sign_in(client, "wang.agent")  # not in the queue, not the owner
    await panel(client, current, status=403)


async def test_of_a_conversation_the_agent_may_not_open_the_panel_tells_only_that_it_exists(
    make_client: AppFactory,
) -> None:
    """A case number lets anyone add to or ask about the case on a customer channel: an agent who
    may not open the earlier conversation (403) learns from the panel only that it exists, its
    channel, status and time, never its case number, category, status or rating."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    seeded = await customer_on_two_channels(client, sms_cases=1)
    earlier, current = seeded.conversations
    await sign_in(client, "li.agent")
    await panel(client, earlier, status=403)

    response = await client.get(f"/api/conversations/{current}/customer")
    raw = await response.text()
    assert seeded.case_numbers[0] not in raw and "street_lighting" not in raw
    cases = {case["conversation_id"]: case for case in (await response.json())["cases"]}
    assert cases[earlier] == {
        "conversation_id": earlier,
        "current": False,
        "channel": "sms",
        "conversation_status": "closed",
        "ts": cases[earlier]["ts"],
        "readable": False,
    }
    assert (cases[current]["case_number"], cases[current]["category"]) == (seeded.case_numbers[1], "sanitation")

    await give_to(client, earlier, "li.agent")  # now they may open it: they read it all
    cases = {case["conversation_id"]: case for case in (await panel(client, current))["cases"]}
    assert cases[earlier]["readable"] is True
    assert (cases[earlier]["case_number"], cases[earlier]["rating"]) == (seeded.case_numbers[0], 4)


async def test_the_panel_costs_the_same_statements_however_many_cases(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    few = await customer_on_two_channels(client, sms_cases=1)
    many = await customer_on_two_channels(client, sms_cases=30, phone="13900139000")
    engine = resources(client.app).database.engine.sync_engine
    statements: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    async def cost(conversation_id: int) -> tuple[int, int]:
        """The fewest statements of three reads: the app's background work (the pipeline, queue
        notices) may run statements of its own meanwhile, only ever adding to a count."""
        counts: list[int] = []
        for _ in range(3):
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                body = await panel(client, conversation_id)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            counts.append(len(statements))
        return min(counts), len(body["cases"])

    one, shown = await cost(few.conversations[-1])
    assert shown == 2
    lots, shown = await cost(many.conversations[-1])
    assert (lots, shown) == (one, 20)
