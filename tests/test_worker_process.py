"""Production shape: an app instance without a worker, and a separate ``python -m bot worker``."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import aiohttp
import yaml

from bot.config import PhraseId, load_config
from bot.core.clock import utc_now
from bot.embedded_redis import free_port
from bot.settings import PROJECT_ROOT
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.observability.scrape import scrape_url, value


async def test_a_separate_worker_fires_timers_for_sockets_on_an_app_instance(
    make_client: AppFactory, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    timers = {"idle_prompt_after": 1, "idle_close_after": 60, "harassment_close_after": 60}
    (config_dir / "timers.yaml").write_text(yaml.safe_dump(timers), encoding="utf-8")
    config = load_config(config_dir)

    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    metrics_port = free_port()
    env.update(
        BOT_DATABASE_URL=database_url,
        BOT_REDIS_URL=redis_url,
        BOT_CONFIG_DIR=str(config_dir),
        BOT_HOST="127.0.0.1",
        BOT_WORKER_METRICS_PORT=str(metrics_port),
    )
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:

        async def worker_ready() -> bool:
            # The worker serves its metrics once its resources are built, just before it takes jobs.
            try:
                await scrape_url(f"http://127.0.0.1:{metrics_port}/")
            except aiohttp.ClientConnectionError:
                return False
            return True

        # Starting a worker loads the language tools: slow on a busy machine, and not what is tested.
        await eventually(worker_ready, timeout=60)
        client = await make_client(config=config, clock=utc_now, in_process_worker=False)
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        prompt = config.phrases["zh-CN"].phrases[PhraseId.IDLE_PROMPT][:6]
        await socket.until_bot_says(prompt, timeout=20)
        await socket.close()
        # The worker serves its own metrics: the idle prompt it sent is counted there (once its
        # PUBLISH returned, which may be just after the socket got the frame).

        async def counted() -> bool:
            worker_metrics = await scrape_url(f"http://127.0.0.1:{metrics_port}/")
            return value(worker_metrics, "complaint_bot_messages_sent_total", channel="webchat") >= 1

        await eventually(counted, timeout=5)
    finally:
        worker.terminate()
        output, _ = await asyncio.wait_for(worker.communicate(), 30)
    log = output.decode()
    assert "fire_timer" in log, log
