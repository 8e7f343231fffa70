"""A forbidden phrase in what the customer wrote: the restatement says the problem without it, never
the phrase, and never only the category when the problem was told."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from bot.config import PhraseId, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.understanding.guard import ForbiddenGuard
from tests.flows.chat import Chat


def restated_after(engine: ConversationEngine, message: str, locale: str = "zh-CN") -> tuple[Chat, str]:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(message)
    chat.send("13700007777")
    step = chat.send("盛世家园" if locale == "zh-CN" else "Green Park")
    return chat, next(reply.text for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("我不懂为什么这个月多收了200块垃圾清运费", "问题：这个月多收了200块垃圾清运费（收费类）"),
        (
            "前台跟我说我不知道 你去找开发商 这不是我们的责任 我家墙裂了好大一道缝",
            "问题：我家墙裂了好大一道缝（工程维修）",
        ),
        (
            "前台跟我说：我不知道，你去找开发商，这不是我们的责任。我家墙裂了好大一道缝",
            "问题：我家墙裂了好大一道缝（工程维修）",
        ),
        ("我不知道为什么又停水了", "问题：又停水了（工程维修）"),
    ],
)
def test_the_problem_is_restated_without_the_forbidden_words(
    conversation_engine: ConversationEngine, service_config: ServiceConfig, message: str, problem: str
) -> None:
    guard = ForbiddenGuard(service_config.forbidden, OpenCC("t2s").convert)
    assert guard.check(message) is not None
    chat, restated = restated_after(conversation_engine, message)
    assert problem in restated.splitlines(), restated
    for reply in (reply for step in chat.steps for reply in step.replies):
        assert guard.check(reply.text) is None, reply.text


def test_an_english_problem_is_restated_without_i_dont_know(
    conversation_engine: ConversationEngine, service_config: ServiceConfig
) -> None:
    guard = ForbiddenGuard(service_config.forbidden, OpenCC("t2s").convert)
    _, restated = restated_after(conversation_engine, "I don't know why my bill doubled this month", "en")
    assert "Problem: my bill doubled this month (Billing and charges)" in restated.splitlines(), restated
    assert guard.check(restated) is None


def test_the_case_keeps_the_customer_s_words_and_the_problem_s_category(
    conversation_engine: ConversationEngine,
) -> None:
    message = "前台跟我说我不知道 你去找开发商 这不是我们的责任 我家墙裂了好大一道缝"
    chat, _ = restated_after(conversation_engine, message)
    done = chat.send("对")
    assert done.complaint is not None
    assert (done.complaint.description, done.complaint.category) == (message, "engineering_repair")
