"""The conversation engine: one event for one conversation in, the next state and replies out.

It never knows which channel it serves and does no I/O; the pipeline loads the conversation,
calls :meth:`ConversationEngine.handle` and persists what comes back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.config import ServiceConfig
from bot.core.case_numbers import CASE_ALPHABET
from bot.core.phrases import Phrases, TraditionalScript
from bot.flows.complaint import ComplaintFlow, CustomerSaid, Event, Step
from bot.flows.data import FlowData
from bot.flows.deadline import BusinessCalendar
from bot.flows.records import CustomerView, State
from bot.understanding.understander import Understander

BOT_OWNER = "bot"


@dataclass(frozen=True, slots=True)
class ConversationSnapshot:
    """What the engine may know of a conversation: never its channel."""

    conversation_id: int
    state: State
    data: FlowData
    locale: str
    owner: str
    customer: CustomerView


class ConversationEngine:
    def __init__(
        self,
        config: ServiceConfig,
        understander: Understander | None = None,
        traditional: TraditionalScript | None = None,
    ) -> None:
        """``understander`` reads customers' messages and ``traditional`` shows replies in
        traditional characters; each is built when not given (loading the language tools takes
        about a second, so share them where you can)."""
        self.config = config
        self.phrases = Phrases(config)
        self.calendar = BusinessCalendar(config.calendar, ZoneInfo(config.service.timezone))
        self.understander = understander if understander is not None else Understander.from_config(config)
        self.flow = ComplaintFlow(config, self.phrases, self.calendar, self.new_case_number, self.understander)
        self.traditional = traditional if traditional is not None else TraditionalScript()

    def new_case_number(self, now: dt.datetime) -> str:
        """A case number customers can read out: prefix, local date and six unambiguous characters."""
        local_day = now.astimezone(self.calendar.timezone).strftime("%Y%m%d")
        suffix = "".join(secrets.choice(CASE_ALPHABET) for _ in range(6))
        return f"{self.config.service.case_prefix}{local_day}{suffix}"

    def handle(self, conversation: ConversationSnapshot, event: Event, now: dt.datetime) -> Step:
        """Run one event through the complaint flow.

        Once an agent owns the conversation the bot stays silent (the event is only recorded),
        but for answering a status question about the case.
        """
        locale = self.phrases.locale(conversation.locale)
        if conversation.owner != BOT_OWNER:
            return self._in_the_customers_script(
                self.flow.step_while_agent_owns(
                    conversation.state, conversation.data, event, conversation.customer, locale, now
                ),
                locale,
            )
        if isinstance(event, CustomerSaid):
            chosen = chosen_option(event.text, conversation.data.offered)
            if chosen is not None:
                event = dataclasses.replace(event, text=chosen, understood=None)
        step = self.flow.step(conversation.state, conversation.data, event, conversation.customer, locale, now)
        if step.replies or step.state is not conversation.state:
            last = step.replies[-1] if step.replies else None
            step.data.offered = tuple(option.value for option in last.options) if last is not None else ()
        return self._in_the_customers_script(step, locale)

    def _in_the_customers_script(self, step: Step, locale: str) -> Step:
        """Chinese replies shown in traditional characters to a customer who writes them."""
        if step.data.traditional and step.replies:
            step.replies = [self.traditional.reply(reply, step.locale or locale) for reply in step.replies]
        if step.data.traditional:
            # The timeline quotes what the customer was sent ("said"), in the script it was sent in.
            for event in step.audit:
                said = event.detail.get("said")
                if isinstance(said, str):
                    event.detail["said"] = self.traditional.text(said, step.locale or locale)
        return step


def chosen_option(text: str, offered: tuple[str, ...]) -> str | None:
    """The offered option a bare number picks ("2" for the second), as numbered text showed the
    options on channels without buttons; None for any other answer."""
    number = unicodedata.normalize("NFKC", text).strip().rstrip(".")
    if not offered or not number.isdigit() or not 1 <= int(number) <= len(offered):
        return None
    return offered[int(number) - 1]
