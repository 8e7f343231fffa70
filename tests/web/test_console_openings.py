"""A follow (WeChat's subscribe), a menu button opening the chat, or a Telegram /start: a message
with no text, which ``GET /api/conversations/{id}`` names (``opening``) for the console to show as
a line of its own; a queue card keeps the customer's last words."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.conftest import AppFactory
from tests.helpers import eventually, settled
from tests.staff import add_user, sign_in
from tests.web.channel_customers import channels_app, conversation_of


async def customer_messages(client: Any, channel: str) -> list[tuple[str, str | None, str]]:
    conversation = await client.get(f"/api/conversations/{await conversation_of(client, channel)}")
    assert conversation.status == 200, await conversation.text()
    messages = (await conversation.json())["messages"]
    assert {m["opening"] for m in messages if m["direction"] == "out"} <= {None}
    return [(m["kind"], m["opening"], m["text"]) for m in messages if m["direction"] == "in"]


async def test_the_history_says_how_each_opening_came(make_client: AppFactory) -> None:
    client = await channels_app(make_client)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    now = wx.now_of(client)
    await wx.push(client, wx.subscribe_xml(now))
    # A menu button the menu names no action for opens the conversation as following does.
    await wx.push(client, wx.event_xml("CLICK", now + 5, event_key="V1001_ABOUT"))
    await wx.push(client, wx.text_xml("小区电梯坏了三天了", 8101, created=now + 10))
    await tg.post_update(client, tg.update(1, "/start"))
    await settled(client)

    assert await customer_messages(client, "wechat") == [
        ("start", "followed", ""),
        ("start", "menu", ""),
        ("text", None, "小区电梯坏了三天了"),
    ]
    assert await customer_messages(client, "telegram") == [("start", "started", "")]


async def test_a_start_after_asking_for_a_person_leaves_the_queue_card_with_the_customers_words(
    make_client: AppFactory,
) -> None:
    client = await channels_app(make_client)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    await tg.post_update(client, tg.update(1, "/start"))
    await tg.post_update(client, tg.update(2, "转人工"))

    async def waiting() -> bool:
        return bool((await (await client.get("/api/queue")).json())["tickets"])

    await eventually(waiting)
    await tg.post_update(client, tg.update(3, "/start"))
    await settled(client)
    [card] = (await (await client.get("/api/queue")).json())["tickets"]
    assert card["last_customer_message"] == "转人工"
