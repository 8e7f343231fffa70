"""Driving one conversation through the engine in memory, as the pipeline would: a helper for the flow tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.engine import ConversationEngine, ConversationSnapshot
from bot.flows.complaint import CustomerSaid, Event, Step, TimerFired
from bot.flows.data import FlowData, TimerKind
from bot.flows.records import CustomerView, State

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_2PM = dt.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI)


class Chat:
    """Drives one conversation through the engine, as the pipeline would."""

    def __init__(
        self,
        engine: ConversationEngine,
        customer: CustomerView | None = None,
        locale: str = "zh-CN",
        now: dt.datetime = MONDAY_2PM,
        owner: str = "bot",
    ) -> None:
        self.engine = engine
        self.customer = customer or CustomerView()
        self.locale = locale
        self.now = now
        self.owner = owner
        self.state = State.NEW
        self.data = FlowData()
        self.steps: list[Step] = []

    def send(self, event: Event | str) -> Step:
        if isinstance(event, str):
            event = CustomerSaid(event)
        snapshot = ConversationSnapshot(1, self.state, self.data, self.locale, self.owner, self.customer)
        step = self.engine.handle(snapshot, event, self.now)
        self.state, self.data = step.state, step.data
        if step.locale is not None:
            self.locale = step.locale
        self.steps.append(step)
        return step

    def wait(self, seconds: float) -> None:
        """Let time pass before the next event."""
        self.now += dt.timedelta(seconds=seconds)

    def texts(self, step: Step) -> str:
        return "\n".join(reply.text for reply in step.replies)

    def line(self, step: Step, start: str) -> str:
        """The reply line of ``step`` that starts with ``start`` ("问题：", "称呼：")."""
        return next(line for line in self.texts(step).splitlines() if line.startswith(start))

    def phrase_ids(self, step: Step) -> list[str | None]:
        return [reply.phrase_id for reply in step.replies]

    def timer(self, kind: TimerKind) -> TimerFired:
        return TimerFired(kind, self.data.timers[kind])


def restatement(chat: Chat, *messages: str) -> Step:
    """The step that restates, after ``messages`` and, when still asked, a phone and a place."""
    step = chat.steps[-1]
    for message in (*messages, "13800138000", "阳光花园3栋"):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(message)
    assert chat.state is State.CONFIRMING
    return step
