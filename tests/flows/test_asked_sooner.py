"""A request to handle the problem sooner ("能不能今天就处理") is noted for the staff and said so
(``message_recorded``) whenever it comes: with the problem, on its own while the form is taken,
after the hand-off. The promised time still follows the standard."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from tests.flows.chat import Chat

PROBLEM = "下水道堵了 臭死了 能不能今天就处理"


def noted(chat: Chat) -> list[str]:
    return [
        str(event.detail.get("text"))
        for step in chat.steps
        for event in step.audit
        if event.kind is TimelineKind.CONSULTATION_ASKED
    ]


def test_a_problem_told_with_a_request_for_today_is_acknowledged_and_noted(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(PROBLEM)
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone"]
    assert noted(chat) == [PROBLEM]


def test_the_request_told_while_the_problem_is_heard_out_is_still_acknowledged(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("下水道堵了")
    chat.wait(5)
    step = chat.send("臭死了 能不能今天就处理")
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone"]


def test_after_the_hand_off_a_request_for_today_is_acknowledged_and_no_new_time_promised(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(PROBLEM)
    chat.send("13912345678")
    chat.send("阳光花园3栋")
    assert chat.send("对").complaint is not None
    chat.send("师傅来之前打我电话")  # acknowledged (handoff_ack): the next ordinary message would get nothing
    step = chat.send("能不能今天就处理啊")
    assert chat.phrase_ids(step) == ["message_recorded"]
    assert noted(chat)[-1] == "能不能今天就处理啊"
    assert step.complaint is None and not any(event.kind is TimelineKind.PROMISED for event in step.audit)
