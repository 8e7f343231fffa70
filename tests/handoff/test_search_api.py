"""``GET /api/search`` (issue 15): by case number, phone or text, only what the staff member may read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off, ticket_of
from tests.helpers import ChatSocket, eventually, new_session
from tests.promises.support import cases_by_category, two_promised_cases
from tests.staff import add_user, set_queues, sign_in

PHONE = "13812345678"


async def search(client: Any, query: str) -> list[dict[str, Any]]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    return list((await response.json())["hits"])


async def customer_with_a_complaint(client: Any) -> tuple[int, str]:
    """A web chat customer records a complaint (phone given); returns the conversation and case number."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    steps = [("小区楼道的垃圾三天没人清理", "电话"), (PHONE, "小区"), ("阳光花园3栋", "正确"), ("对", "TS")]
    for text, answer in steps:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, case_number


async def test_staff_find_a_conversation_by_case_number_phone_or_text(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, case_number = await customer_with_a_complaint(client)
    other, socket = await customer_hands_off(client)
    await socket.close()

    [hit] = await search(client, case_number.lower())
    assert (hit["conversation_id"], hit["matched"], hit["case_number"]) == (conversation_id, "case_number", case_number)
    assert case_number in hit["text"]  # the message saying the number, not the customer's last words
    [hit] = await search(client, "1234 5678")
    assert (hit["conversation_id"], hit["matched"]) == (conversation_id, "phone")
    for typed in (f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", f"0086{PHONE}", f"86-{PHONE}"):  # with the country code
        [hit] = await search(client, typed)
        assert (hit["conversation_id"], hit["matched"]) == (conversation_id, "phone"), typed
    assert hit["text"] is not None
    [hit] = await search(client, "垃圾三天")
    assert (hit["conversation_id"], hit["matched"]) == (conversation_id, "text")
    assert "垃圾三天没人清理" in hit["text"]
    assert {hit["conversation_id"] for hit in await search(client, "转人工")} == {other}
    assert await search(client, "%%") == []  # LIKE wildcards are searched for as themselves
    assert (await client.get("/api/search", params={"q": "垃"})).status == 400


async def test_an_agent_finds_only_conversations_they_may_read_with_phones_masked(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["billing"])
    conversation_id, socket = await customer_hands_off(client)
    await socket.send(f"我电话{PHONE}")

    await sign_in(client, "li.agent")

    async def found() -> bool:
        return bool(await search(client, PHONE[-4:]))  # the digits the agent sees (138****5678)

    await eventually(found)
    [hit] = await search(client, PHONE[-4:])
    assert hit["conversation_id"] == conversation_id
    # The conversation's newest message with the number: the customer's, or the bot's answer
    # naming it back ("联系电话已更正为…"); masked either way.
    assert "138****5678" in hit["text"] and PHONE not in hit["text"]
    await socket.close()

    await sign_in(client, "wang.agent")  # the ticket waits in "general", not one of wang's queues
    assert await search(client, PHONE[-4:]) == []
    assert await search(client, "转人工") == []


async def test_a_search_cannot_confirm_the_digits_an_agent_sees_masked(make_client: AppFactory) -> None:
    """Guessing the hidden digits one at a time (1381…, 1382…) finds nothing: an agent who does
    not own a conversation searches it as they see it. Its owner and a supervisor find it by the
    full number and read it in full."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client)
    await socket.send(f"我电话{PHONE}")
    await sign_in(client, "zhou.sup")

    async def found() -> bool:
        return bool(await search(client, PHONE))

    await eventually(found)
    await socket.close()

    await sign_in(client, "wang.agent")  # reads the conversation (its queue), does not own it
    guesses = [PHONE[:3] + str(digit) for digit in range(10)] + [PHONE[3:7], PHONE[-6:], PHONE[-5:], PHONE]
    for guess in guesses:
        assert await search(client, guess) == [], guess
    # What the agent sees still finds it: the visible digits, the masked number, the words.
    for visible in ("5678", "138****5678", "我电话138"):
        [hit] = await search(client, visible)
        assert hit["conversation_id"] == conversation_id and PHONE not in hit["text"], visible

    csrf = await sign_in(client, "li.agent")
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    for username in ("li.agent", "zhou.sup"):  # the owner, and a supervisor
        await sign_in(client, username)
        for query in (PHONE, PHONE[-6:], PHONE[:4]):
            [hit] = await search(client, query)
            assert hit["conversation_id"] == conversation_id and PHONE in hit["text"], (username, query)
    await sign_in(client, "wang.agent")  # someone else owns it now: still masked for wang
    assert await search(client, PHONE[-6:]) == []


async def test_a_search_cannot_confirm_a_phone_spelt_in_numerals_an_agent_sees_masked(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client)
    await socket.send("我电话一三八一二三四五六七八")
    await sign_in(client, "zhou.sup")

    async def found() -> bool:
        return bool(await search(client, "一三八一二三四"))

    await eventually(found)
    await socket.close()
    await sign_in(client, "wang.agent")
    assert await search(client, "一三八一二三四") == []
    [hit] = await search(client, "五六七八")
    assert hit["conversation_id"] == conversation_id and "一三八****五六七八" in hit["text"]


async def test_a_search_cannot_confirm_a_phone_told_in_groups_an_agent_sees_masked(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client)
    await socket.send("139。8765。4321")
    await sign_in(client, "zhou.sup")

    async def found() -> bool:
        return bool(await search(client, "8765"))

    await eventually(found)
    await socket.close()
    await sign_in(client, "wang.agent")
    assert await search(client, "8765") == []
    [hit] = await search(client, "139。****。4321")
    assert hit["conversation_id"] == conversation_id and hit["text"] == "139。****。4321"


async def test_the_agent_who_resolved_a_case_still_finds_and_reads_its_full_phone(make_client: AppFactory) -> None:
    """Resolving hands the conversation back; the agent who resolved it still handles it: they
    find it by the customer's whole number and read the number in full in the transcript, the
    case form and the customer panel. Another agent of the queue still sees it masked."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    conversation_id, _ = await customer_with_a_complaint(client)
    csrf = await sign_in(client, "li.agent")
    ticket_id = await ticket_of(client, conversation_id)
    headers = {"X-CSRF-Token": csrf}
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers=headers)).status == 200
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已安排保洁清理"}, headers=headers
    )
    assert resolved.status == 200, await resolved.text()

    [hit] = await search(client, PHONE)
    assert hit["conversation_id"] == conversation_id and hit["matched"] == "phone"
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["phones_masked"] is False
    assert any(message["text"] == PHONE for message in view["messages"])
    assert view["complaints"][0]["contact_phone"] == PHONE
    panel = await (await client.get(f"/api/conversations/{conversation_id}/customer")).json()
    assert panel["phones_masked"] is False

    await sign_in(client, "wang.agent")  # may read it (its queue), neither owned nor resolved it
    assert await search(client, PHONE) == []
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["phones_masked"] is True
    assert all(PHONE not in (message["text"] or "") for message in view["messages"])
    assert "138****5678" in [message["text"] for message in view["messages"]]


async def hong_kong_customer_with_a_complaint(client: Any) -> int:
    """A web chat customer writing traditional characters records a complaint at 太古城金星閣."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in [("太古城金星閣15樓B室 部電梯壞咗三日", "電話"), ("9123 4567", "正確"), ("對", "TS")]:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    return conversation_id


async def test_a_place_is_found_in_either_script_and_shown_as_written(make_client: AppFactory) -> None:
    """金星阁 finds the case at 金星閣 and 金星閣 the one at 金星阁; a place a supervisor wrote in
    mixed scripts (太古城金星閣15楼B室) is found by either and shown as it was written."""
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou.sup")
    hong_kong = await hong_kong_customer_with_a_complaint(client)

    for query in ("金星阁", "金星閣", "部电梯坏咗", "金星閣15樓"):
        assert [hit["conversation_id"] for hit in await search(client, query)] == [hong_kong], query
    [hit] = await search(client, "金星阁")
    assert (hit["matched"], hit["place"]) == ("place", "太古城金星閣15樓B室")  # as the customer wrote it

    fixed = await client.patch(
        f"/api/conversations/{hong_kong}/complaint",
        json={"area": "太古城金星閣15楼B室"},  # 閣 and 楼: mixed scripts
        headers={"X-CSRF-Token": csrf},
    )
    assert fixed.status == 200, await fixed.text()
    for query in ("金星阁15楼", "金星閣15樓", "城金星閣15楼B"):
        [hit] = await search(client, query)
        assert (hit["conversation_id"], hit["matched"], hit["place"]) == (hong_kong, "place", "太古城金星閣15楼B室")

    mainland, _ = await customer_with_a_complaint(client)  # 阳光花园3栋, written in simplified
    [hit] = await search(client, "陽光花園")
    assert (hit["conversation_id"], hit["matched"], hit["place"]) == (mainland, "place", "阳光花园3栋")


async def test_a_case_found_by_its_number_is_the_one_shown_beside_its_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, socket = await two_promised_cases(client)
    await socket.close()
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]

    for case in (water, noise):
        [hit] = await search(client, case.case_number)
        assert (hit["conversation_id"], hit["matched"], hit["case_number"]) == (
            conversation_id,
            "case_number",
            case.case_number,
        )
    # Found by its words, the conversation is shown with its newest case (the noise, told second).
    [hit] = await search(client, "半夜拍球")
    assert (hit["matched"], hit["case_number"]) == ("text", noise.case_number)


async def test_the_bots_own_example_place_is_not_searched_as_case_content(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, _ = await customer_with_a_complaint(client)
    token, asked = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("3栋电梯又坏了")
    await socket.until_bot_says("电话")
    await socket.send("13912345678")
    await socket.until_bot_says("阳光花园")  # the bot's example: 例如“阳光花园”
    await socket.close()

    assert [hit["conversation_id"] for hit in await search(client, "阳光花园")] == [conversation_id]
    assert [hit["conversation_id"] for hit in await search(client, "陽光花園")] == [conversation_id]
    assert {hit["conversation_id"] for hit in await search(client, "电梯又坏")} == {asked}


async def test_a_control_character_pasted_into_the_search_is_read_as_a_space(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, _ = await customer_with_a_complaint(client)

    assert await search(client, "\x07ab") == []
    [hit] = await search(client, "垃圾\x1b")
    assert hit["conversation_id"] == conversation_id
    assert (await client.get("/api/search", params={"q": "\x07\x07"})).status == 400
    # a NUL, which no database stores, is refused as in every query parameter
    refused = await client.get("/api/search", params={"q": "垃圾\x00"})
    assert (refused.status, (await refused.json())["field"]) == (400, "q")
