"""The web chat sockets' one heartbeat: a customer whose browser answers the pings keeps chatting
however long they are quiet; a socket whose peer went away without closing (nothing, not even the
pong, arrives) is closed by the next round; a browser's own ping is answered."""

from __future__ import annotations

import asyncio

from aiohttp import WSCloseCode, WSMsgType

from bot.config import ServiceConfig
from bot.keys import webchat_hub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session

ROUND = 1.0


def pinged_every_round(config: ServiceConfig) -> ServiceConfig:
    webchat = config.channels.webchat.model_copy(update={"ping_every_seconds": ROUND})
    return config.model_copy(update={"channels": config.channels.model_copy(update={"webchat": webchat})})


async def test_a_silent_peer_is_closed_and_an_answering_browser_keeps_chatting(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=pinged_every_round(service_config))
    gone = await client.ws_connect(f"/chat/ws?token={(await new_session(client))[0]}", autoping=False)
    present = await ChatSocket.open(client, (await new_session(client))[0])  # answers pings as browsers do
    await present.until(lambda frames: any(frame.get("from") == "bot" for frame in frames), timeout=5)

    async def watch_the_gone_peer() -> tuple[int, object]:
        """It reads nothing back as a peer that went away: only counts what the server sends."""
        pings = 0
        while True:
            message = await asyncio.wait_for(gone.receive(), timeout=5 * ROUND)
            if message.type is WSMsgType.PING:
                pings += 1
            elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
                return pings, message.data

    (pings, code), _ = await asyncio.gather(watch_the_gone_peer(), present.collect_for(4 * ROUND))
    assert pings == 1  # closed at the round after the one it did not answer
    assert code == WSCloseCode.GOING_AWAY

    bot_before = len(present.bot_texts())
    sent = await present.send("小区3栋的电梯坏了两天了")
    await present.until_acked(sent, timeout=5)
    await present.until(lambda frames: len(present.bot_texts()) > bot_before, timeout=5)
    assert not present.socket.closed
    assert len(webchat_hub(client.app)) == 1
    await present.close()


async def test_a_browser_ping_is_answered(make_client: AppFactory, service_config: ServiceConfig) -> None:
    client = await make_client(config=service_config)
    socket = await client.ws_connect(f"/chat/ws?token={(await new_session(client))[0]}", autoping=False)
    await socket.ping(b"are you there")
    while (message := await asyncio.wait_for(socket.receive(), timeout=5)).type is not WSMsgType.PONG:
        assert message.type is WSMsgType.TEXT  # the greeting meanwhile
    assert message.data == b"are you there"
    await socket.close()
