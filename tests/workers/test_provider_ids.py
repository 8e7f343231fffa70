"""The provider's id a delivery records: a message the provider accepted is settled as sent once,
whatever id the provider answered with, and never lands in the dead letters or goes out again."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.keys import resources
from bot.settings import TelegramBotSettings, WechatAccountSettings
from bot.storage.models import DeadLetter
from tests.channels.wechat_helpers import APPID, OPENID, SECRET, FakeWechatApi, start_fake_wechat
from tests.channels.wechat_helpers import TOKEN as WECHAT_TOKEN
from tests.conftest import AppFactory, FixedClock
from tests.workers.providers import (
    TOKEN,
    ScriptedBotApi,
    enqueue,
    message,
    run_burst_worker,
    seed_conversation,
    worker_ctx,
)
from workers.delivery import deliver_message

LATE = ["您好,您反映的电梯问题已安排维修。", "您好！请问您还在吗？请您回复上面的问题，我们继续为您处理。"]
"""A follow-up and the inactivity reminder, both due two days after the customer last wrote."""


async def dead_letters(client: Any) -> list[DeadLetter]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(DeadLetter))).scalars())


@pytest.fixture
async def wechat(make_client: AppFactory, service_config: ServiceConfig) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    """An app whose workers send WeChat messages (a template outside the 48-hour window) to a fake API."""
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    config = service_config.model_copy(
        update={"channels": ChannelsConfig(wechat=WechatWindow(template_id="TEMPLATE-1", template_field="content"))}
    )
    client = await make_client(
        config=config,
        in_process_worker=False,
        retry_backoff=0.01,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=str(server.make_url("")).rstrip("/")),
    )
    yield client, api
    await server.close()


@pytest.fixture
async def telegram(make_client: AppFactory) -> AsyncIterator[tuple[Any, ScriptedBotApi]]:
    api = ScriptedBotApi()
    server = await api.start()
    base = str(server.make_url("")).rstrip("/")
    client = await make_client(telegram=TelegramBotSettings(TOKEN, "secret", base), in_process_worker=False)
    yield client, api
    await server.close()


async def test_two_templates_wechat_answers_with_one_msgid_are_both_sent_once(
    wechat: tuple[Any, FakeWechatApi], clock: FixedClock
) -> None:
    """The CI failure: a follow-up and the inactivity reminder went out as templates in one batch,
    the fake WeChat answering both with its one msgid. The second id broke the UNIQUE constraint
    on (channel, direction, provider id): the batch's outcomes were lost, the job dead-lettered,
    and both messages, which the customer had, were left to be sent again."""
    client, api = wechat
    api.same_msgid = 200228332
    two_days_ago = clock() - dt.timedelta(hours=49)
    _, (follow_up, reminder) = await seed_conversation(client, "wechat", OPENID, LATE, customer_wrote_at=two_days_ago)
    await enqueue(client, [follow_up, reminder])
    await run_burst_worker(client)

    assert [template["data"]["content"]["value"] for template in api.templates] == LATE  # each once
    first, second = await message(client, follow_up), await message(client, reminder)
    assert (first.delivery_status, first.provider_message_id) == ("sent", "template:200228332")
    assert (second.delivery_status, second.provider_message_id) == ("sent", f"template:200228332#{reminder}")
    assert not first.possibly_duplicated and not second.possibly_duplicated
    assert await dead_letters(client) == []

    await run_burst_worker(client)  # nothing is left to send
    assert len(api.templates) == 2


async def test_a_template_msgid_an_earlier_message_holds_does_not_unsettle_the_next(
    wechat: tuple[Any, FakeWechatApi], clock: FixedClock
) -> None:
    """The msgid comes back on a later job's message (recorded by the job before)."""
    client, api = wechat
    api.same_msgid = 7
    two_days_ago = clock() - dt.timedelta(hours=49)
    _, (follow_up,) = await seed_conversation(client, "wechat", OPENID, LATE[:1], customer_wrote_at=two_days_ago)
    await enqueue(client, [follow_up])
    await run_burst_worker(client)
    _, (other,) = await seed_conversation(client, "wechat", "oOther456", LATE[1:], customer_wrote_at=two_days_ago)
    assert await deliver_message(worker_ctx(client), other) == "sent by template"

    stored = await message(client, other)
    assert (stored.delivery_status, stored.provider_message_id) == ("sent", f"template:7#{other}")
    assert (await message(client, follow_up)).provider_message_id == "template:7"
    assert [template["touser"] for template in api.templates] == [OPENID, "oOther456"]
    assert await dead_letters(client) == []


async def test_a_wechat_job_run_again_after_its_outcome_was_recorded_sends_nothing(
    wechat: tuple[Any, FakeWechatApi], clock: FixedClock
) -> None:
    """A job arq runs again (its worker died after the commit): the stored outcome answers it."""
    client, api = wechat
    two_days_ago = clock() - dt.timedelta(hours=49)
    _, (follow_up,) = await seed_conversation(client, "wechat", OPENID, LATE[:1], customer_wrote_at=two_days_ago)
    ctx = worker_ctx(client)
    assert await deliver_message(ctx, follow_up) == "sent by template"
    assert await deliver_message({**ctx, "job_try": 2}, follow_up) == "nothing pending"

    assert len(api.templates) == 1
    stored = await message(client, follow_up)
    assert (stored.delivery_status, stored.attempts, stored.possibly_duplicated) == ("sent", 1, False)
    assert await dead_letters(client) == []


async def test_telegram_numbers_each_customers_chat_on_its_own_and_every_reply_is_settled(
    telegram: tuple[Any, ScriptedBotApi],
) -> None:
    """Telegram's message ids count per chat: two customers' first replies are both message 1001."""
    client, api = telegram
    _, (first,) = await seed_conversation(client, "telegram", "777001", ["您好,已为您登记。"])
    _, (second,) = await seed_conversation(client, "telegram", "777002", ["您好,已为您登记。"])
    await enqueue(client, [first, second])
    await run_burst_worker(client)

    assert api.texts("777001") == api.texts("777002") == ["您好,已为您登记。"]
    stored = [await message(client, message_id) for message_id in (first, second)]
    assert [(m.delivery_status, m.provider_message_id) for m in stored] == [
        ("sent", "777001:1001"),
        ("sent", "777002:1001"),
    ]
    assert await dead_letters(client) == []
