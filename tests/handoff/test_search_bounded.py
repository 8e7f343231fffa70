"""``GET /api/search`` tells an agent when their search of the texts stopped at its bound
(``search.agent_candidates`` of ``config/handoff.yaml``): older conversations holding the words may
be missing, and the case number, the place or more words find them. A supervisor's search is not
bounded, nor is one that read every message holding the words."""

from __future__ import annotations

from typing import Any

from bot.config import ServiceConfig
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.search_helpers import another_teams_customer_writes, bounded_config, queue_of
from tests.promises.support import complaint, promised_case
from tests.staff import add_user, set_queues, sign_in

BOUND = 3
OTHER_QUEUE = "billing"
NEWER = [f"楼道的灯第{day}天还是不亮" + ("，黑漆漆的" if day <= BOUND else "") for day in range(1, BOUND + 3)]
"""The newer customer's words: more messages holding 楼道的灯 than the bound, exactly the bound holding 黑漆漆."""


async def searched(client: Any, query: str) -> tuple[list[int], bool]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    body = await response.json()
    return [hit["conversation_id"] for hit in body["hits"]], body["bounded"]


async def test_an_agents_search_that_stopped_at_its_bound_says_so(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=bounded_config(service_config, BOUND))
    # An older case of the agent's queue; then another team's customer writes the words again and again.
    older, socket = await promised_case(client, description="楼道的灯坏了一个星期了")
    await socket.close()
    case_number = (await complaint(client, older)).case_number
    assert case_number is not None
    queue = await queue_of(client, older)
    assert queue != OTHER_QUEUE
    newer = await another_teams_customer_writes(client, NEWER, OTHER_QUEUE)
    await add_user(client, "li.agent", Role.AGENT)
    await set_queues(client, "li.agent", [queue])
    await sign_in(client, "li.agent")

    # Only the newest messages holding the words were read: the agent's older case is not among
    # them, and the answer says the search stopped there.
    assert await searched(client, "楼道的灯") == ([], True)
    # What finds it all the same: its case number, its place, more of the words.
    assert await searched(client, case_number) == ([older], False)
    assert await searched(client, "阳光花园") == ([older], False)
    assert await searched(client, "楼道的灯坏了") == ([older], False)
    # Exactly as many messages as the bound hold these: all were read, nothing left unsaid.
    assert await searched(client, "黑漆漆") == ([], False)

    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    assert await searched(client, "楼道的灯") == ([newer, older], False)
