"""Customers' texts read by the optional model before their conversation runs, at most one model
call in flight per conversation.

The model's reading is I/O of up to its timeout; were a batch to wait for all its texts' readings,
one customer's text that makes the model slow would hold up every other customer's reply, and a
customer sending many texts at once would take every call the model allows. So each conversation
has at most one model call in flight: its texts found pending beside that call, or arriving while
it runs or before its conversation ran with the reading, are read by the rules alone; the
conversation waits for its own call only, out of the batches, which run on without it, and is
woken when the reading is in.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence

import structlog

from bot.core.messages import words_of
from bot.storage.store import StoredInboundRow
from bot.understanding.reader import MessageReader
from bot.understanding.result import Understanding

log = structlog.get_logger(__name__)


class ReadAhead:
    """The model's readings of pending texts, by conversation and message id. One per pipeline."""

    def __init__(self, wake: Callable[[int], None]) -> None:
        """``wake`` runs a conversation again once its reading is in."""
        self._wake = wake
        self._calls: dict[int, asyncio.Task[None]] = {}
        self._read: dict[int, dict[int, Understanding | None]] = {}
        """Per conversation, its pending texts read so far: the reading, or None for the rules alone."""

    @property
    def in_flight(self) -> int:
        return len(self._calls)

    def waiting(
        self, pending: Mapping[int, Sequence[StoredInboundRow]], conversation_ids: Iterable[int], reader: MessageReader
    ) -> set[int]:
        """Start reading what ``pending`` (the unprocessed messages of ``conversation_ids``) holds
        unread; return the conversations that wait for their model call."""
        waiting: set[int] = set()
        for conversation_id in conversation_ids:
            texts = [
                (row.id, words) for row in pending.get(conversation_id, ()) if (words := words_of(row.kind, row.text))
            ]
            if not texts:
                self._read.pop(conversation_id, None)
                continue
            read = self._read.setdefault(conversation_id, {})
            for message_id in set(read) - {message_id for message_id, _ in texts}:
                del read[message_id]  # processed meanwhile
            unread = [(message_id, words) for message_id, words in texts if message_id not in read]
            asked = None
            # A conversation with a reading in already runs now: a text that came since is not
            # worth holding it up for another call (a steady stream would never run).
            if conversation_id not in self._calls and unread and not read:
                # The most to read of those waiting together ("你好" beside "楼道里有股怪味").
                asked = max(unread, key=lambda text: len(text[1]))
                self._calls[conversation_id] = asyncio.create_task(
                    self._read_one(conversation_id, *asked, reader), name=f"read-ahead-{conversation_id}"
                )
            for message_id, _ in unread:
                if asked is None or message_id != asked[0]:
                    read[message_id] = None
                    reader.skip_busy()
            if conversation_id in self._calls:
                waiting.add(conversation_id)
        return waiting

    def readings(self, conversation_ids: Iterable[int]) -> dict[int, Understanding]:
        """The readings in of these conversations' texts, by message id, forgotten here (the batch
        running them takes them)."""
        taken: dict[int, Understanding] = {}
        for conversation_id in conversation_ids:
            read = self._read.pop(conversation_id, None) or {}
            taken.update((message_id, reading) for message_id, reading in read.items() if reading is not None)
        return taken

    async def aclose(self) -> None:
        calls = list(self._calls.values())
        for call in calls:
            call.cancel()
        for call in calls:
            with contextlib.suppress(asyncio.CancelledError):
                await call

    async def _read_one(self, conversation_id: int, message_id: int, words: str, reader: MessageReader) -> None:
        reading: Understanding | None = None
        try:
            reading = await reader.read(words, source=f"conversation:{conversation_id}")
        except Exception:  # the reader never raises; a bug must not strand the conversation
            log.exception("pipeline.read_ahead_failed", conversation_id=conversation_id)
        finally:
            del self._calls[conversation_id]
        self._read.setdefault(conversation_id, {})[message_id] = reading
        self._wake(conversation_id)
