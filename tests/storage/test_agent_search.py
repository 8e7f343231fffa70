"""An agent's text search reads the newest messages holding the text, whoever's, and keeps those
they may read: however few conversations they may read in a long history, it costs no more than a
supervisor's, and finds their conversations among those messages, newest first."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.seed_history import seed_postgresql, seed_sqlite
from bot.keys import resources
from bot.storage.models import HandoffTicket, Message
from bot.storage.search import CASE_CONTENT, search_conversations
from tests.conftest import AppFactory, FixedClock, database_kind
from tests.helpers import captured_statements

SEEDED_MESSAGES = 20_000
WORDS = "楼道的灯"
"""In one of the seed's six customer texts: some 1,700 messages, each conversation's a few."""
BOUND = 100
AGENT_ID = 7


async def test_an_agents_text_search_finds_the_conversations_of_their_queue_among_the_newest_holding_it(
    database_url: str, make_client: AppFactory, clock: FixedClock
) -> None:
    if database_kind(database_url) == "sqlite":
        path = make_url(database_url).database
        assert path is not None
        seed_sqlite(path, SEEDED_MESSAGES, 0, clock())
    else:
        await seed_postgresql(database_url, SEEDED_MESSAGES, 0, clock())
    client = await make_client()
    database = resources(client.app).database

    def holding(sync: Connection) -> list[int]:
        """The conversations of the messages holding the words, newest message first."""
        rows = Session(sync).execute(
            select(Message.conversation_id)
            .where(CASE_CONTENT, Message.text.contains(WORDS))
            .order_by(Message.id.desc())
        )
        return [conversation_id for (conversation_id,) in rows]

    async with database.engine.connect() as connection:
        newest_first = await connection.run_sync(holding)
    assert len(newest_first) > 10 * BOUND
    # Two conversations of the "billing" queue among the newest messages holding the words, one
    # whose messages holding them are all older than the newest BOUND; the rest "general"'s.
    near, further, old = newest_first[3], newest_first[BOUND // 2], newest_first[5 * BOUND]
    assert old not in newest_first[:BOUND] and len({near, further, old}) == 3

    def give_to_billing(session: Session) -> None:
        for conversation_id in (near, further, old):
            session.execute(
                insert(HandoffTicket).values(
                    conversation_id=conversation_id,
                    queue="billing",
                    priority=2,
                    reason="complaint",
                    status="resolved",
                    created_at=clock(),
                )
            )

    await database.write(give_to_billing)

    def searched(sync: Connection, queues: set[str] | None) -> list[int]:
        found = search_conversations(Session(sync), WORDS, queues, agent_id=AGENT_ID, agent_candidates=BOUND)
        # The agent's walk stopped at the bound with older messages left; the supervisor's at a full page.
        assert found.bounded == (queues is not None)
        hits = found.hits
        assert all(hit.matched == "text" and WORDS in (hit.text or "") for hit in hits)
        return [hit.conversation_id for hit in hits]

    async with database.engine.connect() as connection:
        with captured_statements() as agents:
            assert await connection.run_sync(searched, {"billing"}) == sorted([near, further], reverse=True)
        # A supervisor reads every conversation: the page is the newest twenty holding the words.
        with captured_statements() as supervisors:
            everyone = await connection.run_sync(searched, None)
        assert len(everyone) == 20 and everyone == sorted(everyone, reverse=True)
        # The agent's walk stopped at the bound, as the supervisor's stopped at a full page (it
        # went on through every message holding the words, a chunk twice the last at a time). On
        # PostgreSQL the newest messages holding the words are asked for first: one statement more.
        assert len(agents) <= len(supervisors) + 1
        assert await connection.run_sync(searched, {"parking"}) == []
