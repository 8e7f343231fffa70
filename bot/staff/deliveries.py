"""Staff API for deliveries: dead letters a manager can retry, and the stored daily reports."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.channels.wechat.window import WindowState, wechat_window
from bot.config import ServiceConfig
from bot.core.messages import ChannelName
from bot.keys import resources
from bot.outbound.gateway import DELIVER_JOB
from bot.staff.accounts import Role
from bot.staff.audit import audited, path_target
from bot.staff.auth import requires
from bot.storage.deliveries import claim_dead_letter, recent_dead_letters
from bot.storage.models import Conversation, DeadLetter
from bot.storage.reports import stored_report
from bot.storage.windows import window_usage
from bot.web.responses import api_error, path_number


async def conversation_window(
    session: Any, conversation: Conversation, config: ServiceConfig, now: dt.datetime
) -> dict[str, Any] | None:
    """The channel window the agent sees on a conversation; None for channels without one."""
    if conversation.channel != ChannelName.WECHAT:
        return None
    last_in, sent = await session.run_sync(window_usage, conversation.identity_id)
    state: WindowState = wechat_window(now, last_in, sent, config.channels.wechat)
    return state.to_json()


def _letter_json(letter: DeadLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "job": letter.job,
        "message_id": letter.message_id,
        "conversation_id": letter.conversation_id,
        "error": letter.error,
        "tries": letter.tries,
        "created_at": letter.created_at.isoformat(),
        "retried_at": letter.retried_at.isoformat() if letter.retried_at else None,
    }


@requires(Role.MANAGER)
async def dead_letters(request: web.Request) -> web.Response:
    """``GET /api/dead-letters``: jobs that exhausted their tries or failed for good, newest first."""
    async with resources(request).sessions() as session:
        letters = await session.run_sync(recent_dead_letters)
        return web.json_response({"dead_letters": [_letter_json(letter) for letter in letters]})


@audited("dead_letter_retry", target=path_target("dead_letter"))
@requires(Role.MANAGER)
async def retry_dead_letter(request: web.Request) -> web.Response:
    """``POST /api/dead-letters/{id}/retry``: run the job again (a delivery: its message goes
    back to pending and is sent afresh). 409 when it was retried already."""
    letter_id = path_number(request, "no such dead letter")
    now = resources(request).clock()
    outcome = await resources(request).database.write(
        lambda session: claim_dead_letter(session, letter_id, now, DELIVER_JOB)
    )
    if outcome == "missing":
        raise api_error(404, "no such dead letter")
    if isinstance(outcome, str):
        raise api_error(409, "this dead letter was retried already")
    await resources(request).redis.enqueue_job(outcome.job, *outcome.args, _job_id=f"dead-letter:{letter_id}")
    return web.json_response({"retried": True})


@requires(Role.MANAGER)
async def daily_report(request: web.Request) -> web.Response:
    """``GET /api/reports/daily?day=YYYY-MM-DD``: the stored report (default: yesterday, local time).

    A day asked for without a report is 404; yesterday's, asked for by default before the morning
    job made it, is ``{"day", "made": false}`` (the reports tab asks on every visit: not an error)."""
    zone = ZoneInfo(resources(request).config.service.timezone)
    given = request.query.get("day")
    yesterday = resources(request).clock().astimezone(zone).date() - dt.timedelta(days=1)
    try:
        day = dt.date.fromisoformat(given) if given else yesterday
    except ValueError as error:
        raise api_error(400, "day must be a date like 2026-11-22") from error
    async with resources(request).sessions() as session:
        report = await session.run_sync(stored_report, "daily", day)
    if report is None and not given:
        return web.json_response({"day": day.isoformat(), "made": False})
    if report is None:
        raise api_error(404, f"no daily report for {day.isoformat()} yet (it is made each morning for the day before)")
    return web.json_response({**report.body, "created_at": report.created_at.isoformat(), "made": True})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/dead-letters", dead_letters)
    app.router.add_post("/api/dead-letters/{id}/retry", retry_dead_letter)
    app.router.add_get("/api/reports/daily", daily_report)
