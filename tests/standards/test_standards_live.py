"""A standard changed through the API is in force on every app instance and worker within
seconds, without a restart (issue 14): the other instance's next customer hears the new
greeting, and a separate worker's job says the new waiting apology."""

from __future__ import annotations

from typing import Any

from arq import create_pool
from arq.worker import Worker

from bot.config import ServiceConfig
from bot.keys import resources
from bot.resources import build_resources, job_ctx, redis_settings
from bot.settings import Settings
from bot.staff.accounts import Role
from bot.storage import standards as standards_store
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.promises.support import promised_case
from tests.standards.support import greeting, section, signed_in
from workers.settings import FUNCTIONS
from workers.timers import TimerPump

NEW_OPENING = "{salutation},欢迎致电{organisation},{work_number}号客服代表很高兴为您服务。"
NEW_APOLOGY = "非常抱歉让您久等了,请您再等{wait},我们正在加急处理。"


async def test_a_greeting_edited_on_one_instance_greets_the_next_customer_on_another(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    headers = await signed_in(first, "li", Role.MANAGER)
    assert "客服代表为您服务" in await greeting(second, "客服代表为您服务")

    phrases = await section(first, "phrases")
    phrases["body"]["zh-CN"]["phrases"]["greeting_opening"] = NEW_OPENING
    saved = await first.put(
        "/api/standards/phrases", json={"body": phrases["body"], "note": "warmer", "base_version": 1}, headers=headers
    )
    assert saved.status == 200, await saved.text()

    async def second_has_it() -> bool:
        return resources(second.app).standards.now.versions.get("phrases") == 2

    await eventually(second_has_it, timeout=10)
    heard = await greeting(second, "很高兴为您服务")
    assert heard.startswith("下午好,欢迎致电") and "很高兴为您服务" in heard
    assert resources(second.app).metrics.standards_version.labels(section="phrases")._value.get() == 2


async def test_a_separate_worker_says_the_waiting_apology_in_force(
    make_client: AppFactory, settings: Settings, service_config: ServiceConfig, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    redis_url = resources(client.app).redis_url
    pool = await create_pool(redis_settings(redis_url))
    worker_settings = settings.with_overrides(instance_id="worker", standards_refresh_seconds=0.2)
    shared = await build_resources(worker_settings, service_config, clock, redis=pool)
    try:
        assert shared.standards.now.versions.get("phrases", 0) <= 1
        headers = await signed_in(client, "li", Role.MANAGER)
        phrases = await section(client, "phrases")
        phrases["body"]["zh-CN"]["phrases"]["waiting_apology"] = NEW_APOLOGY
        saved = await client.put("/api/standards/phrases", json={"body": phrases["body"]}, headers=headers)
        assert saved.status == 200, await saved.text()

        async def worker_has_it() -> bool:
            return shared.standards.now.versions.get("phrases") == 2

        await eventually(worker_has_it, timeout=10)
        # 80 % of the 27 hours promised: the waiting apology is due.
        clock.advance(hours=21, minutes=36)
        await TimerPump(shared.redis, clock).pump_once()
        ctx: dict[str, Any] = job_ctx(shared)
        worker = Worker(
            functions=FUNCTIONS, redis_pool=pool, burst=True, poll_delay=0.05, handle_signals=False, ctx=ctx
        )
        try:
            await worker.run_check()
        finally:
            await worker.close()
        await socket.until(
            lambda frames: any("非常抱歉让您久等了" in frame.get("text", "") for frame in frames), timeout=10
        )
        said = next(frame["text"] for frame in socket.frames if "非常抱歉让您久等了" in frame.get("text", ""))
        assert "5小时（今天下午5点前）" in said, said
        assert conversation_id
    finally:
        await shared.close()
        await pool.aclose()


async def test_a_new_category_is_understood_at_once_after_it_is_saved(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "li", Role.MANAGER)
    sentence = "小区的喷泉一直不喷水"
    understood = await client.post("/api/understand", json={"text": sentence}, headers=headers)
    assert (await understood.json())["category"] != "fountain"
    before = resources(client.app).engine.understander

    classification = (await section(client, "classification"))["body"]
    classification["categories"].append(
        {"id": "fountain", "name": {"zh-CN": "喷泉", "en": "Fountain"}, "keywords": ["喷泉"], "default_grade": "simple"}
    )
    saved = await client.put("/api/standards/classification", json={"body": classification}, headers=headers)
    assert saved.status == 200, await saved.text()
    understood = await client.post("/api/understand", json={"text": sentence}, headers=headers)
    assert (await understood.json())["category"] == "fountain"
    assert resources(client.app).engine.understander is not before
    shown = await (await client.get("/api/config/deadlines")).json()
    assert {"id": "fountain", "name": "喷泉"} in shown["categories"]

    # A change elsewhere keeps the understander (jieba's segmenter is costly to rebuild).
    now = resources(client.app).engine.understander
    timers = (await section(client, "timers"))["body"]
    timers["idle_prompt_after"] += 30
    assert (await client.put("/api/standards/timers", json={"body": timers}, headers=headers)).status == 200
    assert resources(client.app).config.timers.idle_prompt_after == timers["idle_prompt_after"]
    assert resources(client.app).engine.understander is now


async def test_a_stored_version_that_does_not_load_keeps_the_standards_in_force(make_client: AppFactory) -> None:
    client = await make_client()
    shared = resources(client.app)
    before = shared.standards.now
    bad = {"idle_prompt_after": -1, "idle_close_after": 60, "harassment_close_after": 60}

    def store_bad(session: Any) -> None:
        standards_store.insert_version(session, "timers", 1, bad, "someone", shared.clock(), "by hand")

    await shared.database.write(store_bad)
    assert await shared.standards.refresh() is False
    assert shared.standards.now is before
    assert await shared.standards.refresh() is False  # not retried until another version comes
    assert "客服代表为您服务" in await greeting(client, "客服代表为您服务")

    # Another section's change still comes into force.
    headers = await signed_in(client, "li", Role.MANAGER)
    phrases = await section(client, "phrases")
    phrases["body"]["zh-CN"]["phrases"]["greeting_opening"] = NEW_OPENING
    saved = await client.put("/api/standards/phrases", json={"body": phrases["body"]}, headers=headers)
    assert saved.status == 200, await saved.text()
    assert "很高兴为您服务" in await greeting(client, "很高兴为您服务")
    assert dict(shared.standards.now.versions) == {"phrases": 2}
