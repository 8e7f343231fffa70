"""The channel window the agent sees, the window fallback to SMS, and the managers' daily report."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.channels.sms.stub import StubConfig, create_stub_app, stub_key
from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.embedded_redis import free_port
from bot.keys import resources
from bot.settings import SmsGatewaySettings, WechatAccountSettings
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Notification, TimelineEvent
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN
from tests.channels.wechat_helpers import APPID, OPENID, SECRET, FakeWechatApi, start_fake_wechat
from tests.channels.wechat_helpers import TOKEN as WECHAT_TOKEN
from tests.conftest import SHANGHAI, AppFactory, FixedClock
from tests.helpers import timeline_kinds
from tests.staff import add_user, give_to, sign_in
from tests.workers.providers import enqueue, message, run_burst_worker, seed_conversation, worker_ctx
from workers.reports import daily_report


class RefusingTemplates(FakeWechatApi):
    async def template(self, request: Any) -> Any:
        from aiohttp import web

        self.templates.append(await request.json())
        return web.json_response({"errcode": 43004, "errmsg": "require subscribe"})


@pytest.fixture
async def wechat_and_sms(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig
) -> AsyncIterator[tuple[Any, FakeWechatApi, Any]]:
    """An app with WeChat (template configured when parametrised "template") and an SMS gateway."""
    template = getattr(request, "param", None)
    api = RefusingTemplates() if template == "refused" else FakeWechatApi()
    wechat_server = await start_fake_wechat(api)
    stub = TestServer(create_stub_app(StubConfig(ACCOUNT, TOKEN, NUMBER, f"http://127.0.0.1:{free_port()}/x")))
    await stub.start_server()
    config = service_config.model_copy(
        update={"channels": ChannelsConfig(wechat=WechatWindow(template_id="TPL-1" if template else None))}
    )
    client = await make_client(
        config=config,
        in_process_worker=False,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=str(wechat_server.make_url("")).rstrip("/")),
        sms=SmsGatewaySettings(ACCOUNT, TOKEN, NUMBER, str(stub.make_url("")).rstrip("/")),
    )
    yield client, api, stub.app[stub_key]
    await stub.close()
    await wechat_server.close()


async def test_the_agent_sees_the_window_closing(
    wechat_and_sms: tuple[Any, FakeWechatApi, Any], clock: FixedClock
) -> None:
    client, _, _ = wechat_and_sms
    conversation_id, _ = await seed_conversation(client, "wechat", OPENID, [], customer_wrote_at=clock())
    await add_user(client, "li.agent", Role.AGENT)
    await give_to(client, conversation_id, "li.agent")
    await sign_in(client, "li.agent")

    async def window() -> dict[str, Any]:
        body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
        return dict(body["window"])

    opened = await window()
    closes_at = clock() + dt.timedelta(hours=48)
    assert opened == {
        "channel": "wechat",
        "open": True,
        "closes_at": closes_at.isoformat(),
        "messages_left": 20,
        "closing_soon": False,
    }
    clock.advance(hours=43)
    assert (await window())["closing_soon"] is True  # under 6 hours left
    clock.advance(hours=5)
    assert (await window())["open"] is False


@pytest.mark.parametrize("wechat_and_sms", [None, "refused"], indirect=True, ids=["no template", "template refused"])
async def test_outside_the_window_the_message_goes_by_sms_where_a_verified_phone_is_known(
    wechat_and_sms: tuple[Any, FakeWechatApi, Any], clock: FixedClock
) -> None:
    client, api, gateway = wechat_and_sms
    conversation_id, (message_id,) = await seed_conversation(
        client,
        "wechat",
        OPENID,
        ["维修已安排"],
        phone=PHONE,
        phone_verified=True,
        customer_wrote_at=clock() - dt.timedelta(hours=49),
    )
    await enqueue(client, [message_id])
    await run_burst_worker(client)

    assert [m.body for m in gateway.outbound if m.to == PHONE] == ["维修已安排"]
    assert api.texts() == []  # no customer-service message outside the window
    stored = await message(client, message_id)
    assert stored.delivery_status == "sent" and (stored.provider_message_id or "").startswith("sms:")
    assert "delivery_fallback" in await timeline_kinds(client, conversation_id)
    async with resources(client.app).sessions() as session:
        detail = (
            await session.execute(select(TimelineEvent.detail).where(TimelineEvent.kind == "delivery_fallback"))
        ).scalar_one()
    assert detail["route"] == "sms"


@pytest.mark.parametrize("wechat_and_sms", [None, "refused"], indirect=True, ids=["no template", "template refused"])
async def test_outside_the_window_a_phone_typed_in_a_chat_is_never_texted(
    wechat_and_sms: tuple[Any, FakeWechatApi, Any], clock: FixedClock
) -> None:
    """The customer's phone was typed (anyone's number, maybe a stranger's): the message is not
    texted to it, whether there is no template or WeChat refused it; it fails, for staff to see
    (and to call the case's contact phone), with a dead letter."""
    client, api, gateway = wechat_and_sms
    conversation_id, (message_id,) = await seed_conversation(
        client, "wechat", OPENID, ["维修已安排"], phone=PHONE, customer_wrote_at=clock() - dt.timedelta(hours=49)
    )
    await enqueue(client, [message_id])
    await run_burst_worker(client)

    assert gateway.outbound == []
    assert api.texts() == []
    stored = await message(client, message_id)
    assert stored.delivery_status == "failed" and stored.last_error
    kinds = await timeline_kinds(client, conversation_id)
    assert "delivery_failed" in kinds and "delivery_fallback" not in kinds


async def test_the_daily_report_counts_yesterday_and_tells_the_managers(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client(in_process_worker=False)
    yesterday = dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    # One place in both scripts: counted once, named as its first case wrote it.
    rows = [("property_service", "阳光花园", "wechat"), ("property_service", "陽光花園", "sms"), ("noise", None, "sms")]
    for index, (category, area, channel) in enumerate(rows):
        conversation_id, _ = await seed_conversation(client, channel, f"c{index}", [])
        async with resources(client.app).sessions() as session, session.begin():
            session.add(
                Complaint(
                    case_number=f"TS{index}",
                    conversation_id=conversation_id,
                    customer_id=1,
                    description="电梯坏了",
                    area=area,
                    category=category,
                    grade="simple",
                    customer_tier="standard",
                    deadline_at=yesterday + dt.timedelta(hours=2),
                    created_at=yesterday,
                )
            )
            if index == 0:
                session.add(
                    TimelineEvent(
                        conversation_id=conversation_id, kind="resolved", created_at=yesterday + dt.timedelta(hours=1)
                    )
                )
    # Today's complaint is not in yesterday's report.
    today_id, _ = await seed_conversation(client, "sms", "today", [])
    async with resources(client.app).sessions() as session, session.begin():
        session.add(
            Complaint(
                case_number="TS9",
                conversation_id=today_id,
                customer_id=1,
                description="x",
                category="noise",
                grade="simple",
                customer_tier="standard",
                created_at=clock(),
            )
        )

    ctx = worker_ctx(client)
    assert await daily_report(ctx) == "daily report for 2026-11-22: made"
    assert await daily_report(ctx) == "daily report for 2026-11-22: already there"

    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "wang.agent")
    assert (await client.get("/api/reports/daily?day=2026-11-22")).status == 403
    await sign_in(client, "boss")
    report = await (await client.get("/api/reports/daily")).json()  # default: yesterday
    assert report["day"] == "2026-11-22" and report["made"] is True
    assert report["complaints"]["total"] == 3
    assert report["complaints"]["by_category"] == [
        {"category": "property_service", "count": 2},
        {"category": "noise", "count": 1},
    ]
    assert {"area": "阳光花园", "count": 2} in report["complaints"]["by_area"]
    assert report["complaints"]["by_channel"] == [{"channel": "sms", "count": 2}, {"channel": "wechat", "count": 1}]
    assert (report["resolved"], report["breached"]) == (1, 2)
    assert (await client.get("/api/reports/daily?day=2026-11-21")).status == 404
    assert (await client.get("/api/reports/daily?day=yesterday")).status == 400
    async with resources(client.app).sessions() as session:
        notes = (await session.execute(select(Notification))).scalars().all()
    assert [(note.kind, note.audience) for note in notes] == [("daily_report", "role:manager")]


async def test_a_case_resolved_alone_before_its_deadline_is_not_a_breach(make_client: AppFactory) -> None:
    """Two cases in one conversation: the one resolved on its own in time is on time; the other,
    left open past its deadline, is the one breach."""
    client = await make_client(in_process_worker=False)
    yesterday = dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    conversation_id, _ = await seed_conversation(client, "sms", "two", [])
    async with resources(client.app).sessions() as session, session.begin():
        cases = [
            Complaint(
                case_number=number,
                conversation_id=conversation_id,
                customer_id=1,
                description=description,
                category="property_service",
                grade="simple",
                customer_tier="standard",
                deadline_at=yesterday + dt.timedelta(hours=2),
                created_at=yesterday,
            )
            for number, description in (("TS1", "停水了"), ("TS2", "楼上天天半夜拍球"))
        ]
        session.add_all(cases)
        await session.flush()
        session.add(
            TimelineEvent(
                conversation_id=conversation_id,
                complaint_id=cases[1].id,
                kind="case_resolved",
                created_at=yesterday + dt.timedelta(hours=1),
            )
        )
    assert await daily_report(worker_ctx(client)) == "daily report for 2026-11-22: made"
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    report = await (await client.get("/api/reports/daily?day=2026-11-22")).json()
    assert report["breached"] == 1


async def test_before_the_morning_job_yesterdays_report_is_not_made_yet_not_an_error(make_client: AppFactory) -> None:
    """The reports tab asks for yesterday's report on every visit: before it exists that is an
    answer (made: false), not a 404 in the browser's console; a day asked for by name is still 404."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    response = await client.get("/api/reports/daily")
    assert response.status == 200
    body = await response.json()
    assert body["made"] is False and len(body["day"]) == 10
    assert (await client.get(f"/api/reports/daily?day={body['day']}")).status == 404
