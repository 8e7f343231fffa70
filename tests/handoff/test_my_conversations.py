"""``GET /api/my-conversations``: an agent's own conversations and resolved cases come from the
server, so they follow the agent to another browser and leave when the conversation does."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off, ticket_of
from tests.promises.support import claim_and_resolve, promised_case, staff
from tests.staff import add_user, claimed_conversation, sign_in, sign_in_with_cookie


async def resolve(client: Any, conversation_id: int, csrf: str) -> None:
    response = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已处理"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 200, await response.text()


async def mine(client: Any) -> dict[str, Any]:
    response = await client.get("/api/my-conversations")
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def test_an_agent_s_conversations_follow_them_to_another_browser_until_resolved(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")

    await sign_in_with_cookie(client, "li.agent")  # another browser: nothing kept locally
    [owned] = (await mine(client))["owned"]
    assert owned["conversation_id"] == conversation_id
    assert owned["channel"] == "webchat"
    assert owned["last_customer_at"] is not None
    assert (await mine(client))["resolved"] == []

    csrf = await sign_in(client, "li.agent")
    await resolve(client, conversation_id, csrf)
    after = await mine(client)
    assert after["owned"] == []
    [case] = after["resolved"]
    assert case["conversation_id"] == conversation_id
    assert case["case_number"].startswith("TS")
    assert case["resolved_at"] is not None

    await add_user(client, "wang.agent", Role.AGENT)
    await sign_in(client, "wang.agent")
    assert await mine(client) == {"owned": [], "resolved": []}
    await socket.close()


async def test_a_transferred_conversation_leaves_the_agent_s_list(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "he.agent")
    assert [item["conversation_id"] for item in (await mine(client))["owned"]] == [conversation_id]

    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()
    assert (await mine(client))["owned"] == []
    await socket.close()


async def test_a_conversation_resolved_without_a_case_leaves_the_list_until_it_is_taken_up_again(
    make_client: AppFactory,
) -> None:
    """The agent keeps a customer without a case after resolving; the list follows the resolution
    and the next time the conversation is handed over (here: transferred back to the agent)."""
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    conversation_id, socket = await customer_hands_off(client)  # asks for a person at once: no case
    ticket = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    await resolve(client, conversation_id, csrf)
    after = await mine(client)
    assert after["owned"] == []
    assert [(item["conversation_id"], item["case_number"]) for item in after["resolved"]] == [(conversation_id, None)]

    supervisor_csrf = await sign_in(client, "zhou.sup")
    back = await client.post(
        f"/api/conversations/{conversation_id}/transfer",
        json={"username": "li.agent"},
        headers={"X-CSRF-Token": supervisor_csrf},
    )
    assert back.status == 200, await back.text()
    await sign_in(client, "li.agent")
    again = await mine(client)
    assert [item["conversation_id"] for item in again["owned"]] == [conversation_id]
    assert again["resolved"] == []
    await socket.close()


async def test_a_resolved_case_reopened_and_taken_over_shows_its_real_status_and_holder(
    make_client: AppFactory,
) -> None:
    """张三 resolved the case; it came back to him and the supervisor then took it over: his
    resolved list says it is in hand again, by the supervisor, never 已解决."""
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, "zhang.agent")
    assert [(item["conversation_id"], item["status"]) for item in (await mine(client))["resolved"]] == [
        (conversation_id, "resolved")
    ]

    headers, supervisor_id = await staff(client, "wangzg", Role.SUPERVISOR)
    reopened = await client.post(
        f"/api/conversations/{conversation_id}/reopen", json={"reason": "客户说路灯晚上还是不亮"}, headers=headers
    )
    assert reopened.status == 200, await reopened.text()
    taken = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "wangzg"}, headers=headers
    )
    assert taken.status == 200, await taken.text()

    await sign_in(client, "zhang.agent")
    after = await mine(client)
    assert after["owned"] == []
    [case] = after["resolved"]
    assert (case["conversation_id"], case["status"], case["owner"]) == (
        conversation_id,
        "open",
        f"agent:{supervisor_id}",
    )
    await socket.close()
