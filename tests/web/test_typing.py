"""Typing signals both ways (issue 15): the customer's reach the consoles that may read the
conversation, the agent's reach the customer's channel; throttled, and never stored."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from arq.constants import default_queue_name
from sqlalchemy import func, select

from bot.keys import resources
from bot.outbound.typing import THROTTLE_SECONDS
from bot.settings import TelegramBotSettings, WechatAccountSettings
from bot.staff.accounts import Role
from bot.staff.event_socket import staff_hub_key
from bot.storage.models import Message, TimelineEvent
from tests.channels import wechat_helpers as wx
from tests.channels.telegram_helpers import CHAT, SECRET, TOKEN, FakeBotApi
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually
from tests.staff import add_user, claimed_conversation, frames_until, give_to, set_queues, sign_in, staff_socket
from tests.workers.providers import seed_conversation

TYPING = {"type": "typing"}
AGENT_TYPING = {"type": "typing", "from": "agent"}


async def stored_rows(client: Any) -> tuple[int, int, int]:
    """Messages, timeline rows and queued jobs: what a typing signal must never add to."""
    async with resources(client.app).sessions() as session:
        messages = (await session.execute(select(func.count()).select_from(Message))).scalar_one()
        timeline = (await session.execute(select(func.count()).select_from(TimelineEvent))).scalar_one()
    jobs = await resources(client.app).redis.zcard(default_queue_name)
    return messages, timeline, jobs


async def watching(client: Any, socket: Any, conversation_id: int) -> None:
    """The console watches the conversation, and the server has worked out that it may read it."""
    await socket.send_json({"type": "watch", "conversation_ids": [conversation_id]})

    async def ready() -> bool:
        return any(conversation_id in staff.watching for staff in client.app[staff_hub_key]._sockets)

    await eventually(ready)


async def typing_frames(socket: Any, seconds: float) -> list[dict[str, Any]]:
    """The typing frames a staff socket receives within ``seconds``."""
    return [frame for frame in await frames_within(socket, seconds) if frame["type"] == "typing"]


async def frames_within(socket: Any, seconds: float) -> list[dict[str, Any]]:
    """Every frame a staff socket receives within ``seconds``."""
    frames: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while (left := end - loop.time()) > 0:
        try:
            message = await asyncio.wait_for(socket.receive(), left)
        except TimeoutError:
            break
        frames.append(message.json())
    return frames


async def test_the_customer_typing_reaches_a_console_on_another_instance_once_per_window(
    make_client: AppFactory,
) -> None:
    first, second = await make_client(), await make_client()
    _, conversation_id, customer = await claimed_conversation(first, "li.agent")
    await sign_in(second, "li.agent")
    console = await staff_socket(second, "li.agent")
    await watching(second, console, conversation_id)
    await customer.caught_up()
    customer.frames.clear()
    before = await stored_rows(first)

    await customer.socket.send_json(TYPING)
    frames = await frames_until(console, lambda frame: frame["type"] == "typing")
    assert frames[-1]["conversation_ids"] == [conversation_id]
    assert frames[-1]["detail"] == {"from": "customer"}

    # A stuck key: twenty frames at once make no second signal within the window.
    for _ in range(20):
        await customer.socket.send_json(TYPING)
    assert await typing_frames(console, 1.0) == []
    await customer.caught_up()
    assert customer.frames == []  # typing frames get no answer, not even an ack
    # Once the window has passed, the customer still typing is signalled again.
    await asyncio.sleep(THROTTLE_SECONDS)
    await customer.socket.send_json(TYPING)
    await frames_until(console, lambda frame: frame["type"] == "typing")
    assert await stored_rows(first) == before
    await customer.close()
    await console.close()


async def test_only_consoles_that_may_read_the_conversation_see_the_customer_typing(make_client: AppFactory) -> None:
    client, other = await make_client(), await make_client()
    _, conversation_id, customer = await claimed_conversation(client, "li.agent")
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["water"])
    await sign_in(other, "wang.agent")
    outsider = await staff_socket(other, "wang.agent")
    await watching(other, outsider, conversation_id)  # watching is not reading
    owner = await staff_socket(client, "li.agent")
    await watching(client, owner, conversation_id)
    not_watching = await staff_socket(client, "li.agent")

    await customer.socket.send_json(TYPING)
    await frames_until(owner, lambda frame: frame["type"] == "typing")
    assert await typing_frames(outsider, 0.5) == []
    assert await typing_frames(not_watching, 0.1) == []
    for socket in (owner, outsider, not_watching):
        await socket.close()
    await customer.close()


async def test_a_console_watching_a_conversation_it_may_not_read_hears_nothing_of_it(make_client: AppFactory) -> None:
    """Watching is not reading: an agent of another queue who watches a conversation's id does not
    learn when its customer writes."""
    client, other = await make_client(), await make_client()
    _, conversation_id, customer = await claimed_conversation(client, "li.agent")
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["water"])
    await sign_in(other, "wang.agent")
    outsider = await staff_socket(other, "wang.agent")
    await watching(other, outsider, conversation_id)
    owner = await staff_socket(client, "li.agent")
    await watching(client, owner, conversation_id)
    await eventually(lambda: _reading(client, conversation_id))

    await customer.send("师傅什么时候来")
    await frames_until(
        owner, lambda frame: frame["type"] == "conversation" and conversation_id in frame["conversation_ids"]
    )
    heard = await frames_within(outsider, 1.0)
    assert not [frame for frame in heard if conversation_id in frame.get("conversation_ids", [])], heard
    for socket in (owner, outsider):
        await socket.close()
    await customer.close()


async def _reading(client: Any, conversation_id: int) -> bool:
    return any(conversation_id in staff.readable for staff in client.app[staff_hub_key]._sockets)


async def test_a_customer_typing_frame_cannot_name_another_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    _, watched_id, watched_customer = await claimed_conversation(client, "li.agent")
    console = await staff_socket(client, "li.agent")
    await watching(client, console, watched_id)
    token = (await (await client.post("/chat/session", json={})).json())["token"]
    intruder = await ChatSocket.open(client, token)
    await intruder.until_bot_says("客服代表")

    await intruder.socket.send_json({"type": "typing", "conversation_id": watched_id, "conversation_ids": [watched_id]})
    assert await typing_frames(console, 0.5) == []
    # Bad frames are answered politely and the socket stays open.
    await intruder.socket.send_str('{"type": "typing"')
    await intruder.socket.send_str("typing")
    await intruder.until(lambda frames: sum(frame.get("type") == "error" for frame in frames) == 2)
    await intruder.caught_up()
    await watched_customer.socket.send_json(TYPING)
    await frames_until(console, lambda frame: frame["type"] == "typing")
    await intruder.close()
    await watched_customer.close()
    await console.close()


async def test_the_agent_typing_reaches_the_web_chat_customer_on_another_instance(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    _, conversation_id, customer = await claimed_conversation(first, "li.agent")
    csrf = await sign_in(second, "li.agent")
    await customer.caught_up()
    customer.frames.clear()
    before = await stored_rows(first)

    typed = await second.post(f"/api/conversations/{conversation_id}/typing", headers={"X-CSRF-Token": csrf})
    assert typed.status == 202 and await typed.json() == {"shown": True}
    await customer.until(lambda frames: AGENT_TYPING in frames)
    # Within the window, further signals are dropped.
    again = await second.post(f"/api/conversations/{conversation_id}/typing", headers={"X-CSRF-Token": csrf})
    assert await again.json() == {"shown": False}
    await customer.collect_for(0.5)
    assert customer.frames.count(AGENT_TYPING) == 1
    assert await stored_rows(first) == before
    await customer.close()


async def test_only_the_owner_typing_is_shown_and_strangers_are_refused(make_client: AppFactory) -> None:
    client, other, third = await make_client(), await make_client(), await make_client()
    _, conversation_id, customer = await claimed_conversation(client, "li.agent")
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["water"])
    supervisor = await sign_in(other, "zhou.sup")
    stranger = await sign_in(third, "wang.agent")
    path = f"/api/conversations/{conversation_id}/typing"

    assert (await other.post(path, headers={"X-CSRF-Token": supervisor})).status == 409
    assert (await third.post(path, headers={"X-CSRF-Token": stranger})).status == 403
    assert (await third.post("/api/conversations/999999/typing", headers={"X-CSRF-Token": stranger})).status == 404
    assert (await third.post(path)).status == 403  # no CSRF header
    await customer.collect_for(0.3)
    assert AGENT_TYPING not in customer.frames
    await customer.close()


async def test_the_agent_typing_is_a_telegram_chat_action_and_sms_shows_nothing(make_client: AppFactory) -> None:
    api = FakeBotApi()
    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", api.handle)
    server = TestServer(fake)
    await server.start_server()
    client = await make_client(telegram=TelegramBotSettings(TOKEN, SECRET, str(server.make_url("")).rstrip("/")))
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    telegram_id, _ = await seed_conversation(client, "telegram", str(CHAT), [])
    sms_id, _ = await seed_conversation(client, "sms", "+8613800138000", [])
    for conversation_id in (telegram_id, sms_id):
        await give_to(client, conversation_id, "li.agent")
    before = await stored_rows(client)

    typed = await client.post(f"/api/conversations/{telegram_id}/typing", headers={"X-CSRF-Token": csrf})
    assert await typed.json() == {"shown": True}

    async def shown() -> bool:
        return bool(api.chat_actions)

    await eventually(shown)
    assert api.chat_actions == [{"chat_id": str(CHAT), "action": "typing"}]  # form-encoded
    assert api.sent == []
    typed = await client.post(f"/api/conversations/{sms_id}/typing", headers={"X-CSRF-Token": csrf})
    assert await typed.json() == {"shown": False}
    assert await stored_rows(client) == before
    await server.close()


async def test_a_telegram_that_fails_costs_nothing_and_is_not_retried(make_client: AppFactory) -> None:
    calls: list[str] = []

    async def broken(request: web.Request) -> web.Response:
        """A Bot API that knows the bot but fails every chat action."""
        calls.append(request.match_info["method"])
        if request.match_info["method"] == "getMe":
            bot = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "complaint_bot"}
            return web.json_response({"ok": True, "result": bot})
        return web.json_response({"ok": False, "error_code": 500, "description": "Internal"}, status=500)

    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", broken)
    server = TestServer(fake)
    await server.start_server()
    client = await make_client(telegram=TelegramBotSettings(TOKEN, SECRET, str(server.make_url("")).rstrip("/")))
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    conversation_id, _ = await seed_conversation(client, "telegram", str(CHAT), [])
    await give_to(client, conversation_id, "li.agent")
    before = await stored_rows(client)

    typed = await client.post(f"/api/conversations/{conversation_id}/typing", headers={"X-CSRF-Token": csrf})
    assert typed.status == 202

    async def tried() -> bool:
        return "sendChatAction" in calls

    await eventually(tried)
    await asyncio.sleep(0.5)
    assert calls.count("sendChatAction") == 1
    assert await stored_rows(client) == before
    await server.close()


async def test_the_agent_typing_shows_in_wechat_through_the_customer_service_typing_api(
    make_client: AppFactory,
) -> None:
    api = wx.FakeWechatApi()
    server = await wx.start_fake_wechat(api)
    account = WechatAccountSettings(wx.TOKEN, wx.APPID, wx.SECRET, api_base=str(server.make_url("")).rstrip("/"))
    client = await make_client(wechat=account)
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    conversation_id, _ = await seed_conversation(client, "wechat", wx.OPENID, [])
    await give_to(client, conversation_id, "li.agent")
    before = await stored_rows(client)

    typed = await client.post(f"/api/conversations/{conversation_id}/typing", headers={"X-CSRF-Token": csrf})
    assert await typed.json() == {"shown": True}

    async def shown() -> bool:
        return bool(api.typing_commands)

    await eventually(shown)
    assert api.typing_commands == [{"touser": wx.OPENID, "command": "Typing"}]
    assert api.sent == []
    assert await stored_rows(client) == before
    await server.close()


async def test_a_watch_naming_an_id_no_row_can_have_is_answered_and_the_socket_stays(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    console = await staff_socket(client, "li.agent")
    await console.send_json({"type": "watch", "conversation_ids": [2**70]})
    [error] = await frames_until(console, lambda frame: frame["type"] == "error")
    assert "watch" in error["message"]
    await console.send_json({"type": "watch", "conversation_ids": [1]})
    await console.send_json({"type": "watch", "conversation_ids": "all"})
    assert (await frames_until(console, lambda frame: frame["type"] == "error"))[-1]["type"] == "error"
    assert not console.closed
    await console.close()


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ('{"type": "watch", "conversation_ids": ' + "[" * 1_500 + "]" * 1_500 + "}", "a frame must be JSON"),
        ('{"type": "watch", "conversation_ids": [' + "9" * 3_000 + "]}", "a frame must be JSON"),
        ('{"type": "watch", "conversation_ids": [NaN]}', "a frame must be JSON"),
        (
            '{"type": "watch", "conversation_ids": [1], "conversation_ids": []}',
            "a frame must be JSON with no name twice in one object",
        ),
    ],
    ids=["nested 1500 deep", "3000 digits", "NaN", "ids twice"],
)
async def test_a_watch_frame_the_strict_reader_refuses_is_answered_and_the_socket_stays(
    make_client: AppFactory, caplog: pytest.LogCaptureFixture, raw: str, error: str
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    console = await staff_socket(client, "li.agent")
    await console.send_str(raw)
    [answer] = await frames_until(console, lambda frame: frame["type"] == "error")
    assert answer["message"].startswith(error + ":") and "watch" in answer["message"]
    await console.send_json({"type": "watch", "conversation_ids": "all"})
    assert (await frames_until(console, lambda frame: frame["type"] == "error"))[-1]["type"] == "error"
    assert not console.closed
    await console.close()
    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == []
