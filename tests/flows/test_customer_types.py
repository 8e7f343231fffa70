"""Difficult customer types in conversation (issue 12 item 6, seed 000 五(二)): emotional customers
get empathy first in any language; prepared customers (有备而来) get their knowledge acknowledged
and a careful promise."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat

OUTCOME_PROMISES = ("满意", "一定", "保证", "satisf", "guarantee", "definitely")
"""Words that promise an outcome, not a process: a prepared customer is promised nothing lightly."""
TO_TRADITIONAL = OpenCC("s2tw").convert
TO_SIMPLIFIED = OpenCC("t2s").convert


def shown(engine: ConversationEngine, phrase_id: PhraseId, script: str) -> str:
    """The phrase as the customer reads it: ``script`` is zh-CN, en, or zh-TW (traditional
    characters, from the zh-CN book)."""
    text = engine.phrases.render(phrase_id, "en" if script == "en" else "zh-CN")
    return TO_TRADITIONAL(text) if script == "zh-TW" else text


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("气死我了，我家楼上漏水一个星期了，你们到底管不管", "zh-CN"),
        ("氣死我了，我家樓上漏水一個星期了，你們到底管不管", "zh-TW"),  # the zh-CN book, in traditional characters
        ("This is ridiculous, I am furious, nobody fixed the leak for a week!", "en"),
    ],
)
def test_an_emotional_first_message_is_greeted_then_met_with_empathy(
    conversation_engine: ConversationEngine, text: str, locale: str
) -> None:
    """Seed 000 五(二)1 感情用事型: apologise, let them vent, then the facts; the same in
    simplified Chinese, traditional Chinese and English."""
    chat = Chat(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["greeting_opening", "empathy", "description_recorded", "ask_phone"]
    assert chat.locale == ("en" if locale == "en" else "zh-CN")
    assert step.replies[1].text == shown(conversation_engine, PhraseId.EMPATHY, locale)
    assert "emotional" in chat.data.signals


@pytest.mark.parametrize(
    "text", ["氣死我了，你們到底管不管", "This is ridiculous, I am furious, nobody fixed the leak for a week!"]
)
def test_emotion_mid_complaint_gets_empathy_in_traditional_and_english(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("路灯坏了")
    step = chat.send(text)  # instead of the phone asked for
    assert chat.phrase_ids(step)[0] == "empathy"


def _complete(chat: Chat, first: str, area: str, yes: str) -> tuple[Step, Step]:
    chat.send(Started())
    opening = chat.send(first)
    chat.send("13800138000")
    chat.send(area)
    return opening, chat.send(yes)


@pytest.mark.parametrize(
    ("text", "area", "yes", "locale"),
    [
        # seed 000 五(二)5 有备而来: knows consumer law, records the talk
        ("我已经录音了，根据消费者权益保护法，你们乱扣我的话费必须给个说法", "阳光花园3栋", "对", "zh-CN"),
        ("我有截圖和錄音，按照《物業管理條例》你們必須處理樓道的漏水", "陽光花園3棟", "對", "zh-TW"),
        (
            "I have recordings of every call, and under the consumer protection law you must correct my bill",
            "Sunny Garden 3",
            "yes",
            "en",
        ),
    ],
)
def test_a_prepared_customer_is_acknowledged_and_promised_carefully(
    conversation_engine: ConversationEngine, text: str, area: str, yes: str, locale: str
) -> None:
    chat = Chat(conversation_engine)
    opening, confirmed = _complete(chat, text, area, yes)
    # 称赞客户的专业知识,表示处理的诚意: after the greeting, before the facts
    assert chat.phrase_ids(opening)[:2] == ["prepared_acknowledge", "description_recorded"]
    assert opening.replies[0].text == shown(conversation_engine, PhraseId.PREPARED_ACKNOWLEDGE, locale)
    # 表示负责,但不要轻易承诺: the process and the reply time, graded complex, no outcome promised
    assert chat.state is State.HANDED_OFF
    assert confirmed.complaint is not None
    assert confirmed.complaint.grade == "complex" and "prepared" in confirmed.complaint.signals
    assert "promise_careful" in chat.phrase_ids(confirmed) and "promise" not in chat.phrase_ids(confirmed)
    said = TO_SIMPLIFIED("\n".join(chat.texts(step) for step in chat.steps))
    assert not any(word in said.lower() for word in OUTCOME_PROMISES), said


def test_a_prepared_and_angry_customer_hears_empathy_then_the_acknowledgement(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("太过分了！电梯坏了一个星期，我都录像了，按照物业管理条例你们必须修")
    assert chat.phrase_ids(step)[:3] == ["empathy", "prepared_acknowledge", "description_recorded"]


def test_a_prepared_customer_is_acknowledged_once_not_at_every_mention_of_the_law(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send("我都录像了，按照物业管理条例你们必须修电梯")
    again = chat.send("物业管理条例写得清清楚楚，电梯坏了必须24小时内修")
    assert "prepared_acknowledge" in chat.phrase_ids(first)
    assert "prepared_acknowledge" not in chat.phrase_ids(again)


@pytest.mark.parametrize(
    ("locale", "complaint"),
    [
        ("zh-CN", "你们那个保安态度太差了 还骂人 什么东西"),
        ("zh-CN", "你们客服电话打了十次都没人接 什么态度"),
        ("en", "Your security guard shouted at my kid"),
    ],
)
def test_a_complaint_about_how_our_staff_behaved_is_met_with_the_staff_error_apology(
    conversation_engine: ConversationEngine, locale: str, complaint: str
) -> None:
    """Seed 001 (9): the apology and the promise to report it truthfully to the supervisor,
    instead of the general empathy."""
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(complaint)
    assert chat.phrase_ids(step)[0] == "staff_error_apology"
    assert "empathy" not in chat.phrase_ids(step) and chat.state is State.AWAIT_PHONE


def test_the_staff_error_apology_is_said_mid_form_too(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯一个月坏三次")
    step = chat.send("你们客服电话打了十次都没人接 什么态度")
    assert chat.phrase_ids(step)[0] == "staff_error_apology"


def test_praise_of_staff_gets_no_apology(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("你们的保安态度很好")
    assert "staff_error_apology" not in chat.phrase_ids(step)
