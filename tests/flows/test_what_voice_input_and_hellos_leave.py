"""Voice input's punctuation said as words ("…态度特别差逗号他今天还骂我了句号") is a pause in the restated
problem, never a word of it; "hello dear, …" restates the problem without the "dear"; a guard rude to a
child is a complaint of service attitude in English as in Chinese."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def _restated(chat: Chat, messages: list[str]) -> str:
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
    return chat.line(step, "问题：" if chat.locale != "en" else "Problem:")


@pytest.mark.parametrize(
    ("told", "said_back"),
    [
        (
            "喂你好我想投诉一下逗号就是我们小区那个保安态度特别差逗号他今天还骂我了句号",
            "保安态度特别差，他今天还骂我了",
        ),
        ("电梯坏了三天了句号物业也不管感叹号", "电梯坏了三天了"),
        ("電梯壞咗三日逗號好唔方便句號", "電梯壞咗三日"),
    ],
)
def test_spoken_punctuation_is_a_pause(conversation_engine: ConversationEngine, told: str, said_back: str) -> None:
    problem = _restated(Chat(conversation_engine), [told, "13901234567", "绿城桂花园十二幢"])
    assert said_back in problem
    assert not any(word in problem for word in ("逗号", "句号", "感叹号", "逗號", "句號"))


@pytest.mark.parametrize(
    "hello", ["hello dear, the hot water not working since 3 days", "hi sir, the hot water not working since 3 days"]
)
def test_a_hello_and_how_the_agent_is_called_are_not_the_problem(
    conversation_engine: ConversationEngine, hello: str
) -> None:
    problem = _restated(Chat(conversation_engine, locale="en"), [hello, "13866661234", "Vanke Park 3 building"])
    assert problem.startswith("Problem: the hot water")


def test_a_master_named_without_a_pause_stays_the_problem(conversation_engine: ConversationEngine) -> None:
    problem = _restated(Chat(conversation_engine), ["你好 师傅没来修", "13866661234", "万科星园"])
    assert "师傅没来修" in problem


@pytest.mark.parametrize(
    ("told", "locale", "category"),
    [
        ("the security guard was rude and shouted at my kid", "en", "(Service attitude)"),
        ("保安态度很差 还吼我孩子", "zh-CN", "（服务态度）"),
        ("the security guard let strangers into the building", "en", "(Property service)"),
    ],
)
def test_a_guard_rude_to_a_child_is_service_attitude_in_either_language(
    conversation_engine: ConversationEngine, told: str, locale: str, category: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    place = "Vanke Golden Town block 6" if locale == "en" else "万科金色家园6栋"
    assert _restated(chat, [told, "13812340055", place]).endswith(category)
