"""A customer known on two channels with earlier cases (the agent console's customer panel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import ChannelIdentity, Complaint, Conversation, Customer, HandoffTicket, Satisfaction

PHONE = "13812345678"


@dataclass(frozen=True)
class Seeded:
    customer_id: int
    conversations: list[int]
    """Oldest first: the SMS cases, then the web chat conversation (the current one)."""
    case_numbers: list[str]


async def customer_on_two_channels(
    client: Any, sms_cases: int = 1, queue: str = "general", phone: str = PHONE
) -> Seeded:
    """One customer (``phone``) with ``sms_cases`` resolved, rated SMS complaints on
    consecutive days, then an open web chat conversation with a complaint waiting in ``queue``."""
    now = resources(client.app).clock()

    def seed(session: Any) -> Seeded:
        customer = Customer(display_name="王女士", phone=phone, tier="standard", created_at=now - dt.timedelta(days=60))
        session.add(customer)
        session.flush()
        sms = ChannelIdentity(customer_id=customer.id, channel="sms", external_id=f"+86{phone}", created_at=now)
        web = ChannelIdentity(
            customer_id=customer.id, channel="webchat", external_id=f"web-{customer.id}", created_at=now
        )
        session.add_all([sms, web])
        session.flush()
        conversations, case_numbers = [], []
        for number in range(sms_cases + 1):
            current = number == sms_cases
            at = now - dt.timedelta(days=sms_cases - number, hours=1)
            identity = web if current else sms
            conversation = Conversation(
                customer_id=customer.id,
                identity_id=identity.id,
                channel=identity.channel,
                locale="zh-CN",
                status="open" if current else "closed",
                flow_state="handed_off" if current else "closed",
                flow_data={},
                owner="bot",
                created_at=at,
            )
            session.add(conversation)
            session.flush()
            case_number = f"TS{at:%Y%m%d}{customer.id:02d}{number:03d}"
            complaint = Complaint(
                case_number=case_number,
                conversation_id=conversation.id,
                customer_id=customer.id,
                description="路灯坏了" if not current else "楼道垃圾没人清理",
                contact_phone=phone,
                category="street_lighting" if not current else "sanitation",
                grade="normal",
                customer_tier="standard",
                signals=[],
                status="open" if current else "resolved",
                created_at=at,
            )
            session.add(complaint)
            session.flush()
            if current:
                session.add(
                    HandoffTicket(
                        conversation_id=conversation.id,
                        complaint_id=complaint.id,
                        queue=queue,
                        priority=2,
                        reason="requested",
                        created_at=at,
                    )
                )
            else:
                session.add(
                    Satisfaction(
                        complaint_id=complaint.id,
                        conversation_id=conversation.id,
                        rating=4,
                        method="sms",
                        person="bot",
                        resolved=True,
                        created_at=at,
                    )
                )
            conversations.append(conversation.id)
            case_numbers.append(case_number)
        return Seeded(customer.id, conversations, case_numbers)

    seeded: Seeded = await resources(client.app).database.write(seed)
    return seeded


async def set_tier(client: Any, conversation_id: int, tier: object, csrf: str | None) -> Any:
    """``PUT /api/conversations/{id}/customer/tier`` as the signed-in staff member; the response."""
    headers = {"X-CSRF-Token": csrf} if csrf is not None else {}
    return await client.put(f"/api/conversations/{conversation_id}/customer/tier", json={"tier": tier}, headers=headers)


async def tier_of(client: Any, customer_id: int) -> str:
    async with resources(client.app).sessions() as session:
        customer = await session.get(Customer, customer_id)
    assert customer is not None
    return customer.tier


async def newest_complaint(client: Any, conversation_id: int) -> Complaint:
    async with resources(client.app).sessions() as session:
        query = select(Complaint).where(Complaint.conversation_id == conversation_id).order_by(Complaint.id.desc())
        found = (await session.execute(query)).scalars().first()
    assert found is not None, f"conversation {conversation_id} has no complaint"
    return found
