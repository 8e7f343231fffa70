"""An agent's words reach a customer who writes traditional characters in traditional characters,
as the bot's phrases do, on every channel: typed in the console, picked from the phrase picker, or
a photo's caption. Phone numbers, case numbers, web addresses and Latin words arrive as typed; the
console shows the agent what the customer read, and a customer writing simplified characters reads
the agent's words as typed."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from sqlalchemy import func, select

from bot.config import PhraseId
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation, HandoffTicket
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.media.images import photo
from tests.staff import add_user, claimed_conversation, give_to, sign_in

REPLY = (
    "您好，我们已经安排维修师傅明天上午过去。编号TS20261205ABC234，师傅电话13812345678，"
    "进度见 https://example.com/投诉/进度?id=7 ，Mr. Lee 会跟进"
)
READ_IN_TRADITIONAL = (
    "您好，我們已經安排維修師傅明天上午過去。編號TS20261205ABC234，師傅電話13812345678，"
    "進度見 https://example.com/投诉/进度?id=7 ，Mr. Lee 會跟進"
)


async def _traditional_customer_claimed(client: Any, username: str) -> tuple[str, str, int, ChatSocket]:
    """A web chat customer writing traditional characters, handed off to a person and claimed by
    the new agent ``username`` (signed in): the agent's CSRF token, the customer's token, the
    conversation and the customer's open socket."""
    await add_user(client, username, Role.AGENT)
    csrf = await sign_in(client, username)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("電梯壞了三天 一直冇人理")
    await socket.until_bot_says("電話號碼")
    await socket.send("轉人工")
    await socket.until_bot_says("人工")
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    return csrf, token, conversation_id, socket


def _agent_texts(frames: list[dict[str, Any]]) -> list[str]:
    return [f["text"] for f in frames if f.get("type") == "message" and f.get("from") == "agent"]


async def _reply(client: Any, csrf: str, conversation_id: int, text: str) -> None:
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 201, await response.text()


async def test_an_agents_reply_reaches_a_customer_writing_traditional_in_traditional(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, token, conversation_id, socket = await _traditional_customer_claimed(client, "li.agent")
    await _reply(client, csrf, conversation_id, REPLY)
    await socket.until(lambda frames: bool(_agent_texts(frames)))
    assert _agent_texts(socket.frames) == [READ_IN_TRADITIONAL]
    await socket.close()

    # What a reconnecting tab replays, and what the console shows the agent: what the customer read.
    history = await (await client.get("/chat/messages", headers={"Authorization": f"Bearer {token}"})).json()
    assert [m["text"] for m in history["messages"] if m["from"] == "agent"] == [READ_IN_TRADITIONAL]
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert [m["text"] for m in view["messages"] if m["from"] == "agent"] == [READ_IN_TRADITIONAL]
    replied = [event for event in view["timeline"] if event["kind"] == "agent_replied"]
    assert [event["detail"].get("in_traditional") for event in replied] == [True]


async def test_a_phrase_from_the_picker_is_converted_as_the_bots_phrases_are(make_client: AppFactory) -> None:
    """The picker inserts the simplified phrase; the customer reads it as the bot would say it."""
    client = await make_client()
    csrf, _, conversation_id, socket = await _traditional_customer_claimed(client, "li.agent")
    engine = resources(client.app).engine
    phrase = engine.phrases.render(PhraseId.PHONE_REASSURE, "zh-CN")
    as_the_bot_says_it = engine.traditional.text(phrase, "zh-CN")
    assert as_the_bot_says_it != phrase
    await _reply(client, csrf, conversation_id, phrase)
    await socket.until(lambda frames: bool(_agent_texts(frames)))
    assert _agent_texts(socket.frames) == [as_the_bot_says_it]
    await socket.close()


async def test_a_photos_caption_is_converted_too(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, _, conversation_id, socket = await _traditional_customer_claimed(client, "li.agent")
    form = FormData()
    form.add_field("caption", "这是维修后的照片")
    form.add_field("file", photo("JPEG"), filename="reply.jpg", content_type="image/jpeg")
    response = await client.post(
        f"/api/conversations/{conversation_id}/photos", data=form, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 201, await response.text()
    await socket.until(lambda frames: bool(_agent_texts(frames)))
    assert _agent_texts(socket.frames) == ["這是維修後的照片"]
    await socket.close()


async def test_a_customer_writing_simplified_reads_the_agents_words_as_typed(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    await _reply(client, csrf, conversation_id, REPLY)
    await socket.until(lambda frames: bool(_agent_texts(frames)))
    assert _agent_texts(socket.frames) == [REPLY]
    await socket.close()
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    replied = [event for event in view["timeline"] if event["kind"] == "agent_replied"]
    assert [event["detail"].get("in_traditional") for event in replied] == [None]


async def test_an_sms_customer_writing_traditional_is_texted_the_reply_in_traditional(make_client: AppFactory) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:
        await stub.phone_sends("樓上漏水好幾天了 管理處都唔理")

        async def asked_for_more() -> bool:
            return len(stub.texts_to(PHONE)) >= 2

        await eventually(asked_for_more, timeout=15)
        await settled(client)
        async with resources(client.app).sessions() as session:
            assert (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 1
            conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
        await add_user(client, "wang", Role.AGENT)
        await give_to(client, conversation_id, "wang")
        csrf = await sign_in(client, "wang")
        before = len(stub.texts_to(PHONE))
        await _reply(client, csrf, conversation_id, REPLY)

        async def texted() -> bool:
            return len(stub.texts_to(PHONE)) > before

        await eventually(texted, timeout=15)
        assert "".join(stub.texts_to(PHONE)[before:]) == READ_IN_TRADITIONAL
    finally:
        await stub.server.close()
