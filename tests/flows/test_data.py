"""The flow data as stored: every shape stored before it was typed still loads, and saves the same."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bot.config import Signal
from bot.flows.data import FlowData, OwedPromise, TimerKind
from bot.keys import resources
from bot.storage.models import Conversation
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session

# Every distinct flow_data the untyped flow produced while tests/flows and
# tests/promises/test_callback.py ran (recorded at commit d92e124, one JSON object a line).
STORED = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "fixtures" / "flow_data" / "stored.jsonl").read_text("utf-8").splitlines()
]


def _without_empty_collections(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stored.items() if value != [] and value != {}}


def test_every_recorded_shape_loads_and_saves_as_it_was_stored() -> None:
    assert len(STORED) > 100
    for stored in STORED:
        data = FlowData.from_json(stored)
        assert data.to_json() == _without_empty_collections(stored), stored
        assert FlowData.from_json(data.to_json()) == data


def test_the_recorded_shapes_cover_every_key() -> None:
    keys = {key for stored in STORED for key in stored}
    assert keys == {
        "description",
        "phone",
        "phone_from_channel",
        "area",
        "signals",
        "case_number",
        "recorded_ack",
        "harassing",
        "harassment_warned_at",
        "rating",
        "timers",
        "timer_seq",
    }


def test_stored_values_load_typed() -> None:
    data = FlowData.from_json(
        {
            "description": ["电梯坏了三天了"],
            "signals": ["violence", "emotional"],
            "harassing": True,
            "harassment_warned_at": "2026-11-23T14:00:00+08:00",
            "timer_seq": 5,
            "timers": {"harassment_close": 5, "idle_prompt": 4},
        }
    )
    assert data.signals == (Signal.VIOLENCE, Signal.EMOTIONAL)
    assert data.harassment_warned_at == dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)
    assert data.timers == {TimerKind.HARASSMENT_CLOSE: 5, TimerKind.IDLE_PROMPT: 4}
    assert data.phone is None and data.rating is None and not data.recorded_ack


def test_a_new_or_empty_conversation_loads_as_the_defaults() -> None:
    assert FlowData.from_json(None) == FlowData.from_json({}) == FlowData()
    assert FlowData().to_json() == {}


def test_a_key_this_version_does_not_know_is_written_back() -> None:
    stored = {"description": ["水压太低"], "added_by_a_newer_version": {"x": 1}}
    assert FlowData.from_json(stored).to_json() == stored


def test_a_copy_shares_no_container() -> None:
    original = FlowData(description=["a"], timers={TimerKind.IDLE_PROMPT: 1}, extra={"k": 1})
    copy = original.copy()
    copy.description.append("b")
    copy.timers.clear()
    copy.extra.clear()
    assert original == FlowData(description=["a"], timers={TimerKind.IDLE_PROMPT: 1}, extra={"k": 1})


async def test_a_conversation_stored_by_the_untyped_flow_carries_on(make_client: AppFactory) -> None:
    """A row written before the flow data was typed (empty lists and maps, a key unknown here)
    takes the customer's next message where it left off, and keeps what it does not know."""
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("下午好")
    old = {"description": ["楼道的灯坏了"], "signals": [], "timers": {}, "timer_seq": 1, "legacy": "kept"}
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(flow_state="await_phone", flow_data=old)
        )
    await socket.send("13800138000")
    await socket.until_bot_says("区域")

    async def saved() -> bool:
        async with resources(client.app).sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
            assert conversation is not None
            return conversation.flow_state == "await_area"

    await eventually(saved)
    async with resources(client.app).sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        assert conversation.flow_data == {
            "description": ["楼道的灯坏了"],
            "phone": "13800138000",
            "timer_seq": 2,
            "timers": {"idle_prompt": 2},
            "legacy": "kept",
        }
    await socket.close()


def test_the_forms_refusals_contact_and_name_are_stored() -> None:
    """Issue 12 item 5: the refused phone, the channel contact and the full name survive a save."""
    data = FlowData(phone_refusals=2, contact_by_channel=True, name="王芳", surname="王")
    stored = data.to_json()
    assert stored == {"phone_refusals": 2, "contact_by_channel": True, "name": "王芳", "surname": "王"}
    assert FlowData.from_json(stored) == data
    assert FlowData.from_json(stored).copy() == data


def test_the_place_as_the_customer_wrote_it_is_stored() -> None:
    data = FlowData(area="台中市西屯区台湾大道三段99号", area_written="台中市西屯區台灣大道三段99號", traditional=True)
    stored = data.to_json()
    assert stored["area_written"] == "台中市西屯區台灣大道三段99號"
    assert FlowData.from_json(stored) == data and FlowData.from_json(stored).copy() == data


def test_the_promise_the_supervisor_s_questions_wait_for_is_stored() -> None:
    """A conversation handed to the supervisor mid-questions keeps the reply time still to say."""
    due = dt.datetime(2026, 12, 5, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    data = FlowData(owed_promise=OwedPromise(due, 1.0, True))
    stored = data.to_json()
    assert json.loads(json.dumps(stored)) == stored
    assert FlowData.from_json(stored) == data and FlowData.from_json(stored).copy() == data
    assert FlowData.from_json({}).owed_promise is None
