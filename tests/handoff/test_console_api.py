"""What the agent console's API shows (issue 15): queue cards with the channel and the customer's
last words, and phone numbers masked for agents who do not own the conversation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.privacy import mask_phones
from bot.storage.conversations import add_timeline_event
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off, ticket_of
from tests.helpers import WANG_FILES_A_COMPLAINT, ChatSocket, confirmed_complaint, eventually, new_session, settled
from tests.staff import add_user, claimed_conversation, sign_in

PHONE = "13812345678"


async def queue_of(client: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/queue")
    assert response.status == 200, await response.text()
    return list((await response.json())["tickets"])


async def waiting_customer_says(client: Any, text: str) -> int:
    conversation_id, socket = await customer_hands_off(client)
    await socket.send(text)

    async def shown() -> bool:
        waiting = await queue_of(client)
        return any(t.get("last_customer_message") for t in waiting if t["conversation_id"] == conversation_id)

    await eventually(shown)
    await socket.close()
    return conversation_id


def test_phone_numbers_are_masked_in_the_middle_and_other_numbers_kept() -> None:
    assert mask_phones(f"电话{PHONE},编号TS2026112300001") == "电话138****5678,编号TS2026112300001"
    assert mask_phones("+8613812345678") == "+86138****5678"
    assert mask_phones("029-88886666") == "029-****6666"
    assert mask_phones(None) is None


async def test_a_queue_card_shows_the_channel_and_the_customers_last_words_masked_for_agents(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id = await waiting_customer_says(client, f"电梯又坏了,我电话{PHONE}")
    [card] = [t for t in await queue_of(client) if t["conversation_id"] == conversation_id]
    assert card["channel"] == "webchat"
    assert card["last_customer_message"] == f"电梯又坏了,我电话{PHONE}"

    await sign_in(client, "li.agent")
    [card] = [t for t in await queue_of(client) if t["conversation_id"] == conversation_id]
    assert card["last_customer_message"] == "电梯又坏了,我电话138****5678"
    assert card["channel"] == "webchat"


async def test_the_queue_costs_the_same_statements_however_many_wait(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    engine = resources(client.app).database.engine.sync_engine
    statements: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "messages" in statement or "conversations" in statement:
            statements.append(statement)

    async def cost() -> tuple[int, int]:
        await settled(client)  # the customers' pipelines and timers have done their own queries
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            waiting = await queue_of(client)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), len(waiting)

    await waiting_customer_says(client, "第一位客户")
    one, waiting = await cost()
    assert waiting == 1
    for number in range(3):
        await waiting_customer_says(client, f"又一位客户 {number}")
    many, waiting = await cost()
    assert (many, waiting) == (one, 4)
    assert one == 1


async def test_only_the_owner_and_supervisors_read_the_phone_in_full(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id = await waiting_customer_says(client, f"我电话{PHONE},快来人")

    async def texts(username: str) -> tuple[str, bool]:
        await sign_in(client, username)
        body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
        return " ".join(m["text"] for m in body["messages"]), body["phones_masked"]

    seen, masked = await texts("wang.agent")
    assert "138****5678" in seen and PHONE not in seen and masked
    csrf = await sign_in(client, "li.agent")
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    seen, masked = await texts("li.agent")
    assert PHONE in seen and not masked
    seen, masked = await texts("wang.agent")
    assert PHONE not in seen and masked
    seen, masked = await texts("zhou.sup")
    assert PHONE in seen and not masked


async def test_the_picker_offers_named_agent_phrases_and_not_the_bots_own_lines(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    body = await (await client.get("/api/phrases")).json()
    named = {phrase["id"]: phrase for phrase in body["agent_phrases"]}
    assert named["status_case_number"]["label"] == "告知投诉编号"
    assert named["status_case_number"]["variables"] == ["case_number"]
    assert named["empathy"]["variables"] == []
    assert not {"harassment_close", "idle_close", "greeting_opening", "queue_position"} & set(named)
    assert any(phrase["id"] == "idle_close" for phrase in body["phrases"])  # the full list stays for others


async def test_an_agent_who_does_not_own_the_case_reads_the_customers_words_in_it_masked(
    make_client: AppFactory,
) -> None:
    """Not only the messages: the complaint's description and area, the resolution summary and
    the timeline hold the customer's words too, and show their phones as the messages do."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)  # in the queue the case waits in, not its owner
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    said = "电梯坏了三天了，我电话13912345678，一直没人修"
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in [(said, "小区"), ("阳光花园3栋", "正确"), ("对", "TS"), ("转人工", "稍候")]:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    # An area as a customer may give it, with a number to call on the spot.
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Complaint)
            .where(Complaint.conversation_id == conversation_id)
            .values(area="阳光花园3栋，物业电话029-88886666")
        )

    async def complaint_as(username: str) -> tuple[dict[str, Any], str]:
        await sign_in(client, username)
        response = await client.get(f"/api/conversations/{conversation_id}")
        assert response.status == 200, await response.text()
        body = await response.json()
        [complaint] = body["complaints"]
        return complaint, await response.text()

    complaint, whole = await complaint_as("li.agent")
    assert complaint["description"] == "电梯坏了三天了，我电话139****5678，一直没人修"
    assert complaint["area"] == "阳光花园3栋，物业电话029-****6666"
    assert "13912345678" not in whole and "88886666" not in whole

    complaint, _ = await complaint_as("zhou.sup")
    assert (complaint["description"], complaint["area"]) == (said, "阳光花园3栋，物业电话029-88886666")
    csrf = await sign_in(client, "zhou.sup")
    summary = {"summary": "已回电13912345678，电梯已修好"}
    response = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json=summary, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 200, await response.text()

    complaint, whole = await complaint_as("li.agent")
    assert complaint["resolution_summary"] == "已回电139****5678，电梯已修好"
    assert "13912345678" not in whole  # nor in the timeline's "resolved" entry
    complaint, _ = await complaint_as("zhou.sup")
    assert complaint["resolution_summary"] == summary["summary"]


async def test_a_conversation_opens_on_its_newest_messages_and_says_how_many_are_earlier(
    make_client: AppFactory,
) -> None:
    """A conversation of thousands of messages is not sent whole each time the console refreshes:
    the newest come first, and the console asks for earlier ones a page at a time."""
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id = await waiting_customer_says(client, "最后一句话")
    await settled(client)  # the bot's answer to it is stored too: no message arrives between the reads
    whole = await (await client.get(f"/api/conversations/{conversation_id}?messages=2000")).json()
    assert whole["earlier_messages"] == 0 and len(whole["messages"]) > 3
    newest = await (await client.get(f"/api/conversations/{conversation_id}?messages=3")).json()
    assert [m["id"] for m in newest["messages"]] == [m["id"] for m in whole["messages"][-3:]]
    assert newest["earlier_messages"] == len(whole["messages"]) - 3
    for wrong in ("0", "many"):
        response = await client.get(f"/api/conversations/{conversation_id}?messages={wrong}")
        assert response.status == 400


async def test_a_queue_card_cuts_a_long_last_message_after_masking_it(make_client: AppFactory) -> None:
    """Masked first, then cut: a number at the cut keeps its mask."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    long_message = "电梯坏了" * 48 + f"电话{PHONE}" + "快来修" * 100
    conversation_id = await waiting_customer_says(client, long_message)
    [card] = [t for t in await queue_of(client) if t["conversation_id"] == conversation_id]
    preview = card["last_customer_message"]
    assert len(preview) == 200 and preview.endswith("…")
    assert preview.endswith("电话138**…") and "1381" not in preview


async def _customer_wrote_on(client: Any, conversation_id: int, count: int) -> None:
    """``count`` more messages of the customer after the hand-off, as their timeline rows: a day of
    a web chat customer writing at the allowed pace without waiting the day."""
    now = resources(client.app).clock()

    def write(session: Session) -> None:
        for number in range(count):
            detail = {"text": f"第{number}条"}
            add_timeline_event(session, conversation_id, TimelineKind.MESSAGE_AFTER_HANDOFF, "customer", detail, now)

    await resources(client.app).database.write(write)


async def test_a_customer_writing_on_after_the_handoff_does_not_grow_what_opening_the_conversation_sends(
    make_client: AppFactory,
) -> None:
    """Each customer message after the hand-off adds a timeline row; the conversation opens on the
    newest 200 of them and says how many are earlier, as it does for messages."""
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, socket = await customer_hands_off(client)
    for text in ("还有人吗", "我等着呢", "好的"):
        await socket.send(text)
    await settled(client, sockets=[socket])
    whole = await (await client.get(f"/api/conversations/{conversation_id}?timeline=2000")).json()
    assert whole["earlier_timeline"] == 0
    after_handoff = [event for event in whole["timeline"] if event["kind"] == "message_after_handoff"]
    assert len(after_handoff) == 3
    newest = await (await client.get(f"/api/conversations/{conversation_id}?timeline=2")).json()
    assert newest["timeline"] == whole["timeline"][-2:]
    assert newest["earlier_timeline"] == len(whole["timeline"]) - 2

    await _customer_wrote_on(client, conversation_id, 2100)
    total = len(whole["timeline"]) + 2100
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert "第2099条" in await response.text()  # Chinese sent as UTF-8, not \uXXXX escapes
    opened = await response.json()
    assert len(opened["timeline"]) == 200 and opened["earlier_timeline"] == total - 200
    assert opened["timeline"][-1]["detail"] == {"text": "第2099条"}
    most = await (await client.get(f"/api/conversations/{conversation_id}?timeline=100000")).json()
    assert len(most["timeline"]) == 2000 and most["earlier_timeline"] == total - 2000
    for wrong in ("0", "-1", "many"):
        response = await client.get(f"/api/conversations/{conversation_id}?timeline={wrong}")
        assert response.status == 400
        assert "timeline" in (await response.json())["error"]
    await socket.close()


async def test_a_resolved_case_shows_resolved_and_by_whom_when_its_resolution_is_older_than_the_timeline_shown(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["resolution"] is None
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已修好"}, headers={"X-CSRF-Token": csrf}
    )
    assert resolved.status == 200, await resolved.text()
    await settled(client)
    agent = (await (await client.get("/api/me")).json())["id"]
    await _customer_wrote_on(client, conversation_id, 5)
    view = await (await client.get(f"/api/conversations/{conversation_id}?timeline=3")).json()
    assert "resolved" not in [event["kind"] for event in view["timeline"]]
    assert view["resolution"]["kind"] == "resolved"
    assert (view["resolution"]["actor"], view["resolution"]["detail"]) == (f"agent:{agent}", {"summary": "已修好"})

    # Asked whether it is solved, the customer says it is not: the case is reopened.
    await socket.send("你好")
    await socket.until_bot_says("满意")
    await socket.send("没解决")
    await settled(client, sockets=[socket])
    view = await (await client.get(f"/api/conversations/{conversation_id}?timeline=3")).json()
    assert view["resolution"] is None
    await socket.close()


async def test_a_queue_card_shows_the_problem_not_the_yes_that_confirmed_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()

    async def card() -> dict[str, Any] | None:
        return next((t for t in await queue_of(client) if t["conversation_id"] == conversation_id), None)

    async def carded() -> bool:
        return await card() is not None

    await eventually(carded)
    shown = await card()
    assert shown is not None
    assert shown["last_customer_message"] == "对"
    assert shown["problem"] == WANG_FILES_A_COMPLAINT.replace("13800138000", "138****8000")


def _as_seen(text: str) -> str:
    """A text as it shows on screen: what shows as nothing, and spaces, gone."""
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace() and ch not in "\u200b\u200c\ufeff")


async def test_a_phone_hidden_by_zero_width_characters_or_spaces_is_masked_for_an_agent_who_does_not_own_it(
    make_client: AppFactory,
) -> None:
    """Zero-width spaces between the digits, or a space between each, still show the agent a
    phone: the queue card's problem and last words, and the conversation, show it masked."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    problem = WANG_FILES_A_COMPLAINT + "，我爱人的电话139\u200b1234\u200b5678"
    conversation_id, socket = await confirmed_complaint(client, problem)
    await socket.send("有事打我电话 1 3 9 1 2 3 4 5 6 7 8")

    async def card() -> dict[str, Any] | None:
        return next((t for t in await queue_of(client) if t["conversation_id"] == conversation_id), None)

    async def told() -> bool:
        shown = await card()
        return shown is not None and "打我电话" in (shown["last_customer_message"] or "")

    await eventually(told)
    await socket.close()
    shown = await card()
    assert shown is not None
    assert shown["problem"] == WANG_FILES_A_COMPLAINT.replace("13800138000", "138****8000") + (
        "，我爱人的电话139\u200b****\u200b5678"
    )
    assert shown["last_customer_message"] == "有事打我电话 1 3 9 * * * * 5 6 7 8"
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["phones_masked"]
    texts = [message["text"] for message in view["messages"] if message["from"] == "customer"]
    assert texts and not any("1391234" in _as_seen(text) for text in texts)
    assert "有事打我电话 1 3 9 * * * * 5 6 7 8" in texts
    assert view["complaints"][0]["description"].endswith("139\u200b****\u200b5678")


async def test_a_problem_told_while_waiting_for_a_person_is_registered_on_the_waiting_ticket(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, socket = await customer_hands_off(client)
    await socket.send("楼上漏水 漏到我家天花板了")
    await socket.until_bot_says("您的投诉编号是")

    async def card() -> dict[str, Any] | None:
        return next((t for t in await queue_of(client) if t["conversation_id"] == conversation_id), None)

    async def shows_the_case() -> bool:
        shown = await card()
        return shown is not None and shown["case_number"] is not None

    await eventually(shows_the_case)
    shown = await card()
    assert shown is not None and shown["problem"] == "楼上漏水 漏到我家天花板了"
    async with resources(client.app).sessions() as session:
        [complaint] = (
            (await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
    assert complaint.case_number == shown["case_number"] and complaint.deadline_at is not None
    await socket.close()


async def test_the_problem_told_after_a_threat_is_added_to_its_case(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send("你们再不处理我就打12345投诉 还要找电视台曝光你们")
    await socket.until_bot_says("电话号码")  # the case is with the supervisor; its phone asked first
    await socket.send("小区垃圾一个月没清运了")
    await socket.until_bot_says("已记录")
    await settled(client)
    async with resources(client.app).sessions() as session:
        [complaint] = (
            (await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
    assert complaint.description.endswith("\n小区垃圾一个月没清运了")
    await socket.close()
