"""Many stored cases at once, for the export's batches and the reports' statement count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select

from bot.keys import resources
from bot.storage.models import Complaint, Conversation
from tests.workers.providers import seed_conversation

CATEGORIES = ("billing", "network", "property_service")
DISTRICTS = ("海淀区", "朝阳区", None)


async def store_cases(client: Any, now: dt.datetime, count: int) -> None:
    """``count`` cases made at ``now`` on one SMS conversation, of three categories and districts."""
    conversation_id, _ = await seed_conversation(client, "sms", f"+86136{count:08d}", [])
    async with resources(client.app).sessions() as session:
        customer_id = (
            await session.execute(select(Conversation.customer_id).where(Conversation.id == conversation_id))
        ).scalar_one()
    rows: list[dict[str, Any]] = [
        {
            "case_number": f"MANY-{conversation_id}-{number:05d}",
            "conversation_id": conversation_id,
            "customer_id": customer_id,
            "description": f"第{number}件",
            "area": DISTRICTS[number % 3],
            "district": DISTRICTS[number % 3],
            "category": CATEGORIES[number % 3],
            "grade": "simple",
            "customer_tier": "standard",
            "signals": [],
            "status": "open",
            "created_at": now,
            "deadline_at": now + dt.timedelta(hours=12),
        }
        for number in range(count)
    ]
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(insert(Complaint), rows)
