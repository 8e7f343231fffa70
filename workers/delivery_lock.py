"""Conversations' delivery locks: one job at a time sends a conversation's provider messages, in order.

A job that finds a lock taken leaves its message to the holder and says so in the same command
(its id in the conversation's ``more`` set); the holder's release reads and clears the set
atomically, so a message committed while the holder was finishing is never stranded, and a
holder left only messages it has sent ends without reading the database again. The release also
records the messages the holding sent (the ``sent`` set, kept as long as a job may run): a job
whose message another job's batch sent learns it when it asks for the lock, and ends without
reading the database (``sent`` is final: nothing sets a sent message back to send).

The messages providers accepted are noted in their conversations' ``accepted`` hashes just before
their outcomes are recorded (one round trip for the outcomes' transaction); the release forgets
the notes of the messages it records as sent, and a taking reads the notes left (by a run that
died, timed out or failed after that): those messages are recorded as sent, not sent again.

A job holds the locks of all its conversations (the gateway's job carries a commit's
conversations): one round trip takes them, one releases them.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Collection, Mapping, Sequence

from redis.asyncio import Redis

from bot.core import redis_keys

# KEYS: lock, more set, sent set, accepted hash per conversation. ARGV: token, ms, then per
# conversation its message id and "1" to look in the sent set first. Per conversation: {2} when
# the message was sent; {1, the accepted hash's fields and values} when taken; {0} when the
# message is left to the holder.
_TAKE = """
local answers = {}
for i = 1, #KEYS / 4 do
  local lock, more, sent, accepted = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local message, look = ARGV[2 * i + 1], ARGV[2 * i + 2]
  if look == '1' and redis.call('sismember', sent, message) == 1 then
    answers[i] = {2}
  elseif redis.call('set', lock, ARGV[1], 'NX', 'PX', ARGV[2]) then
    answers[i] = {1, redis.call('hgetall', accepted)}
  else
    redis.call('sadd', more, message)
    redis.call('pexpire', more, ARGV[2])
    answers[i] = {0}
  end
end
return answers
"""

# KEYS as above. ARGV: token, ms, then per conversation the count of the messages it sent and
# their ids. Records them as sent (and forgets their acceptance notes), then releases each lock
# still holding our token; returns per conversation the messages other jobs left to us
# meanwhile (and forgets them).
_RELEASE = """
local lefts = {}
local at = 3
for i = 1, #KEYS / 4 do
  local lock, more, sent, accepted = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local count = tonumber(ARGV[at])
  if count > 0 then
    for j = at + 1, at + count do
      redis.call('sadd', sent, ARGV[j])
      redis.call('hdel', accepted, ARGV[j])
    end
    redis.call('pexpire', sent, ARGV[2])
  end
  at = at + count + 1
  if redis.call('get', lock) == ARGV[1] then
    redis.call('del', lock)
    lefts[i] = redis.call('smembers', more)
    redis.call('del', more)
  else
    lefts[i] = {}
  end
end
return lefts
"""

ACCEPTED_KEPT_MS = 24 * 3600 * 1000
"""How long acceptance notes outlive the last one written: far beyond any re-run of the job
(arq's after a crash, the reconcile cron's after a job timeout, a retry's backoff)."""


class Taken(enum.Enum):
    TAKEN = 1
    LEFT = 0
    """Another job holds the lock: the message is left to it."""
    SENT = 2
    """The message was sent lately (by another job's batch): nothing to do."""


class DeliveryLocks:
    """One job's holding of conversations' locks; each expires after ``ttl_ms`` (a job's longest run)."""

    def __init__(self, redis: Redis, ttl_ms: int) -> None:
        self._take = redis.register_script(_TAKE)  # EVALSHA: the script's text is not sent each time
        self._release = redis.register_script(_RELEASE)
        self._ttl_ms = ttl_ms
        self._token = secrets.token_hex(8)

    async def take(self, asks: Sequence[tuple[int, int, bool]]) -> list[tuple[Taken, dict[int, str]]]:
        """For each (conversation, message id, unless sent): take the conversation's lock, or leave
        the message to the job holding it; when asked, neither if the message was sent lately.
        With each lock taken, the notes of messages a provider accepted whose outcome no run
        recorded (message id -> note, as :func:`note_accepted` wrote it)."""
        keys: list[str] = []
        arguments: list[str | int] = [self._token, self._ttl_ms]
        for conversation_id, message_id, unless_sent in asks:
            keys.extend(_keys(conversation_id))
            arguments.extend((message_id, "1" if unless_sent else "0"))
        answers = await self._take(keys, arguments)
        return [(Taken(int(answer[0])), _notes(answer[1] if len(answer) > 1 else [])) for answer in answers]

    async def release(self, held: Sequence[tuple[int, Collection[int]]]) -> list[set[int]]:
        """For each (conversation, messages committed as sent): record them (and forget their
        acceptance notes) and release the lock if still ours; per conversation, the messages
        other jobs left to us while we held it."""
        keys: list[str] = []
        arguments: list[str | int] = [self._token, self._ttl_ms]
        for conversation_id, sent in held:
            keys.extend(_keys(conversation_id))
            arguments.extend((len(sent), *sent))
        lefts = await self._release(keys, arguments)
        return [{int(message_id) for message_id in left} for left in lefts]


async def note_accepted(redis: Redis, notes: Mapping[int, Mapping[int, str]]) -> None:
    """Providers accepted these messages (conversation -> message id -> note): a run that finds
    their outcome unrecorded records them from the notes instead of sending them again
    (:meth:`DeliveryLocks.take` reads them). One round trip for all."""
    async with redis.pipeline(transaction=False) as pipe:
        for conversation_id, accepted in notes.items():
            key = redis_keys.delivery_accepted(conversation_id)
            pipe.hset(key, mapping={str(message_id): note for message_id, note in accepted.items()})
            pipe.pexpire(key, ACCEPTED_KEPT_MS)
        await pipe.execute()


def _notes(flat: Sequence[bytes | str]) -> dict[int, str]:
    """HGETALL's answer (field, value, field, value, …) as message id -> note."""
    text = [item.decode() if isinstance(item, bytes) else item for item in flat]
    return {int(field): value for field, value in zip(text[::2], text[1::2], strict=True)}


def _keys(conversation_id: int) -> tuple[str, str, str, str]:
    return (
        redis_keys.delivery_lock(conversation_id),
        redis_keys.delivery_more(conversation_id),
        redis_keys.delivery_sent(conversation_id),
        redis_keys.delivery_accepted(conversation_id),
    )
