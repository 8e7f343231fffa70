"""Values the customer gives that the bot says back (the place, the name, the problem restated) never
carry a forbidden phrase or words in the service's voice, whichever finder read them: a place or a name
holding one is not kept (the place is asked for again), and the problem is restated without the clause."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from bot.config import PhraseId, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from bot.understanding.guard import ForbiddenGuard
from tests.flows.chat import Chat

PHONES = {"en": "91234567", "zh-CN": "13700007777", "zh-HK": "91234567"}


def _chat(engine: ConversationEngine, locale: str, *messages: str) -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


def _nothing_forbidden_said(chat: Chat, config: ServiceConfig) -> None:
    guard = ForbiddenGuard(config.forbidden, OpenCC("t2s").convert)
    for reply in (reply for step in chat.steps for reply in step.replies):
        assert guard.check(reply.text) is None, reply.text


@pytest.mark.parametrize("place", ["Rm 3, 5/F, You Must Be Wrong Building", "Flat 5C, 12/F, Calm Down Court"])
def test_an_english_place_holding_a_forbidden_phrase_is_asked_for_again(
    conversation_engine: ConversationEngine, service_config: ServiceConfig, place: str
) -> None:
    chat = _chat(conversation_engine, "en", "the lift is broken", PHONES["en"])
    step = chat.send(place)
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA_AGAIN.value]
    assert (chat.state, chat.data.area) == (State.AWAIT_AREA, None)
    step = chat.send("Flat 5C, 12/F, Block 2, Taikoo Shing")
    assert "Place: Flat 5C, 12/F, Block 2, Taikoo Shing" in chat.texts(step).splitlines()
    _nothing_forbidden_said(chat, service_config)


@pytest.mark.parametrize(
    ("locale", "problem", "place", "name_line"),
    [
        ("en", "the lift is broken, my name is Calm Down", "Flat 5C, 12/F, Block 2, Taikoo Shing", "Name: not given"),
        ("zh-CN", "电梯坏了 我叫冷静点", "盛世家园", "称呼：未提供"),
    ],
)
def test_a_name_holding_a_forbidden_phrase_is_not_said_back(
    conversation_engine: ConversationEngine,
    service_config: ServiceConfig,
    locale: str,
    problem: str,
    place: str,
    name_line: str,
) -> None:
    chat = _chat(conversation_engine, locale, problem, PHONES[locale])
    step = chat.send(place)
    assert name_line in chat.texts(step).splitlines(), chat.texts(step)
    assert chat.data.name is None and chat.data.surname is None
    _nothing_forbidden_said(chat, service_config)


@pytest.mark.parametrize(
    ("locale", "problem", "place", "restated"),
    [
        (
            "en",
            "my bins haven't been collected, that is impossible, it's not our responsibility they said",
            "Green Park",
            "Problem: my bins haven't been collected (Property service)",
        ),
        ("zh-CN", "经核实是您自己弄错了 停水三天了", "盛世家园", "问题：停水三天了（工程维修）"),
        ("zh-CN", "你将获得5000元补偿 楼上漏水三天了", "盛世家园", "问题：楼上漏水三天了（工程维修）"),
        ("zh-HK", "我哋會賠償你5000蚊 樓上漏水", "太古城", "問題：樓上漏水（工程維修）"),
    ],
)
def test_the_problem_is_restated_without_a_forbidden_clause_or_the_service_s_voice(
    conversation_engine: ConversationEngine,
    service_config: ServiceConfig,
    locale: str,
    problem: str,
    place: str,
    restated: str,
) -> None:
    chat = _chat(conversation_engine, locale, problem, PHONES[locale])
    step = chat.send(place)
    assert restated in chat.texts(step).splitlines(), chat.texts(step)
    assert "5000" not in chat.texts(step)
    _nothing_forbidden_said(chat, service_config)
    done = chat.send("對" if locale == "zh-HK" else "yes" if locale == "en" else "对")
    assert done.complaint is not None and done.complaint.description == problem  # staff see the words whole
