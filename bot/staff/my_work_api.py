"""``GET /api/my-conversations``: the signed-in staff member's own conversations and the cases
they resolved last, the same on every browser they sign in from."""

from __future__ import annotations

from aiohttp import web

from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.storage.agent_work import owned_conversations, resolved_conversations

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
MAX_OWNED, MAX_RESOLVED = 50, 10


@requires(*STAFF)
async def my_conversations(request: web.Request) -> web.Response:
    """Up to 50 open conversations in the caller's hands (the customer's latest message first) and
    the 10 they resolved last (one taken up again, by a claim or a reopening, is in hands instead; one
    taken up by someone else is listed with ``status`` "open" and its ``owner``)."""
    agent_id = int(request["staff"]["id"])
    async with resources(request).sessions() as session:
        owned = await session.run_sync(lambda sync: owned_conversations(sync, agent_id, MAX_OWNED))
        in_hands = {item.conversation_id for item in owned}
        resolved = await session.run_sync(lambda sync: resolved_conversations(sync, agent_id, MAX_RESOLVED, in_hands))
    return web.json_response(
        {
            "owned": [
                {
                    "conversation_id": item.conversation_id,
                    "channel": item.channel,
                    "customer_name": item.customer_name,
                    "case_number": item.case_number,
                    "deadline_at": item.deadline_at.isoformat() if item.deadline_at else None,
                    "last_customer_at": item.last_customer_at.isoformat() if item.last_customer_at else None,
                    "resolved_by_me_at": item.resolved_by_me_at.isoformat() if item.resolved_by_me_at else None,
                    "transferred_at": item.transferred_at.isoformat() if item.transferred_at else None,
                }
                for item in owned
            ],
            "resolved": [
                {
                    "conversation_id": case.conversation_id,
                    "case_number": case.case_number,
                    "resolved_at": case.resolved_at.isoformat(),
                    "last_customer_at": case.last_customer_at.isoformat() if case.last_customer_at else None,
                    # reopened and taken up by someone else since: not resolved, nor the caller's
                    "status": "open" if case.taken_up else "resolved",
                    "owner": case.owner,
                }
                for case in resolved
            ],
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/my-conversations", my_conversations)
