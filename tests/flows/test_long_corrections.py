"""A correction as long as SMS, Telegram and WeChat accept (20,000 characters) at the restatement
or after the hand-off is answered in bounded time, as its short self is, and a real correction
after a long run of noes still puts the place right. The engine runs in the one thread that stores
every customer's messages: 2,000 characters of "唔係" once cost 16 s there (what came before each
denial was understood again), stalling every other conversation
(bench/adversarial_corrections.py measures each stage)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.cpu_time import cpu_seconds
from tests.flows.chat import Chat

PROVIDER_LIMIT = 20_000
CPU_BOUND_S = 2.0
"""Generous: each takes under 0.6 s now, and took minutes before."""

PLACE = "阳光花园3栋21楼"


def repeated(token: str, size: int = PROVIDER_LIMIT) -> str:
    return (token * (size // len(token) + 1))[:size]


def at(engine: ConversationEngine, state: State) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("小区楼道的垃圾三天没人清理", "13800138000", PLACE):
        chat.send(message)
    if state is State.HANDED_OFF:
        chat.send("对")
    assert chat.state is state
    return chat


STAGES = [State.CONFIRMING, State.HANDED_OFF]
TOKENS = ["唔係", "不是", "not ", "不是的", "唔係係12樓", "是12楼不是"]


@pytest.mark.parametrize("state", STAGES, ids=lambda state: state.value)
@pytest.mark.parametrize("token", TOKENS)
def test_a_long_run_of_denials_is_answered_in_bounded_time_as_its_short_self(
    conversation_engine: ConversationEngine, state: State, token: str
) -> None:
    short = at(conversation_engine, state)
    expected = short.phrase_ids(short.send(token * 2))
    chat = at(conversation_engine, state)
    replies: list[list[str | None]] = []
    spent = cpu_seconds(lambda: replies.append(chat.phrase_ids(chat.send(repeated(token)))))
    assert spent < CPU_BOUND_S, f"{spent:.1f} s of CPU for {PROVIDER_LIMIT} characters of {token!r}"
    assert replies == [expected]


def test_a_place_put_right_after_a_long_run_of_noes_is_restated(conversation_engine: ConversationEngine) -> None:
    chat = at(conversation_engine, State.CONFIRMING)
    step = chat.send(repeated("不是", PROVIDER_LIMIT - 20) + " 是12楼不是21楼")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋12楼"


def test_a_place_put_right_after_the_hand_off_after_a_long_run_of_noes_is_corrected(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at(conversation_engine, State.HANDED_OFF)
    step = chat.send(repeated("不是", PROVIDER_LIMIT - 20) + " 是12楼不是21楼")
    assert "阳光花园3栋12楼" in chat.texts(step)
    assert step.contact is not None and step.contact.area == "阳光花园3栋12楼"


def test_another_problem_after_a_long_run_of_openers_is_a_case_of_its_own_in_bounded_time(
    conversation_engine: ConversationEngine,
) -> None:
    """A new problem after "另外另外…": each opener taken off reads only the text's next few
    characters again, not all that is left (26 s for 20,000 characters once)."""
    chat = at(conversation_engine, State.HANDED_OFF)
    problem = "小区门口的路灯坏了一个星期了"
    replies: list[list[str | None]] = []
    spent = cpu_seconds(
        lambda: replies.append(chat.phrase_ids(chat.send(repeated("另外", PROVIDER_LIMIT - 20) + " " + problem)))
    )
    assert spent < CPU_BOUND_S, f"{spent:.1f} s of CPU"
    assert replies == [["another_problem_new_case", "description_recorded", "ask_area"]]
    assert chat.data.description == [problem]
