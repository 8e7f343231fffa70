"""A menu button reaches the engine as what it asks (``CustomerSaid.menu``), whatever its text
says: the text is only for the staff to read."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.messages import MenuAction, MenuChoice, MessageKind
from bot.flows.complaint import CustomerSaid, Started
from tests.flows.chat import Chat

STATUS = MenuChoice(MenuAction.STATUS)
HOURS = MenuChoice(MenuAction.FAQ, "business_hours")


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def pressed(choice: MenuChoice | None, text: str = "[menu] faq:business_hours") -> CustomerSaid:
    return CustomerSaid(text, kind=MessageKind.MENU, menu=choice)


def test_the_button_pressed_is_answered_not_the_text_it_is_shown_with(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    step = chat.send(pressed(STATUS))  # shown as the FAQ button: the status is what it asks
    assert chat.phrase_ids(step)[-1] == "status_no_case" and "faq:business_hours" not in chat.phrase_ids(step)
    step = chat.send(pressed(HOURS, text="查询进度"))
    assert chat.phrase_ids(step) == ["faq:business_hours", "anything_else"]


def test_a_button_that_asks_nothing_opens_the_conversation(engine: ConversationEngine) -> None:
    greeted = Chat(engine)
    greeting = greeted.phrase_ids(greeted.send(Started()))
    for choice in (MenuChoice(MenuAction.OPEN), None):
        chat = Chat(engine)
        assert chat.phrase_ids(chat.send(pressed(choice, text="[menu] status"))) == greeting
