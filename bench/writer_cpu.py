"""CPU per message of the pipeline writer's storage work on SQLite, in one process, no server.

The statements ``bench/history_cost.py`` times for its hot-path batch, for a batch of
``--batch`` web chat messages from as many customers: the persist transaction (their open
conversations, the messages) and the processing one (the conversations loaded, their pending
messages, marked processed, the conversations saved, two replies a message). The engine's own
work is not in it. Prints the process CPU time per message, the best of five passes of
``--rounds`` batches each after a warm-up: less sensitive to other work on the machine than the
end-to-end bench's throughput, so two commits can be compared in turns.

    python bench/writer_cpu.py [--batch 8] [--rounds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.messages import ChannelName, InboundMessage
from bot.storage import migrate, store
from bot.storage.db import Database


async def cpu_per_message(url: str, size: int, rounds: int) -> float:
    """Microseconds of process CPU per message, the best of five passes."""
    database = Database(url)
    now = dt.datetime.now(dt.UTC)
    try:
        chats = await database.write(
            lambda session: [store.create_webchat_session(session, "zh-CN", now) for _ in range(size)]
        )
        identities = [chat.identity_id for chat in chats]
        numbers = iter(range(10**9))

        def persist(session: Session) -> dict[int, int]:
            number = next(numbers)
            open_ids = store.current_conversation_ids(session, identities)
            pairs = [
                (
                    open_ids[identity],
                    InboundMessage(
                        channel=ChannelName.WEBCHAT,
                        sender_id=f"bench-{identity}",
                        provider_message_id=f"bench-{number}-{identity}",
                        text="补充说明：晚上楼道很黑",
                        sent_at=now,
                    ),
                )
                for identity in identities
            ]
            inserted = store.insert_inbound_many(session, pairs, now)
            return {conversation: message for (conversation, _), (message, _) in zip(pairs, inserted, strict=True)}

        def process(session: Session, newest: dict[int, int]) -> None:
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
                    for text in ("您反映的情况，我已记录下来。", "请您留下可以联系到您的电话号码，好吗？")
                ],
            )

        async def batch() -> None:
            newest = await database.write(persist)
            await database.write(lambda session: process(session, newest))

        for _ in range(20):
            await batch()
        passes = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(rounds):
                await batch()
            passes.append((time.process_time() - started) / (rounds * size) * 1e6)
        return min(passes)
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=8, help="messages a batch (the e2e bench's at 50 connections)")
    parser.add_argument("--rounds", type=int, default=60)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/writer.sqlite3"
        migrate.upgrade(url)
        used = asyncio.run(cpu_per_message(url, arguments.batch, arguments.rounds))
    print(f"writer storage CPU per message, batches of {arguments.batch}: {used:.1f} µs")


if __name__ == "__main__":
    main()
