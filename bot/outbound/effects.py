"""What a committed transaction leaves to do, and the interface of the one place that does it.

Every writer (the pipeline, the staff API, the promise tracker's jobs, the queue announcer) stores
its rows in one transaction and returns an :class:`Effects`; after the commit it hands that to
:meth:`Dispatcher.commit` (the outbound gateway, ``bot/outbound/gateway.py``), which carries them out in
one order. The types here sit below everything that produces or consumes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.core import redis_keys
from bot.core.messages import Option, Sender
from bot.core.staff_event import StaffEvent
from bot.flows.complaint import TimerKind
from bot.promises.timers import CaseTimerKind


@dataclass(frozen=True, slots=True)
class Delivery:
    """A stored message to hand to the outbound gateway after its transaction committed."""

    message_id: int
    conversation_id: int
    identity_id: int
    channel: str
    sender: Sender
    text: str
    created_at: dt.datetime
    provider_message_id: str | None = None
    in_reply_to: int | None = None
    """The inbound message whose processing produced this reply, if any."""
    # issue 12 item 9 (callback)
    options: tuple[Option, ...] = ()
    """Choices offered with the text: buttons where the channel has them."""
    options_text: str = ""
    """The choices as numbered text, for channels without buttons."""
    # issue 13 item 1 (metrics)
    received_at: dt.datetime | None = None
    """When the customer's message this answers was stored: the reply latency's start."""
    # issue 15 (photos)
    media: tuple[str, ...] = ()
    """The ids of the photos the message carries: their links go in its web chat frame."""
    closes: bool = False
    """The message ended its conversation (the bot closed it): the web chat frame says so."""


@dataclass(frozen=True, slots=True)
class TimerSchedule:
    conversation_id: int
    kind: TimerKind | CaseTimerKind
    token: int
    due_at: dt.datetime


def due_times(timers: Sequence[TimerSchedule]) -> dict[str, float]:
    """The armed timers' members of the due set (``redis_keys.DUE_TIMERS``) and their due times."""
    return {
        redis_keys.timer_member(timer.conversation_id, timer.kind.value, timer.token): timer.due_at.timestamp()
        for timer in timers
    }


@dataclass(slots=True)
class Effects:
    """What to do once a transaction committed."""

    deliveries: list[Delivery] = field(default_factory=list)
    """Stored outbound messages to send (web chat sockets, provider delivery jobs)."""
    timers: list[TimerSchedule] = field(default_factory=list)
    """Timer rows written, to arm in Redis."""
    staff_events: list[StaffEvent] = field(default_factory=list)
    """Refetch hints for the staff consoles."""
    queue_changed: list[int] = field(default_factory=list)
    """Conversations whose handoff tickets changed: the live queue re-reads them."""
    # issue 13 item 1 (metrics)
    fallback_categories: int = 0
    """Complaints promised with the fallback category (nothing understood pointed at one)."""


class Dispatcher(Protocol):
    """Where committed effects go; the app and the worker each give their own."""

    async def commit(self, effects: Effects) -> None:
        """Carry out ``effects`` after their transaction committed: the live queue re-reads the
        changed conversations, then messages are sent, timers armed and staff events published."""
        ...

    async def deliver(self, deliveries: Sequence[Delivery]) -> None: ...

    def status_on_commit(self, channel: str) -> str:
        """The delivery status an outbound message of ``channel`` is stored with."""
        ...
