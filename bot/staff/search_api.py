"""``GET /api/search``: staff find a conversation by case number, phone or text (issue 15)."""

from __future__ import annotations

import unicodedata

from aiohttp import web

from bot.handoff.membership import queues_of
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.staff.privacy import mask_phones, sees_phones
from bot.storage.search import search_conversations, searches_every_message
from bot.web.responses import api_error

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
MIN_QUERY, MAX_QUERY, MAX_HITS = 2, 100, 20


@requires(*STAFF)
async def search(request: web.Request) -> web.Response:
    """``GET /api/search?q=``: up to 20 conversations the staff member may read whose case number,
    phone, case's place or message text contains ``q`` (places and texts in either script: 金星阁
    finds 金星閣), newest first; phone numbers masked as in the conversation.

    ``recent_only``: the query, under three characters, was looked for in the newest messages
    and cases only (``bot.storage.search_index.RECENT_MESSAGES``, ``RECENT_CASES``).

    ``bounded``: an agent's search of the texts read the newest ``search.agent_candidates``
    (``config/handoff.yaml``) messages holding ``q`` and older ones were left unread, so older
    conversations holding it may be missing (a case number, a place or more words find them).

    A conversation whose phones the searcher sees masked (an agent's, not handled) is searched as they
    see it: never by phone, by its messages masked, so a query cannot confirm a hidden digit."""
    # A control character pasted or typed is a space (a NUL never gets here: bot.web.unstorable refuses it).
    query = "".join(" " if unicodedata.category(char) == "Cc" else char for char in request.query.get("q", "")).strip()
    if not MIN_QUERY <= len(query) <= MAX_QUERY:
        raise api_error(400, f"'q' must be {MIN_QUERY} to {MAX_QUERY} characters")
    staff = request["staff"]
    # Whoever sees phones in full in a conversation nobody handles (supervisors, managers) sees them
    # in full everywhere; an agent only in the conversations they handle (own, or resolved a case of).
    mask = None if sees_phones(staff, ()) else mask_phones

    shared = resources(request)
    bound = shared.config.handoff.search.agent_candidates
    async with shared.sessions() as session:
        found = await session.run_sync(
            lambda sync: search_conversations(
                sync,
                query,
                queues_of(sync, int(staff["id"]), str(staff["role"])),
                int(staff["id"]),
                MAX_HITS,
                mask,
                agent_candidates=bound,
            )
        )
    return web.json_response(
        {
            "query": query,
            # Shorter than a trigram: only the newest messages and cases were read.
            "recent_only": not searches_every_message(query),
            # An agent's: older messages holding it were left unread (never counted).
            "bounded": found.bounded,
            "hits": [
                {
                    "conversation_id": hit.conversation_id,
                    "channel": hit.channel,
                    "owner": hit.owner,
                    "status": hit.status,
                    "case_number": hit.case_number,
                    "matched": hit.matched,
                    "text": hit.text if mask is None or hit.handled else mask(hit.text),
                    # The place the query found, as the customer (or staff) wrote it, in its script.
                    "place": hit.place if mask is None or hit.handled else mask(hit.place),
                    "ts": hit.at.isoformat() if hit.at else None,
                }
                for hit in found.hits
            ],
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/search", search)
