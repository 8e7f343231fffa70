"""A long queue and many missed deadlines stay cheap to show (issue 16): the queue a page at a
time with its total, the dashboard's deadline lists capped with their counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.dashboard import DEADLINES_LIMIT
from bot.storage import store
from bot.storage.models import Complaint
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off
from tests.staff import add_user, sign_in


async def test_the_queue_comes_a_page_at_a_time_after_the_last_ticket_seen(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversations = []
    for _ in range(3):
        conversation_id, socket = await customer_hands_off(client)
        await socket.close()
        conversations.append(conversation_id)
        clock.advance(minutes=1)
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")

    first = await (await client.get("/api/queue?limit=2")).json()
    assert [t["conversation_id"] for t in first["tickets"]] == conversations[:2]
    assert [t["position"] for t in first["tickets"]] == [1, 2]
    assert first["total"] == 3 and first["next_after"] == first["tickets"][-1]["id"]
    assert first["tickets"][0]["last_customer_message"] == "转人工"

    rest = await (await client.get(f"/api/queue?limit=2&after={first['next_after']}")).json()
    assert [(t["conversation_id"], t["position"]) for t in rest["tickets"]] == [(conversations[2], 3)]
    assert rest["total"] == 3 and rest["next_after"] is None

    everything = await (await client.get("/api/queue")).json()
    assert len(everything["tickets"]) == 3 and everything["next_after"] is None

    gone = await client.get("/api/queue?after=999999")
    assert gone.status == 409 and "no longer waits" in (await gone.json())["error"]
    assert (await client.get("/api/queue?limit=many")).status == 400


async def test_the_dashboard_lists_the_soonest_missed_deadlines_and_counts_them_all(make_client: AppFactory) -> None:
    client = await make_client()
    now = resources(client.app).clock()

    def missed_cases(session: Session) -> list[str]:
        numbers = []
        for index in range(DEADLINES_LIMIT + 3):
            chat = store.create_webchat_session(session, "zh-CN", now)
            conversation = store.load_conversations(session, [chat.conversation_id])[chat.conversation_id]
            number = f"TS{index:06d}"
            session.add(
                Complaint(
                    case_number=number,
                    conversation_id=conversation.id,
                    customer_id=conversation.customer_id,
                    description="楼道的灯坏了",
                    category="property_service",
                    grade="simple",
                    customer_tier="standard",
                    status="open",
                    promised_at=now - dt.timedelta(hours=30),
                    deadline_at=now - dt.timedelta(hours=20) + dt.timedelta(minutes=index),
                    created_at=now - dt.timedelta(hours=30),
                )
            )
            numbers.append(number)
        return numbers

    missed = await resources(client.app).database.write(missed_cases)
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    deadlines = (await (await client.get("/api/dashboard")).json())["deadlines"]
    assert [item["case_number"] for item in deadlines["breached"]] == missed[:DEADLINES_LIMIT]
    assert deadlines["breached_total"] == DEADLINES_LIMIT + 3
    assert deadlines["at_risk"] == [] and deadlines["at_risk_total"] == 0
