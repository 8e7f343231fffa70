"""After a gas smell is handed to the duty supervisor and restated, more about the smell ("the smell is
strongest near the lift lobby") reads as an odour of the estate, another category: it is still the case's
matter, passed to its staff, never a second complaint taken down with the place asked for again."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def test_the_smell_told_again_stays_on_the_case(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    for message in ("gas smell in the corridor!!", "Block 1 Whampoa Garden", "91234567"):
        step = chat.send(message)
    assert chat.phrase_ids(step)[-1] == "restated_check"
    case_number = chat.data.case_number
    step = chat.send("the smell is strongest near the lift lobby")
    said = chat.phrase_ids(step)
    assert not {"another_problem_new_case", "description_recorded", "ask_area"} & set(said)
    assert step.complaint is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number


def test_another_thing_wrong_is_still_a_case_of_its_own(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    for message in ("gas smell in the corridor!!", "Block 1 Whampoa Garden", "91234567", "yes"):
        chat.send(message)
    step = chat.send("also the rubbish room hasnt been cleaned for a week")
    assert "another_problem_new_case" in chat.phrase_ids(step)
