"""Staff actions on a conversation with two open cases (another problem told after the hand-off):
the agent resolves one case and the other stays open with its ticket, timers and deadline, the
customer told which case was resolved; a supervisor extends one case's deadline, the other's
unchanged, and the customer hears which case waits longer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.promises.timers import CaseTimerKind
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, HandoffTicket, Timer
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session
from tests.promises.support import cases_by_category, claim_and_reply, run_due, staff, two_promised_cases


def system_texts(socket: ChatSocket) -> list[str]:
    return [f["text"] for f in socket.frames if f.get("type") == "message" and f.get("from") in ("system", "bot")]


async def _pending_timers(client: Any, complaint: Complaint) -> dict[str, dt.datetime]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Timer).where(
                Timer.conversation_id == complaint.conversation_id,
                Timer.complaint_id == complaint.id,
                Timer.status == "pending",
            )
        )
        return {timer.kind: timer.due_at for timer in rows.scalars()}


async def _ticket_statuses(client: Any, conversation_id: int) -> dict[int | None, str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id))
        return {ticket.complaint_id: ticket.status for ticket in rows.scalars()}


async def test_resolving_one_case_leaves_the_other_open_and_tells_the_customer_which(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    headers, agent_id = await staff(client, "li", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]
    await socket.caught_up()
    told_before = len(system_texts(socket))

    path = f"/api/conversations/{conversation_id}/resolve"
    body = {"summary": "已联系楼上住户，保证晚上十点后不再拍球。", "case_numbers": [noise.case_number]}
    resolved = await client.post(path, json=body, headers=headers)
    assert resolved.status == 200, await resolved.text()
    assert await resolved.json() == {
        "resolved": True,
        "case_numbers": [noise.case_number],
        "still_open": [water.case_number],
    }

    # The customer reads at once which case is resolved, how, and that the other is still handled.
    await socket.until(lambda frames: len(system_texts(socket)) > told_before)
    [told] = system_texts(socket)[told_before:]
    assert told == (
        f"您好，您反映的问题（投诉编号{noise.case_number}）已处理完毕：已联系楼上住户，保证晚上十点后不再拍球。"
        f"您的另一个投诉（投诉编号{water.case_number}）我们还在继续处理，处理完毕后会再告诉您。"
    )
    cases = await cases_by_category(client, conversation_id)
    assert cases["property_service"].status == "resolved" and cases["engineering_repair"].status == "open"
    assert cases["engineering_repair"].deadline_at == water.deadline_at
    # The water case keeps its ticket, timers and agent; the noise case's are over.
    assert await _ticket_statuses(client, conversation_id) == {water.id: "claimed", noise.id: "resolved"}
    assert await _pending_timers(client, noise) == {}
    assert (await _pending_timers(client, water))[CaseTimerKind.BREACH.value] == water.deadline_at
    body_now = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert body_now["owner"] == f"agent:{agent_id}" and body_now["resolution"] is None
    assert body_now["state"] == "handed_off"
    # No callback (回访) yet: it waits until the water case is resolved too.
    clock.advance(hours=2)
    await run_due(client)
    assert not any("满意" in text for text in socket.bot_texts())

    resolved = await client.post(path, json={"summary": "已恢复供水"}, headers=headers)
    assert resolved.status == 200
    assert (await resolved.json())["case_numbers"] == [water.case_number]
    cases = await cases_by_category(client, conversation_id)
    assert {case.status for case in cases.values()} == {"resolved"}
    async with resources(client.app).sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.owner == "bot"
    # The water case, which the callback does not name (it names the newest), is told now.
    await socket.until(lambda frames: any("已恢复供水" in text for text in system_texts(socket)))
    assert system_texts(socket)[-1] == f"您好，您反映的问题（投诉编号{water.case_number}）已处理完毕：已恢复供水。"
    # The callback asks about the conversation's newest case, with its own summary: resolved at
    # 16:00, two hours later is after the 17:30 close, so it is asked when the service opens.
    clock.advance(hours=16, minutes=30)  # Tuesday 08:30
    await run_due(client)
    asked = await socket.until_bot_says("满意")
    assert f"投诉编号{noise.case_number}）已处理完毕：已联系楼上住户，保证晚上十点后不再拍球。" in asked["text"]
    await socket.close()


async def test_an_english_customer_hears_which_case_was_resolved_without_the_chinese_summary(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client, locale="en")
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("at your service")
    await socket.tell(
        (
            ("the water is off at Sunny Garden 5, 13812345678", "Is that correct"),
            ("yes", "case number"),
            ("also the people upstairs are stomping all night", "community or address"),
            ("same place", "Is that correct"),
            ("yes", "case number"),
        )
    )
    headers, _ = await staff(client, "li", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]
    await socket.caught_up()
    told_before = len(system_texts(socket))

    body = {"summary": "已联系楼上住户，保证晚上十点后不再拍球。", "case_numbers": [noise.case_number]}
    resolved = await client.post(f"/api/conversations/{conversation_id}/resolve", json=body, headers=headers)
    assert resolved.status == 200, await resolved.text()
    await socket.until(lambda frames: len(system_texts(socket)) > told_before)
    [told] = system_texts(socket)[told_before:]
    assert told == (
        f"Hello, your complaint (case number {noise.case_number}) has been handled: we have dealt with the problem"
        f" you reported (Property service). We are still working on your other complaint (case number"
        f" {water.case_number}) and will tell you when it is handled."
    )
    await socket.close()


async def test_resolving_both_at_once_is_as_before(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    headers, _ = await staff(client, "li", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    cases = await cases_by_category(client, conversation_id)
    numbers = sorted(case.case_number for case in cases.values())
    await socket.caught_up()
    told_before = len(system_texts(socket))
    body = {"summary": "都已处理", "case_numbers": numbers}
    resolved = await client.post(f"/api/conversations/{conversation_id}/resolve", json=body, headers=headers)
    assert resolved.status == 200
    assert sorted((await resolved.json())["case_numbers"]) == numbers
    assert {case.status for case in (await cases_by_category(client, conversation_id)).values()} == {"resolved"}
    assert set((await _ticket_statuses(client, conversation_id)).values()) == {"resolved"}
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("满意")
    told = system_texts(socket)[told_before:]
    assert len(told) == 1 and "满意" in told[0]  # told by the callback alone, as a single case is
    await socket.close()


async def test_a_case_to_resolve_must_be_an_open_case_of_the_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    await socket.close()
    headers, _ = await staff(client, "li", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    path = f"/api/conversations/{conversation_id}/resolve"
    for numbers, status in ((["TS20990101XXX999"], 409), ([], 400)):
        refused = await client.post(path, json={"summary": "已处理", "case_numbers": numbers}, headers=headers)
        assert refused.status == status, await refused.text()
    assert {case.status for case in (await cases_by_category(client, conversation_id)).values()} == {"open"}


async def test_an_extension_moves_the_chosen_case_only_and_names_it(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]
    assert noise.deadline_at is not None and water.deadline_at is not None
    assert noise.deadline_at < water.deadline_at
    headers, _ = await staff(client, "zhou", Role.SUPERVISOR)
    path = f"/api/conversations/{conversation_id}/extend"

    # By default the case whose deadline comes first.
    default = await (await client.get(f"{path}?hours=12")).json()
    assert default["case_number"] == noise.case_number
    assert dt.datetime.fromisoformat(default["previous_deadline_at"]) == noise.deadline_at

    previewed = await client.get(f"{path}?hours=12&case={water.case_number}")
    assert previewed.status == 200, await previewed.text()
    preview = await previewed.json()
    assert preview["case_number"] == water.case_number
    assert dt.datetime.fromisoformat(preview["previous_deadline_at"]) == water.deadline_at
    assert preview["message"].startswith(f"很抱歉，您反映的问题（投诉编号{water.case_number}）还需要一些时间处理")

    await socket.caught_up()
    told_before = len(system_texts(socket))
    body = {"hours": 12, "reason": "需要更换水泵", "case_number": water.case_number}
    extended = await client.post(path, json=body, headers=headers)
    assert extended.status == 200, await extended.text()
    assert (await extended.json())["case_number"] == water.case_number
    await socket.until(lambda frames: len(system_texts(socket)) > told_before)
    assert system_texts(socket)[told_before:] == [preview["message"]]

    cases = await cases_by_category(client, conversation_id)
    new_deadline = dt.datetime.fromisoformat(preview["deadline_at"])
    assert cases["engineering_repair"].deadline_at == new_deadline
    assert cases["property_service"].deadline_at == noise.deadline_at
    assert (await _pending_timers(client, water))[CaseTimerKind.BREACH.value] == new_deadline
    assert (await _pending_timers(client, noise))[CaseTimerKind.BREACH.value] == noise.deadline_at

    unknown = await client.get(f"{path}?hours=12&case=TS20990101XXX999")
    assert unknown.status == 409
    await socket.close()
