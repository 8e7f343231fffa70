"""Web chat uploads for the photo tests: the multipart form, the request, and a customer whose
case an agent has claimed."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in


def photo_form(
    data: bytes, filename: str = "leak.png", content_type: str = "image/png", client_id: str | None = None
) -> FormData:
    form = FormData()
    if client_id is not None:
        form.add_field("id", client_id)
    form.add_field("file", data, filename=filename, content_type=content_type)
    return form


async def upload(client: Any, token: str, form: FormData) -> Any:
    return await client.post("/chat/media", data=form, headers={"Authorization": f"Bearer {token}"})


async def claimed_case(client: Any, username: str) -> tuple[str, str, int]:
    """A customer handed off to a person and claimed by the new agent ``username``, who stays
    signed in. Returns the agent's CSRF token, the customer's token and the conversation id."""
    await add_user(client, username, Role.AGENT)
    csrf = await sign_in(client, username)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    await socket.close()
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    return csrf, token, conversation_id
