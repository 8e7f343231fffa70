"""Complaints stored as the complaint flow leaves them, for the dashboard's tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from bot.keys import resources
from bot.storage.models import ChannelIdentity, Complaint, Conversation, Customer

_cases = itertools.count(1)


async def stored_complaint(
    client: Any,
    area: str,
    category: str = "property_service",
    *,
    created_at: dt.datetime,
    deadline_at: dt.datetime | None = None,
    status: str = "open",
    conversation_id: int | None = None,
) -> str:
    """A stored complaint from a new customer (as the complaint flow leaves it), or in
    ``conversation_id``'s conversation."""
    case_number = f"TS{next(_cases):06d}"

    def add(session: Session) -> None:
        def complaint(conversation: int, customer: int, description: str) -> Complaint:
            return Complaint(
                case_number=case_number,
                conversation_id=conversation,
                customer_id=customer,
                description=description,
                area=area,
                category=category,
                grade="simple",
                customer_tier="standard",
                signals=[],
                status=status,
                promised_at=created_at,
                deadline_at=deadline_at or created_at + dt.timedelta(hours=12),
                created_at=created_at,
            )

        if conversation_id is not None:
            existing = session.get(Conversation, conversation_id)
            assert existing is not None
            session.add(complaint(conversation_id, existing.customer_id, "煤气味"))
            return
        customer = Customer(display_name="客户", tier="standard", created_at=created_at)
        session.add(customer)
        session.flush()
        identity = ChannelIdentity(
            customer_id=customer.id, channel="webchat", external_id=case_number, created_at=created_at
        )
        session.add(identity)
        session.flush()
        conversation = Conversation(
            customer_id=customer.id,
            identity_id=identity.id,
            channel="webchat",
            locale="zh-CN",
            status="open",
            flow_state="handed_off",
            flow_data={},
            owner="bot",
            created_at=created_at,
        )
        session.add(conversation)
        session.flush()
        session.add(complaint(conversation.id, customer.id, "电梯坏了"))

    await resources(client.app).database.write(add)
    return case_number
