"""A long English message that first says whom it is for ("I'm writing on behalf of my elderly father who
lives at Flat 12A, …") and then what is wrong, too long to restate both, restates what is wrong: the
restated problem never holds only who the customer is and their age while the water heater is left out."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

LETTER = (
    "Hi, I'm writing on behalf of my elderly father who lives at Flat 12A, 15/F, Tower 1, Kornhill. The water "
    "heater in his flat stopped working 3 days ago and he has had cold showers since. He is 79. Please send "
    "someone ASAP. My number is 9123 4567."
)


def test_the_problem_is_restated(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send(LETTER)
    problem = chat.line(step, "Problem:")
    assert problem.startswith(
        "Problem: The water heater in his flat stopped working 3 days ago and he has had cold showers since"
    )
    assert "on behalf of" not in problem
    assert chat.line(step, "Place:") == "Place: Flat 12A, 15/F, Tower 1, Kornhill"
    assert chat.line(step, "Phone:") == "Phone: 9123 4567"


def test_a_short_story_before_the_problem_is_kept(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send("my dad is 82. the lift has been broken for 3 days. Block 6 Mei Foo Sun Chuen 9123 4567")
    assert (
        chat.line(step, "Problem:")
        == "Problem: my dad is 82, the lift has been broken for 3 days (Engineering and repairs)"
    )
