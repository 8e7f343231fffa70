"""Before a supervisor extends a deadline, the console shows what will happen: the new time (the
hours count as the case's own deadline counts: service hours, or around the clock for danger now)
and the exact message the customer will be sent."""

from __future__ import annotations

import datetime as dt

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.flows.chat import SHANGHAI
from tests.helpers import ChatSocket, new_session
from tests.promises.support import complaint, promised_case, staff


def system_texts(socket: object) -> list[str]:
    frames = socket.frames  # type: ignore[attr-defined]
    return [f["text"] for f in frames if f.get("type") == "message" and f.get("from") in ("system", "bot")]


async def test_the_preview_shows_the_new_time_and_the_message_and_changes_nothing(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    original = (await complaint(client, conversation_id)).deadline_at
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    clock.advance(hours=1)
    path = f"/api/conversations/{conversation_id}/extend"

    previewed = await client.get(f"{path}?hours=12")
    assert previewed.status == 200, await previewed.text()
    preview = await previewed.json()
    # 12 service hours from Tuesday 17:00 (not the wall clock's): Thursday 11:00
    new_deadline = dt.datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)
    assert dt.datetime.fromisoformat(preview["deadline_at"]) == new_deadline
    assert dt.datetime.fromisoformat(preview["previous_deadline_at"]) == original
    assert preview["clock"] == "business_hours"
    assert preview["deadline_said"] == "11月26日（周四）上午11点前"
    assert "我们会在11月26日（周四）上午11点前给您明确的答复" in preview["message"]

    await socket.caught_up()
    told_before = system_texts(socket)
    assert (await complaint(client, conversation_id)).deadline_at == original  # a preview moves nothing

    extended = await client.post(path, json={"hours": 12, "reason": "需要厂家派工程师"}, headers=headers)
    assert extended.status == 200
    assert dt.datetime.fromisoformat((await extended.json())["deadline_at"]) == new_deadline
    await socket.until(lambda frames: len(system_texts(socket)) > len(told_before))
    assert system_texts(socket)[len(told_before) :] == [preview["message"]]  # exactly what was shown
    # a message of the service, shown as its other messages are, not a faint system line
    [frame] = [f for f in socket.frames if f.get("type") == "message" and f.get("text") == preview["message"]]
    assert frame["from"] == "bot"
    await socket.close()


async def test_a_preview_is_refused_as_the_extension_would_be(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.close()
    path = f"/api/conversations/{conversation_id}/extend"
    await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    for query, status in (("", 400), ("?hours=abc", 400), ("?hours=0", 400), ("?hours=0.5", 400), ("?hours=9999", 400)):
        assert (await client.get(path + query)).status == status, query
    assert (await client.get("/api/conversations/999999/extend?hours=4")).status == 404
    await staff(client, "sun.agent", Role.AGENT)
    assert (await client.get(f"{path}?hours=4")).status == 403


async def test_a_danger_case_is_extended_around_the_clock_as_its_deadline_counts(make_client: AppFactory) -> None:
    """Someone trapped in a lift at 8 pm was promised a reply within the hour, on the wall clock:
    2 hours more are 11 pm tonight, not tomorrow morning's service hours (10:30); the console
    shows them as hours around the clock and offers the case's own hour."""
    evening = FixedClock(dt.datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI))
    client = await make_client(clock=evening)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("救命，我被困在电梯里了")
    await socket.until_bot_says("紧急")
    assert (await complaint(client, conversation_id)).deadline_at == dt.datetime(2026, 11, 23, 21, 0, tzinfo=SHANGHAI)
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["complaints"][0]["extension"] == {
        "clock": "around_the_clock",
        "default_hours": 1,
        "min_hours": 1,
        "max_hours": 720,
    }

    path = f"/api/conversations/{conversation_id}/extend"
    preview = await (await client.get(f"{path}?hours=2")).json()
    assert (preview["clock"], preview["default_hours"]) == ("around_the_clock", 1)
    assert dt.datetime.fromisoformat(preview["deadline_at"]) == dt.datetime(2026, 11, 23, 23, 0, tzinfo=SHANGHAI)
    assert preview["deadline_said"] == "今天晚上11点前"
    extended = await client.post(path, json={"hours": 2, "reason": "等待电梯维保人员到场"}, headers=headers)
    assert extended.status == 200, await extended.text()
    assert (await extended.json())["deadline_at"] == preview["deadline_at"]
    await socket.until(lambda frames: any("今天晚上11点前" in text for text in system_texts(socket)))
    await socket.close()


async def test_an_ordinary_case_is_extended_in_service_hours_offering_its_own_promise(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.close()
    await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["complaints"][0]["extension"] == {
        "clock": "business_hours",
        "default_hours": 12,
        "min_hours": 1,
        "max_hours": 720,
    }
    preview = await (await client.get(f"/api/conversations/{conversation_id}/extend?hours=12")).json()
    assert (preview["clock"], preview["default_hours"]) == ("business_hours", 12)
    # extended on the case's own conversation: that conversation alone is told, as the preview says
    assert [(told["conversation_id"], told["message"]) for told in preview["told"]] == [
        (conversation_id, preview["message"])
    ]
