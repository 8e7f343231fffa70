"""The pipeline writer's storage work for one batch of web chat messages, as the benches time it:
the persist transaction (the customers' open conversations, their messages) and the processing
one (the conversations loaded, their pending messages marked processed, the conversations saved,
the bot's replies, a timeline row each when asked). The engine's own work is not in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import count

from sqlalchemy.orm import Session

from bot.core.messages import ChannelName, InboundMessage
from bot.storage import store
from bot.storage.db import Database


class HotBatch:
    def __init__(
        self, database: Database, size: int, now: dt.datetime, replies: Sequence[str], timeline: bool = False
    ) -> None:
        self._database = database
        self._size = size
        self._now = now
        self._replies = tuple(replies)
        self._timeline = timeline
        self._identities: list[int] = []
        self._rounds = count()

    async def open_sessions(self) -> None:
        """One web chat customer per message of a batch."""
        chats = await self._database.write(
            lambda session: [store.create_webchat_session(session, "zh-CN", self._now) for _ in range(self._size)]
        )
        self._identities = [chat.identity_id for chat in chats]

    async def run(self) -> None:
        newest = await self._database.write(self._persist)
        await self._database.write(lambda session: self._process(session, newest))

    def _persist(self, session: Session) -> dict[int, int]:
        number = next(self._rounds)
        open_ids = store.current_conversation_ids(session, self._identities)
        pairs = [
            (
                open_ids[identity],
                InboundMessage(
                    channel=ChannelName.WEBCHAT,
                    sender_id=f"bench-{identity}",
                    provider_message_id=f"bench-{number}-{identity}",
                    text="补充说明：晚上楼道很黑",
                    sent_at=self._now,
                ),
            )
            for identity in self._identities
        ]
        inserted = store.insert_inbound_many(session, pairs, self._now)
        return {conversation: message for (conversation, _), (message, _) in zip(pairs, inserted, strict=True)}

    def _process(self, session: Session, newest: dict[int, int]) -> None:
        now = self._now
        loaded = store.load_conversations(session, list(newest))
        pending = store.pending_inbound(session, newest)
        store.mark_processed(session, [row.id for rows in pending.values() for row in rows], now)
        for conversation in loaded.values():
            conversation.activity_seq += 1
        store.save_conversations(session, list(loaded.values()))
        reply = {"direction": "out", "sender": "bot", "kind": "text", "created_at": now, "delivery_status": "sent"}
        store.insert_outbound(
            session,
            [
                {**reply, "conversation_id": conversation.id, "channel": conversation.channel, "text": text}
                for conversation in loaded.values()
                for text in self._replies
            ],
        )
        if self._timeline:
            store.append_timeline(
                session,
                [
                    {"conversation_id": c.id, "kind": "bench", "actor": "bot", "detail": {}, "created_at": now}
                    for c in loaded.values()
                ],
            )
