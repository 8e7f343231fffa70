"""In a chat an agent holds, a customer who spoke of self-harm and then says nobody cares ("没人管我",
"根本没人理我", "算了 反正也没人在乎") hears care and the helpline, as where the bot holds the chat, never
silence; the message is on the timeline for the agent and the duty supervisors (told once, at the
self-harm), the agent keeping the chat. Before any talk of self-harm, or for other words, the held
chat stays the agent's to answer."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from tests.flows.held_cases import held

HELPLINE = "12356"


@pytest.mark.parametrize(
    ("locale", "harm", "alone"),
    [
        pytest.param(
            "zh-CN", "我真的不想活了 跳下去算了", ["没人管我", "根本没人理我", "算了 反正也没人在乎"], id="zh"
        ),
        pytest.param("en", "I don't want to live anymore", ["nobody cares about me", "no one cares"], id="en"),
    ],
)
def test_nobody_cares_after_talk_of_self_harm_hears_care_each_time(
    conversation_engine: ConversationEngine, locale: str, harm: str, alone: list[str]
) -> None:
    chat = held(conversation_engine, locale=locale)
    first = chat.send(harm)
    assert HELPLINE in chat.texts(first) and first.supervisor_told is not None
    said = [chat.phrase_ids(first)[0]]
    for message in alone:
        chat.wait(60)
        step = chat.send(message)
        assert len(step.replies) == 1 and HELPLINE in chat.texts(step)
        assert step.replies[0].phrase_id != said[-1]  # never the same words twice running
        said.append(step.replies[0].phrase_id)
        assert [event.kind for event in step.audit] == [TimelineKind.MESSAGE_AFTER_HANDOFF]
        assert step.supervisor_told is None and step.handoff is None  # the supervisors know; the agent keeps it
    assert set(said[1:]) <= {"self_harm_care", "queue_urgent_care", "urgent_waiting_care"}


def test_nobody_cares_without_talk_of_self_harm_is_the_agent_s_to_answer(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    for message in ("没人管我", "根本没人理我"):
        chat.wait(60)
        step = chat.send(message)
        assert step.replies == [] and step.supervisor_told is None


def test_other_words_after_talk_of_self_harm_stay_the_agent_s(conversation_engine: ConversationEngine) -> None:
    chat = held(conversation_engine)
    chat.send("我真的不想活了 跳下去算了")
    chat.wait(60)
    step = chat.send("谢谢")
    assert step.replies == [] and step.audit == []
