"""Staff search through its index (migration 0038): what a search finds follows the rows as they
are now, a word of three characters or more is found in the whole history, a shorter one in the
newest messages and cases, and the console is told which."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.search import search_conversations
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off
from tests.helpers import eventually
from tests.promises.support import promised_case
from tests.staff import add_user, claim_conversation, sign_in


async def searched(client: Any, query: str) -> tuple[list[tuple[int, str]], bool]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    body = await response.json()
    return [(hit["conversation_id"], hit["matched"]) for hit in body["hits"]], body["recent_only"]


async def test_a_short_word_is_looked_for_in_the_newest_messages_and_a_longer_one_everywhere(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    older, socket = await customer_hands_off(client)
    await socket.send("楼道电梯坏了")

    async def stored() -> bool:
        return await searched(client, "电梯") == ([(older, "text")], True)

    await eventually(stored)
    await socket.close()
    newer, socket = await customer_hands_off(client)
    await socket.close()

    assert await searched(client, "电梯坏了") == ([(older, "text")], False)

    def search(sync: Connection, query: str) -> list[int]:
        # The newest messages are the second customer's: the first one's lie further back.
        hits = search_conversations(Session(sync), query, None, agent_id=1, recent=4).hits
        return [hit.conversation_id for hit in hits]

    async with resources(client.app).database.engine.connect() as connection:
        assert await connection.run_sync(search, "电梯") == []
        assert await connection.run_sync(search, "电梯坏了") == [older]
        assert await connection.run_sync(search, "人工") == [newer]


async def test_a_corrected_place_and_phone_are_found_and_the_old_ones_no_more(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.close()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    await claim_conversation(client, csrf, conversation_id)
    assert await searched(client, "阳光花园") == ([(conversation_id, "place")], False)

    fixed = await client.patch(
        f"/api/conversations/{conversation_id}/complaint",
        json={"area": "朝阳区望京SOHO塔2", "contact_phone": "139 1234 5678"},
        headers={"X-CSRF-Token": csrf},
    )
    assert fixed.status == 200, await fixed.text()

    assert await searched(client, "望京SOHO") == ([(conversation_id, "place")], False)
    assert await searched(client, "91234567") == ([(conversation_id, "phone")], False)
    # The old place is still in the customer's messages, never in the case's place.
    hits, _ = await searched(client, "阳光花园")
    assert hits == [(conversation_id, "text")]


async def test_a_short_word_is_looked_for_in_the_places_of_the_newest_cases_only(make_client: AppFactory) -> None:
    client = await make_client()
    older, socket = await promised_case(client)
    await socket.close()
    newer, socket = await promised_case(client, description="楼下的路灯坏了一个星期了")
    await socket.close()

    def search(sync: Connection, query: str, cases: int) -> list[int]:
        # No messages read: only the cases' places can find these.
        hits = search_conversations(Session(sync), query, None, agent_id=1, recent=0, recent_case_count=cases).hits
        return [hit.conversation_id for hit in hits]

    async with resources(client.app).database.engine.connect() as connection:
        assert await connection.run_sync(search, "花园", 2) == [newer, older]
        assert await connection.run_sync(search, "花园", 1) == [newer]
        # Three characters and more: every case, however many.
        assert await connection.run_sync(search, "阳光花园", 1) == [newer, older]
