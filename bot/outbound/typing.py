"""Typing signals between a customer and the agent handling the conversation (issue 15).

Ephemeral by design: a signal never becomes a message, a delivery row or a job. Each side is
throttled in Redis (one signal per :data:`THROTTLE_SECONDS` per customer, per agent and
conversation) so a stuck key floods no one; a client shows a signal for a few seconds only.

- The customer types (web chat): a ``typing`` staff event for the conversation, which the staff
  event sockets pass only to consoles watching it whose staff member may read it.
- The agent types: the customer's channel shows it. Web chat gets a frame on the customer's open
  sockets (on every instance); a provider whose adapter :class:`ShowsTyping` is asked once, in
  the background with a short timeout, and a failure is only logged. Others show nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import structlog
from redis.asyncio import Redis

from bot.channels.base import ChannelAdapter, ShowsTyping
from bot.channels.webchat.typing import AGENT_TYPING_FRAME
from bot.core import redis_keys
from bot.core.messages import ChannelName
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.outbound.effects import Effects
from bot.outbound.gateway import OutboundGateway
from bot.storage.db import Database
from bot.storage.typing import TypingTarget, typing_conversation

log = structlog.get_logger(__name__)

THROTTLE_SECONDS = 2.0
"""At most one signal per side and conversation in this window; clients send every 2.5 s."""
PROVIDER_TIMEOUT_SECONDS = 5.0
"""A provider's typing call that takes longer is dropped: by then the signal is stale."""


def customer_typing_event(conversation_id: int) -> StaffEvent:
    return StaffEvent(StaffEventKind.TYPING, conversation_ids=(conversation_id,), detail={"from": "customer"})


class TypingRelay:
    """Carries typing signals; ``close()`` cancels provider calls still under way."""

    def __init__(
        self,
        redis: Redis,
        database: Database,
        gateway: OutboundGateway,
        adapters: Mapping[str, ChannelAdapter],
        *,
        throttle_seconds: float = THROTTLE_SECONDS,
    ) -> None:
        self._redis = redis
        self._database = database
        self._gateway = gateway
        self._adapters = adapters
        self._throttle_ms = int(throttle_seconds * 1000)
        self._calls: set[asyncio.Task[None]] = set()

    async def _first_in_window(self, side: str, subject: str) -> bool:
        key = redis_keys.typing_throttle(side, subject)
        return bool(await self._redis.set(key, "1", nx=True, px=self._throttle_ms))

    async def customer_typing(self, identity_id: int) -> int | None:
        """A web chat customer types: tell the consoles of their conversation. Returns the
        conversation signalled, or None when throttled, the customer has none or Redis or the
        database failed (logged: the customer's chat goes on without the signal)."""
        try:
            if not await self._first_in_window("customer", str(identity_id)):
                return None
            async with self._database.sessions() as session:
                conversation_id = await session.run_sync(typing_conversation, identity_id)
            if conversation_id is None:
                return None
            await self._gateway.commit(Effects(staff_events=[customer_typing_event(conversation_id)]))
        except Exception as error:
            log.warning("typing.customer_lost", identity_id=identity_id, error=repr(error))
            return None
        return conversation_id

    async def agent_may_signal(self, staff_id: int, conversation_id: int) -> bool:
        """False while this agent's last signal for the conversation is within the window."""
        return await self._first_in_window("agent", f"{staff_id}:{conversation_id}")

    async def agent_typing(self, target: TypingTarget) -> bool:
        """Show the customer that the agent types; False when their channel cannot show it."""
        if target.channel == ChannelName.WEBCHAT:
            await self._gateway.push_webchat([(target.identity_id, AGENT_TYPING_FRAME)])
            return True
        adapter = self._adapters.get(target.channel)
        if not isinstance(adapter, ShowsTyping):
            return False
        call = asyncio.create_task(self._show(adapter, target), name="typing-signal")
        self._calls.add(call)
        call.add_done_callback(self._calls.discard)
        return True

    async def _show(self, adapter: ShowsTyping, target: TypingTarget) -> None:
        try:
            await asyncio.wait_for(adapter.show_typing(target.recipient), PROVIDER_TIMEOUT_SECONDS)
        except Exception as error:  # a lost typing signal costs nothing: never retried
            log.info("typing.not_shown", channel=target.channel, error=repr(error))

    async def close(self) -> None:
        calls = list(self._calls)
        for call in calls:
            call.cancel()
        await asyncio.gather(*calls, return_exceptions=True)
