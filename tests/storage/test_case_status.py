"""What the status answer reads (issue 12 item 1) is loaded with the batch's conversations: where
each handed-off case stands, and where the customer's open case elsewhere stands, in a fixed
number of statements however many conversations the batch holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from bot.core.messages import ChannelName
from bot.flows.records import CaseStage, CaseStatus, State
from bot.storage import store
from bot.storage.db import Database
from bot.storage.models import Complaint, Conversation, HandoffTicket, User

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
DEADLINE = NOW + dt.timedelta(hours=12)


def _conversation(session: Session, name: str, owner: str = "bot", state: State = State.HANDED_OFF) -> int:
    customer_id, identity_id = store.create_customer_identity(session, ChannelName.SMS, name, NOW)
    conversation_id = store.open_conversation(session, customer_id, identity_id, "sms", "zh-CN", NOW)
    session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(owner=owner, flow_state=state.value)
    )
    return conversation_id


def _complaint(session: Session, conversation_id: int, case_number: str, **values: Any) -> None:
    customer_id = session.get(Conversation, conversation_id).customer_id  # type: ignore[union-attr]
    session.execute(
        insert(Complaint).values(
            case_number=case_number,
            conversation_id=conversation_id,
            customer_id=customer_id,
            description="电梯坏了",
            category="property",
            grade="simple",
            customer_tier="standard",
            signals=[],
            status=values.pop("status", "open"),
            deadline_at=values.pop("deadline_at", DEADLINE),
            created_at=NOW,
            **values,
        )
    )


def _ticket(session: Session, conversation_id: int, status: str, told: int | None = None) -> None:
    session.execute(
        insert(HandoffTicket).values(
            conversation_id=conversation_id,
            queue="general",
            priority=2,
            reason="complaint",
            status=status,
            created_at=NOW,
            told_position=told,
        )
    )


def _seed(session: Session) -> dict[str, int]:
    agent_id = session.execute(
        insert(User)
        .values(username="li", password_hash="x", role="agent", display_name="李娜", created_at=NOW)
        .returning(User.id)
    ).scalar_one()
    waiting = _conversation(session, "waiting")
    _complaint(session, waiting, "TS1")
    _ticket(session, waiting, "waiting", told=2)
    claimed = _conversation(session, "claimed", owner=f"agent:{agent_id}")
    _complaint(session, claimed, "TS2", original_deadline_at=DEADLINE - dt.timedelta(hours=6))
    _ticket(session, claimed, "claimed")
    bare = _conversation(session, "bare")  # "转人工" before describing anything
    _ticket(session, bare, "waiting")
    # A customer with a case claimed in one conversation writes in a new one.
    newer = _conversation(session, "newer", state=State.AWAIT_DESCRIPTION)
    session.execute(
        update(Conversation)
        .where(Conversation.id == newer)
        .values(customer_id=session.get(Conversation, claimed).customer_id)  # type: ignore[union-attr]
    )
    return {"waiting": waiting, "claimed": claimed, "bare": bare, "newer": newer}


async def test_each_case_is_loaded_where_it_stands_in_a_fixed_number_of_statements(database_url: str) -> None:
    database = Database(database_url)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        ids = await database.write(_seed)
        target = database.engine.sync_engine if database._writer is None else database._writer
        event.listen(target, "before_cursor_execute", count)
        try:
            loaded = await database.write(lambda session: store.load_conversations(session, ids.values()))
        finally:
            event.remove(target, "before_cursor_execute", count)
    finally:
        await database.dispose()
    # Conversations, their customers (by key, issue 16), the customers' complaints, the cases'
    # places, the agents' names.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 5, statements
    assert loaded[ids["waiting"]].customer.this_case == CaseStatus(CaseStage.WAITING, "TS1", DEADLINE, queue_position=2)
    assert loaded[ids["claimed"]].customer.this_case == CaseStatus(
        CaseStage.WITH_AGENT, "TS2", DEADLINE, extended=True, agent_name="李娜"
    )
    assert loaded[ids["bare"]].customer.this_case == CaseStatus(CaseStage.WAITING)
    newer = loaded[ids["newer"]].customer
    assert newer.this_case is None
    assert newer.open_case is not None and newer.open_case.case_number == "TS2"
    # The open case of another conversation comes with its problem, to tell a repeat of it.
    claimed = loaded[ids["claimed"]].customer.this_case
    assert claimed is not None
    assert newer.open_case.status == dataclasses.replace(claimed, problem="电梯坏了")
