"""``POST /api/conversations/{id}/typing``: the agent is typing a reply (issue 15).

The console sends it at most every 2.5 s while its reply box holds text; the customer's channel
shows it for a few seconds (``bot/outbound/typing.py``). Only the conversation's owner's typing
reaches the customer, as only they may reply. Nothing is stored or audited: it changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.outbound.typing import TypingRelay
from bot.staff.access import NOT_IN_YOUR_QUEUES, Access, conversation_access
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.storage.typing import TypingTarget, typing_target
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

typing_relay_key = web.AppKey("typing_relay", TypingRelay)


async def typing_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx (after the resources'): the app's typing relay."""
    shared = resources(app)
    relay = TypingRelay(shared.redis, shared.database, shared.gateway, shared.adapters)
    app[typing_relay_key] = relay
    yield
    await relay.close()


@requires(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
@documented(status=202)
async def agent_typing(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/typing`` (no body): show the customer that the agent types.

    202 ``{"shown": true}``, or ``{"shown": false}`` when throttled (one signal per 2 s) or the
    customer's channel cannot show it (SMS, WeChat); 404 for an unknown conversation, 403 outside
    the agent's queues, 409 when the caller is not the conversation's owner.
    """
    conversation_id = path_number(request, "no such conversation")
    staff, shared = request["staff"], resources(request)
    relay = request.app[typing_relay_key]
    if not await relay.agent_may_signal(int(staff["id"]), conversation_id):
        return web.json_response({"shown": False}, status=202)

    def find(session: Session) -> TypingTarget | Access:
        access = conversation_access(session, conversation_id, staff)
        if access is not Access.ALLOWED:
            return access
        return typing_target(session, conversation_id) or Access.MISSING

    async with shared.sessions() as session:
        target = await session.run_sync(find)
    if isinstance(target, Access):
        raise api_error(404, "no such conversation") if target is Access.MISSING else api_error(403, NOT_IN_YOUR_QUEUES)
    if target.owner != f"agent:{staff['id']}":
        raise api_error(409, "only the conversation's owner's typing is shown to the customer")
    return web.json_response({"shown": await relay.agent_typing(target)}, status=202)


def add_routes(app: web.Application) -> None:
    """The route, and the relay it and the web chat socket use (started after the resources)."""
    app.cleanup_ctx.append(typing_context)
    app.router.add_post("/api/conversations/{id}/typing", agent_typing)
