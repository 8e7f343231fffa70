"""A message the provider accepted is settled as sent once: whatever id the provider answered with,
and however the recording of its outcome failed, it never lands in the dead letters, and it is
not sent again where what was stored can tell it went."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from arq import Retry
from sqlalchemy import select, text

from bot.channels.sms.stub import StubConfig, create_stub_app, stub_key
from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.embedded_redis import free_port
from bot.keys import resources
from bot.settings import SmsGatewaySettings, TelegramBotSettings, WechatAccountSettings
from bot.storage.db import create_engine
from bot.storage.models import DeadLetter
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE
from tests.channels.conftest import TOKEN as SMS_TOKEN
from tests.channels.wechat_helpers import APPID, OPENID, SECRET, FakeWechatApi, start_fake_wechat
from tests.channels.wechat_helpers import TOKEN as WECHAT_TOKEN
from tests.conftest import AppFactory, FixedClock, database_kind
from tests.helpers import timeline_kinds
from tests.workers.providers import (
    TOKEN,
    ScriptedBotApi,
    enqueue,
    message,
    run_burst_worker,
    seed_conversation,
    worker_ctx,
)
from workers.delivery import deliver_message, reconcile_deliveries

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


async def test_a_template_whose_job_timed_out_waiting_for_wechat_is_sent_again_flagged_and_settled_once(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    """WeChat took the template but answered after the job's timeout: nothing could note it, and
    WeChat cannot dedupe. The reconcile cron's late job sends it again, flags the possible
    duplicate for the agent and records it once; no dead letter."""
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    config = service_config.model_copy(
        update={"channels": ChannelsConfig(wechat=WechatWindow(template_id="TEMPLATE-1", template_field="content"))}
    )
    base = str(server.make_url("")).rstrip("/")
    client = await make_client(
        config=config,
        in_process_worker=False,
        job_timeout=2.0,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=base),
    )
    try:
        two_days_ago = clock() - dt.timedelta(hours=49)
        conversation_id, (follow_up,) = await seed_conversation(
            client, "wechat", OPENID, LATE[:1], customer_wrote_at=two_days_ago
        )
        api.answer_templates.clear()
        await enqueue(client, [follow_up])
        await run_burst_worker(client)  # the job times out while WeChat has not answered
        assert len(api.templates) == 1
        assert (await message(client, follow_up)).delivery_status == "sending"

        api.answer_templates.set()  # too late: the job has ended
        clock.advance(seconds=3)
        assert await reconcile_deliveries(worker_ctx(client)) == 1
        await run_burst_worker(client)

        assert [template["data"]["content"]["value"] for template in api.templates] == LATE[:1] * 2
        stored = await message(client, follow_up)
        assert (stored.delivery_status, stored.attempts, stored.possibly_duplicated) == ("sent", 2, True)
        assert stored.provider_message_id == "template:200228333"
        assert "possibly_duplicated" in await timeline_kinds(client, conversation_id)
        assert await dead_letters(client) == []
    finally:
        await server.close()


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


@dataclass
class Provider:
    """An app whose workers send through one provider's fake, a conversation's recipient there
    (and when the customer last wrote), and what the fake took."""

    client: Any
    channel: str
    recipient: str
    customer_wrote_at: dt.datetime | None
    taken: Callable[[], list[str]]


@pytest.fixture(params=["wechat template", "telegram", "sms"])
async def provider(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> AsyncIterator[Provider]:
    if request.param == "wechat template":
        api = FakeWechatApi()
        server = await start_fake_wechat(api)
        config = service_config.model_copy(
            update={"channels": ChannelsConfig(wechat=WechatWindow(template_id="TEMPLATE-1", template_field="content"))}
        )
        base = str(server.make_url("")).rstrip("/")
        client = await make_client(
            config=config,
            in_process_worker=False,
            wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=base),
        )
        two_days_ago = clock() - dt.timedelta(hours=49)
        yield Provider(
            client, "wechat", OPENID, two_days_ago, lambda: [t["data"]["content"]["value"] for t in api.templates]
        )
    elif request.param == "telegram":
        bot_api = ScriptedBotApi()
        server = await bot_api.start()
        base = str(server.make_url("")).rstrip("/")
        client = await make_client(telegram=TelegramBotSettings(TOKEN, "secret", base), in_process_worker=False)
        yield Provider(client, "telegram", "777001", None, bot_api.texts)
    else:
        server = TestServer(
            create_stub_app(StubConfig(ACCOUNT, SMS_TOKEN, NUMBER, f"http://127.0.0.1:{free_port()}/x"))
        )
        await server.start_server()
        gateway = server.app[stub_key]
        base = str(server.make_url("")).rstrip("/")
        client = await make_client(in_process_worker=False, sms=SmsGatewaySettings(ACCOUNT, SMS_TOKEN, NUMBER, base))
        yield Provider(client, "sms", PHONE, None, lambda: [m.body for m in gateway.outbound if m.to == PHONE])
    await server.close()


@asynccontextmanager
async def outcomes_failing(database_url: str) -> AsyncIterator[None]:
    """Every transaction that records a message as sent fails (the database went away just then)."""
    if database_kind(database_url) == "sqlite":
        install = [
            "CREATE TRIGGER outcome_lost BEFORE UPDATE OF delivery_status ON messages"
            " WHEN NEW.delivery_status = 'sent' BEGIN SELECT RAISE(ABORT, 'the database went away'); END"
        ]
        remove = ["DROP TRIGGER outcome_lost"]
    else:
        install = [
            "CREATE FUNCTION outcome_lost() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'the database went away'; END $$",
            "CREATE TRIGGER outcome_lost BEFORE UPDATE OF delivery_status ON messages FOR EACH ROW"
            " WHEN (NEW.delivery_status = 'sent') EXECUTE FUNCTION outcome_lost()",
        ]
        remove = ["DROP TRIGGER outcome_lost ON messages", "DROP FUNCTION outcome_lost()"]
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for statement in install:
                await connection.execute(text(statement))
        yield
    finally:
        async with engine.begin() as connection:
            for statement in remove:
                await connection.execute(text(statement))
        await engine.dispose()


async def test_a_message_accepted_before_its_outcome_was_lost_is_recorded_by_the_retry_not_sent_again(
    provider: Provider, database_url: str
) -> None:
    """The provider accepted the message, then the transaction recording it failed: the job is
    retried (no dead letter), and the retry records it as sent from the acceptance noted in
    Redis, without calling the provider again or flagging a duplicate."""
    client, text_ = provider.client, "维修师傅明天上午到"
    _, (message_id,) = await seed_conversation(
        client, provider.channel, provider.recipient, [text_], customer_wrote_at=provider.customer_wrote_at
    )
    ctx = worker_ctx(client)
    async with outcomes_failing(database_url):
        with pytest.raises(Retry):
            await deliver_message(ctx, message_id)
    assert provider.taken() == [text_]
    assert (await message(client, message_id)).delivery_status == "sending"

    assert (await deliver_message({**ctx, "job_try": 2}, message_id)).startswith("sent")

    assert provider.taken() == [text_]  # once
    stored = await message(client, message_id)
    assert (stored.delivery_status, stored.attempts, stored.possibly_duplicated) == ("sent", 1, False)
    assert stored.provider_message_id
    assert await dead_letters(client) == []
