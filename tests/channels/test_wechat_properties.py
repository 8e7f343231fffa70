"""Whatever a correctly signed push carries, the WeChat webhook answers 4xx and stores nothing,
or answers ``success`` having stored at most the one message, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import xmltodict
from hypothesis import HealthCheck, event, given, settings
from sqlalchemy import func, select

from bot.keys import resources
from bot.settings import WechatAccountSettings
from bot.storage.models import ChannelIdentity, Conversation, Message
from tests.channels.wechat_helpers import APPID, SECRET, TOKEN, signed_query
from tests.channels.wechat_pushes import Push, pushes
from tests.conftest import AppFactory


async def _inbound_count(client: Any) -> int:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one()


async def _text_by_key(client: Any, key: str) -> str | None:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(
                select(Message.text).where(Message.direction == "in", Message.provider_message_id == key)
            )
        ).scalar_one_or_none()


async def _texts_from(client: Any, sender: str) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Message.text)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
            .where(Message.direction == "in", ChannelIdentity.external_id == sender)
        )
        return list(rows.scalars())


@pytest.fixture
async def wechat_client(make_client: AppFactory) -> Any:
    """One app (plain mode) for all of a test's examples: Hypothesis runs them in one test call."""
    return await make_client(wechat=WechatAccountSettings(TOKEN, APPID, SECRET))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(push=pushes)
async def test_any_signed_push_gets_a_4xx_or_is_stored_never_a_500(wechat_client: Any, push: Push) -> None:
    client = wechat_client
    before = await _inbound_count(client)
    earlier = await _text_by_key(client, push.msg_key) if push.msg_key else None

    response = await client.post("/channels/wechat", params=signed_query(client), data=push.body)

    assert response.status < 500, await response.text()
    answer = await response.text()
    event(f"{response.status} {answer[:60] if response.status >= 400 else bool(push.expected_text)}")
    after = await _inbound_count(client)
    if response.status >= 400:
        assert (await response.json())["error"]
        assert after == before
        assert push.expected_text is None, f"a well-formed text message was refused: {await response.text()}"
        return
    if answer != "success":  # the replies, ready in time, went back on the push itself
        assert xmltodict.parse(answer)["xml"]["MsgType"] == "text"
    assert after - before in (0, 1)
    if push.expected_text is None:
        return
    if push.msg_key is not None:
        assert await _text_by_key(client, push.msg_key) == (earlier or push.expected_text)
    else:
        assert push.sender is not None and push.expected_text in await _texts_from(client, push.sender)
