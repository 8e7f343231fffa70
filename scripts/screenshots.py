"""Full-page screenshots of the chat and the staff consoles with real data, for a person to look at.

Starts the product in this process on embedded defaults (a temporary SQLite file, the embedded
Redis, the in-process worker), signs up an agent, a supervisor and a manager, plays a few
customers through /chat in Chromium (a complaint handed off, a threat to go to the media, a VIP
customer), has the agent claim one and reply, and saves screenshots to var/screenshots/.

Not run by pytest. Needs Chromium at /usr/bin/chromium and, for readable Chinese, fonts-noto-cjk.

    .venv/bin/python scripts/screenshots.py [--out var/screenshots] [--first-screen]

The pictures in docs/screenshots/ are made with `--out docs/screenshots --first-screen`, keeping
the ones README.md shows.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import create_app  # noqa: E402
from bot.core.clock import utc_now  # noqa: E402
from bot.keys import resources  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.staff.accounts import Role, create_user  # noqa: E402
from bot.staff.auth import staff_auth_key  # noqa: E402
from bot.storage import migrate  # noqa: E402
from bot.storage.models import Conversation, Customer, DeadLetter  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PASSWORD = "correct horse battery"
VIEWPORT = {"width": 1440, "height": 900}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def migrated(url: str) -> None:
    """Alembic's env.py runs its own event loop, so migrate from a thread."""
    thread = threading.Thread(target=migrate.upgrade, args=(url,))
    thread.start()
    thread.join()


async def customer_says(page: Page, *texts: str) -> None:
    bot = page.locator(".msg-bot")
    for text in texts:
        count = await bot.count()
        await page.fill("#chat-input", text)
        await page.click("#chat-send")
        await expect(bot).not_to_have_count(count, timeout=15_000)
        await page.wait_for_timeout(300)


async def open_chat(browser: Browser, url: str) -> Page:
    context = await browser.new_context(
        viewport={"width": 420, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = await context.new_page()
    await page.goto(f"{url}/chat")
    await page.evaluate("window.complaintChat.ready")
    await expect(page.locator(".msg-bot").first).to_be_visible(timeout=15_000)
    return page


async def staff_page(browser: Browser, url: str, path: str, username: str) -> Page:
    context = await browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = await context.new_page()
    page.on("pageerror", lambda error: print(f"[{username} {path}] page error: {error}", file=sys.stderr))
    await page.goto(f"{url}{path}")
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("body[data-ready=true]")).to_have_count(1, timeout=15_000)
    return page


async def shoot(page: Page, out: Path, name: str, full_page: bool) -> None:
    """``full_page`` False (--first-screen): what a person sees on opening the page (the rules and
    the standards run to thousands of pixels)."""
    await page.wait_for_timeout(600)
    await page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(out / f"{name}.png")


async def run(out: Path, full_page: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="screens-") as temp:
        database_url = f"sqlite+aiosqlite:///{Path(temp) / 'bot.sqlite3'}"
        migrated(database_url)
        port = free_port()
        settings = Settings(database_url=database_url, var_dir=Path(temp), port=port, in_process_worker=True)
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        url = f"http://127.0.0.1:{port}"
        database = resources(app).database
        try:
            password_hash = await app[staff_auth_key].hashers.hash_new(PASSWORD)

            def users(session: Session) -> None:
                now = utc_now()
                create_user(session, "li.agent", password_hash, Role.AGENT, now)
                create_user(session, "zhou.sup", password_hash, Role.SUPERVISOR, now)
                create_user(session, "boss", password_hash, Role.MANAGER, now)

            await database.write(users)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                await play(browser, url, database, out, full_page)
                await browser.close()
        finally:
            await runner.cleanup()


async def play(browser: Browser, url: str, database: Any, out: Path, full_page: bool) -> None:
    async def shot(page: Page, name: str) -> None:
        await shoot(page, out, name, full_page)

    # 1. A complaint about the lift, recorded, then handed to a person.
    lift = await open_chat(browser, url)
    await customer_says(lift, "小区电梯坏了，停了一上午", "13800138000", "阳光花园3栋", "对", "转人工")
    await shot(lift, "chat-complaint-handed-off")

    # 2. A customer threatening to go to the media: urgent.
    media = await open_chat(browser, url)
    await customer_says(media, "你们再不修好水管我要找媒体曝光")
    await customer_says(media, "转人工")

    # 3. A VIP customer (the tier is set on the customer record, as an account manager would).
    vip = await open_chat(browser, url)

    def make_vip(session: Session) -> None:
        newest = session.execute(select(func.max(Customer.id))).scalar_one()
        session.execute(update(Customer).where(Customer.id == newest).values(tier="vip", display_name="王总"))

    await database.write(make_vip)
    await customer_says(vip, "营业厅服务态度太差了", "13900139000", "国贸大厦", "对", "转人工")
    await shot(vip, "chat-vip")

    # A delivery that failed for good, so the dead-letter page has something to show.
    def dead_letter(session: Session) -> None:
        conversation_id = session.execute(select(func.min(Conversation.id))).scalar_one()
        session.add(DeadLetter(job="deliver_message", args=[1], conversation_id=conversation_id,
                               error="wechat: 45015 response out of time limit", tries=5, created_at=utc_now()))

    await database.write(dead_letter)

    agent = await staff_page(browser, url, "/console/", "li.agent")
    await expect(agent.locator("#queue .ticket").first).to_be_visible(timeout=15_000)
    await shot(agent, "console-agent-queue")

    await agent.locator("#queue .ticket .claim").first.click()
    await expect(agent.locator("#reply-text")).to_be_visible(timeout=15_000)
    await agent.fill("#reply-text", "您好，我是客服小李，马上为您处理。")
    await agent.click("#reply-send")
    await expect(agent.locator("#messages .from-agent")).to_have_count(1, timeout=15_000)
    await agent.fill("#note-text", "客户情绪激动，已联系物业维修")
    await agent.click("#note-add")
    await expect(agent.locator("#timeline .note")).to_have_count(1, timeout=15_000)
    await shot(agent, "console-agent-conversation")

    await agent.fill("#reply-text", "这个我不知道")
    await agent.click("#reply-send")
    await expect(agent.locator("#guard")).to_be_visible(timeout=15_000)
    await shot(agent, "console-agent-guard")

    supervisor = await staff_page(browser, url, "/console/", "zhou.sup")
    await shot(supervisor, "console-supervisor-queue")

    manager = await staff_page(browser, url, "/manager/", "boss")
    await expect(manager.locator("#live")).to_have_attribute("data-state", "live", timeout=15_000)
    await shot(manager, "manager-dashboard")
    ready = {
        "standards": "#std-version",
        "reports": "body[data-reports=drawn]",
        "audit": "#audit-entries tr",
    }
    for tab in ["rules", "standards", "reports", "audit", "dead-letters"]:
        await manager.click(f"[data-tab={tab}]")
        if tab in ready:
            await expect(manager.locator(ready[tab]).first).to_be_attached(timeout=15_000)
        await shot(manager, f"manager-{tab}")

    supervisor_manager = await staff_page(browser, url, "/manager/#rules", "zhou.sup")
    await shot(supervisor_manager, "manager-as-supervisor-rules")

    agent_manager = await staff_page(browser, url, "/manager/", "li.agent")
    await shot(agent_manager, "manager-as-agent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--first-screen", action="store_true", help="only the first screen of long pages")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args.out, full_page=not args.first_screen))


if __name__ == "__main__":
    main()
