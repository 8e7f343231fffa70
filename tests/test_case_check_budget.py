"""A case number's check (the last 4 digits of the case's phone) cannot be guessed by opening
session after session: wrong answers count for the case, and for the client address, across every
conversation (``service.yaml`` ``case_check``: 5 per case, 10 per address, within 24 hours). Once
spent, every answer, the right one too, is refused in the words of a wrong one; the case's own
customer is never checked, other cases are not touched, the supervisors are told, and the window
passing lifts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.config import ServiceConfig
from bot.keys import resources
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, confirmed_complaint, new_session, settled
from tests.staff import add_user, give_to, sign_in

WANG_PHONE = "13800138000"  # the phone WANG_FILES_A_COMPLAINT leaves on the case
LI_FILES = "翠湖花园8栋的电梯坏了三天了，我是李女士，电话13912345678"
LI_PHONE = "13912345678"
STRANGER = "198.51.100.7"
ELSEWHERE = "203.0.113.5"
TOLD = "您的投诉编号是"
NOT_TOLD = "这次无法为您查询处理情况"
AGAIN = "核对没有通过"


async def _client(make_client: AppFactory) -> TestClient[Any, Any]:
    # The test client connects from 127.0.0.1, which plays the reverse proxy: each session names its address.
    return await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)))


async def _filed(client: TestClient[Any, Any], text: str | None = None) -> tuple[int, str]:
    """A case filed over web chat from its customer's own address: its conversation and number."""
    if text is None:
        conversation_id, socket = await confirmed_complaint(client, forwarded_for="192.0.2.10")
    else:
        conversation_id, socket = await confirmed_complaint(client, text, forwarded_for="192.0.2.11")
    await socket.close()
    async with resources(client.app).sessions() as session:
        number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, number


async def _asks(client: TestClient[Any, Any], case_number: str, answers: list[tuple[str, str]], address: str) -> str:
    """A new web chat session from ``address`` asks where the case stands and answers the check:
    everything the bot said."""
    token, _ = await new_session(client, forwarded_for=address)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell([(f"投诉编号{case_number} 处理到哪了", "完整联系电话"), *answers])
    await socket.close()
    return "\n".join(socket.bot_texts())


async def _two_misses(client: TestClient[Any, Any], case_number: str, address: str = STRANGER) -> None:
    await _asks(client, case_number, [("13800130000", AGAIN), ("13800130001", NOT_TOLD)], address)


async def _spend_the_case(client: TestClient[Any, Any], case_number: str) -> None:
    """Five wrong answers from three sessions: the case's budget."""
    await _two_misses(client, case_number)
    await _two_misses(client, case_number)
    await _asks(client, case_number, [("13800131234", AGAIN)], STRANGER)


async def _timeline(client: TestClient[Any, Any], conversation_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    return list((await response.json())["timeline"])


async def _notifications(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    response = await client.get("/api/notifications")
    assert response.status == 200, await response.text()
    return list((await response.json())["notifications"])


async def test_a_stranger_opening_session_after_session_is_refused_even_with_the_right_digits(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await _client(make_client)
    case_conversation, case_number = await _filed(client)
    await add_user(client, "li.agent", Role.AGENT)
    await give_to(client, case_conversation, "li.agent")
    await _spend_the_case(client, case_number)

    # The right digits now: refused as a wrong answer is, on a new session and from a new address.
    said = await _asks(client, case_number, [(WANG_PHONE, AGAIN), (WANG_PHONE, NOT_TOLD)], ELSEWHERE)
    assert TOLD not in said and "答复" not in said and case_number not in said
    assert "锁" not in said and "次数" not in said  # nothing tells the lock from a miss

    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    [locked] = [event for event in await _timeline(client, case_conversation) if event["kind"] == "case_check_locked"]
    assert locked["detail"]["failures"] == 5 and locked["detail"]["case_number"] == case_number
    # Refused until the window has passed the first wrong answer (the clock stood still meanwhile).
    assert dt.datetime.fromisoformat(locked["detail"]["until_at"]) == clock() + dt.timedelta(hours=24)
    [notice] = [item for item in await _notifications(client) if item["kind"] == "case_check_locked"]
    assert notice["conversation_id"] == case_conversation and notice["detail"]["failures"] == 5
    await sign_in(client, "li.agent")  # the agent handling the case is told too
    [notice] = [item for item in await _notifications(client) if item["kind"] == "case_check_locked"]
    assert notice["conversation_id"] == case_conversation


async def test_the_cases_own_customer_still_adds_to_the_locked_case(make_client: AppFactory, clock: FixedClock) -> None:
    client = await _client(make_client)
    conversation_id, socket = await confirmed_complaint(client, forwarded_for="192.0.2.10")
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    await _spend_the_case(client, case_number)

    def close(session: Any) -> None:
        conversation = session.get(Conversation, conversation_id)
        conversation.status, conversation.closed_at, conversation.closed_reason = "closed", clock(), "idle"

    await resources(client.app).database.write(close)
    socket.frames.clear()
    await socket.send(f"{case_number} 楼道灯还是没修好 都一个星期了")
    await socket.until_bot_says("让您等了这么久")
    await socket.close()
    assert not any("完整联系电话" in text for text in socket.bot_texts())


async def test_another_case_is_checked_as_before(make_client: AppFactory) -> None:
    client = await _client(make_client)
    _, wang_case = await _filed(client)
    _, li_case = await _filed(client, LI_FILES)
    await _spend_the_case(client, wang_case)

    said = await _asks(client, li_case, [(LI_PHONE, TOLD)], ELSEWHERE)
    assert f"{TOLD}{li_case}" in said


async def test_the_lock_lifts_once_the_window_has_passed(make_client: AppFactory, clock: FixedClock) -> None:
    client = await _client(make_client)
    _, case_number = await _filed(client)
    await _spend_the_case(client, case_number)
    assert TOLD not in await _asks(client, case_number, [(WANG_PHONE, AGAIN)], ELSEWHERE)

    clock.advance(hours=24, minutes=1)
    said = await _asks(client, case_number, [(WANG_PHONE, TOLD)], ELSEWHERE)
    assert f"{TOLD}{case_number}" in said


async def test_one_address_guessing_at_many_numbers_is_refused_everywhere_others_are_not(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await _client(make_client)
    case_conversation, case_number = await _filed(client)
    prefix = f"{case_number[:10]}"
    # Ten wrong answers on five numbers no case has: the address's budget (no case's is spent).
    for suffix in ("ABC234", "ABC235", "ABC236", "ABC237", "ABC238"):
        await _two_misses(client, f"{prefix}{suffix}")

    refused = await _asks(client, case_number, [(WANG_PHONE, AGAIN)], STRANGER)
    assert TOLD not in refused
    told = await _asks(client, case_number, [(WANG_PHONE, TOLD)], ELSEWHERE)
    assert f"{TOLD}{case_number}" in told

    await settled(client)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    assert not any(event["kind"] == "case_check_locked" for event in await _timeline(client, case_conversation))
    assert service_config.service.case_check.misses_per_writer == 10


async def test_misses_from_sessions_answering_at_once_are_all_counted(make_client: AppFactory) -> None:
    """Sessions answering together (one batch) cannot all slip in under the case's budget."""
    client = await _client(make_client)
    _, case_number = await _filed(client)
    sockets = []
    for number in range(6):
        token, _ = await new_session(client, forwarded_for=f"198.51.100.{number + 20}")
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        await socket.tell([(f"投诉编号{case_number} 处理到哪了", "完整联系电话")])
        sockets.append(socket)
    for socket in sockets:
        await socket.send("13800130000")
    for socket in sockets:
        await socket.until_bot_says(AGAIN)
    # Now the right digits in every one of them: the first five answers spent the case's budget.
    for socket in sockets:
        await socket.send(WANG_PHONE)
    for socket in sockets:
        await socket.until_bot_says(NOT_TOLD)
        await socket.close()
    assert not any(TOLD in text for socket in sockets for text in socket.bot_texts())
