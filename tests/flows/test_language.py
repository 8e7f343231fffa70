"""The bot answers in the language the customer writes in, and keeps to it (issue 12, item 8)."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started, Step, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def said(engine: ConversationEngine, phrase: PhraseId, locale: str) -> str:
    return engine.phrases.render(phrase, locale)


def switches(step: Step) -> list[dict[str, object]]:
    return [audit.detail for audit in step.audit if audit.kind is TimelineKind.LOCALE_SWITCHED]


def test_an_english_message_in_a_chinese_session_is_answered_in_english_from_then_on(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("The street light outside my building has been broken for a week")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.texts(step) == "\n".join(
        said(engine, phrase, "en") for phrase in (PhraseId.DESCRIPTION_RECORDED, PhraseId.ASK_PHONE)
    )
    assert step.locale == "en" and switches(step) == [{"from": "zh-CN", "to": "en"}]
    prompt = chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    assert chat.texts(prompt) == said(engine, PhraseId.IDLE_PROMPT, "en")
    assert prompt.locale is None


def test_a_chinese_message_switches_back(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("The elevator in my building is broken")
    step = chat.send("我的电话是13800138000")
    assert chat.texts(step) == said(engine, PhraseId.ASK_AREA, "zh-CN")
    assert step.locale == "zh-CN" and switches(step) == [{"from": "en", "to": "zh-CN"}]


@pytest.mark.parametrize("short", ["ok", "123", "13800138000"])
def test_a_message_too_short_to_tell_keeps_the_language(engine: ConversationEngine, short: str) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("The elevator in my building is broken")
    step = chat.send(short)
    assert step.locale is None and switches(step) == []
    assert chat.locale == "en"
    assert all(reply.text.isascii() for reply in step.replies)


def test_traditional_chinese_in_an_english_session_is_answered_in_traditional(engine: ConversationEngine) -> None:
    """The zh-CN phrases, character for character in the script the customer writes."""
    chat = Chat(engine, locale="en")
    chat.send(Started())
    step = chat.send("我家樓下的路燈壞了一個星期")
    recorded = OpenCC("s2tw").convert(said(engine, PhraseId.DESCRIPTION_RECORDED, "zh-CN"))
    assert recorded != said(engine, PhraseId.DESCRIPTION_RECORDED, "zh-CN")
    assert chat.texts(step).startswith(recorded)
    assert step.locale == "zh-CN" and switches(step) == [{"from": "en", "to": "zh-CN"}]
    # A short answer keeps the script; a message in simplified characters brings it back.
    step = chat.send("好")
    assert chat.texts(step) == OpenCC("s2tw").convert(chat.texts(step))
    chat.wait(61)  # more of the problem within a minute is recorded without a reply
    step = chat.send("我家楼下的路灯坏了一个星期")
    assert chat.texts(step).startswith(said(engine, PhraseId.DESCRIPTION_RECORDED, "zh-CN"))


def test_the_same_language_records_no_switch(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("我家楼下的路灯坏了一个星期")
    assert step.locale is None and switches(step) == []


@pytest.mark.parametrize("mixed", ["我的WiFi router TP-LINK坏了", "<img src=x onerror=alert(1)> 电梯坏了"])
def test_english_words_in_a_chinese_message_keep_the_conversation_chinese(
    engine: ConversationEngine, mixed: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(mixed)
    assert step.locale is None and switches(step) == []
    assert chat.texts(step).endswith(said(engine, PhraseId.ASK_PHONE, "zh-CN"))


def test_chinese_words_in_an_english_message_keep_the_conversation_english(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    step = chat.send("The street light near 阳光花园 building 3 is broken")
    assert step.locale is None and switches(step) == []
    assert chat.texts(step).endswith(said(engine, PhraseId.ASK_PHONE, "en"))


def test_the_choices_offered_are_in_the_customers_language(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("The lift in building 5 has been broken for three days")
    chat.send("13912345678")
    restated = chat.send("Sunshine Garden building 5")
    confirm = restated.replies[-1]
    assert [(option.label, option.value) for option in confirm.options] == [("yes", "yes"), ("no", "no")]
    choose = chat.send(confirm.options[1].value)  # the "no" button, pressed
    assert [option.label for option in choose.replies[-1].options] == ["Description", "Contact phone", "Address/area"]

    chinese = Chat(engine)
    chinese.send(Started())
    chinese.send("5号楼电梯坏了三天了")
    chinese.send("13912345678")
    confirm = chinese.send("阳光花园5栋").replies[-1]
    assert [option.label for option in confirm.options] == ["对", "不对"]
    done = chinese.send(confirm.options[0].value)
    assert done.complaint is not None


def test_a_bare_taiwan_mobile_in_a_traditional_conversation_is_taken(conversation_engine: ConversationEngine) -> None:
    """"0912345678" has no characters to tell its script: the conversation's traditional Chinese
    says it may be a Taiwan, Hong Kong or Macao number, as "電話0912345678" was already taken."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("樓道的燈壞了一個星期，晚上很黑")
    assert chat.data.traditional
    step = chat.send("0912345678")
    assert "invalid_phone" not in chat.phrase_ids(step)
    assert chat.data.phone == "+886912345678"


def test_a_place_in_chinese_is_an_answer_not_a_change_of_language(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("The street light outside my building is broken")
    chat.send("13912345678")
    step = chat.send("阳光花园3栋")
    assert chat.locale == "en" and "Place: 阳光花园3栋" in chat.texts(step)


@pytest.mark.parametrize("words", ["my phone 186 0000 1111", "ok thx"])
def test_a_few_english_words_keep_a_chinese_conversation_chinese(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("小区电梯坏了三天了")
    chat.send(words)
    assert chat.locale == "zh-CN"


def test_the_restated_problem_is_said_back_in_the_customers_own_characters(
    conversation_engine: ConversationEngine,
) -> None:
    """Hong Kong writes 郁 (move) where a converter writes 鬱 (gloomy): the customer's own words
    are not converted; the phrase around them is."""
    chat = Chat(conversation_engine, locale="zh-CN")
    chat.send(Started())
    chat.send("部電梯成日唔郁 等好耐")
    chat.send("9123 4567")
    step = chat.send("太古城金殿閣12樓")
    restated = step.replies[0].text
    assert "部電梯成日唔郁 等好耐" in restated and "唔鬱" not in restated
    assert restated.startswith("我跟您確認一下")


def test_the_choices_offered_to_a_customer_writing_traditional_are_in_traditional(
    conversation_engine: ConversationEngine,
) -> None:
    """Under "請回復“對”", the buttons say and send 對 / 不對, as the customer writes; pressed, 對 confirms."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("停車場閘門壞了 電話13300000007 陽光花園7棟")
    confirm = step.replies[-1]
    assert "請回復“對”" in confirm.text
    assert [(option.label, option.value) for option in confirm.options] == [("對", "對"), ("不對", "不對")]
    assert chat.send(confirm.options[0].value).complaint is not None


@pytest.mark.parametrize(
    "messages",
    [
        ["停車場閘門壞了 電話13300000007", "台中市西屯區台灣大道三段99號"],
        ["停車場閘門壞了", "台中市西屯區台灣大道三段99號", "13300000007"],
    ],
)
def test_the_customers_own_place_is_said_back_as_written(
    conversation_engine: ConversationEngine, messages: list[str]
) -> None:
    """台 stays 台: the place is not converted to simplified and back (臺中市…臺灣大道)."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
    assert "地點：台中市西屯區台灣大道三段99號" in chat.texts(step).splitlines()
    assert "臺" not in chat.texts(step)


@pytest.mark.parametrize(
    "complaint", ["收皮啦你哋 啲垃圾成日冇人收", "你哋啲保安成日唔喺度", "佢哋成日喺度嘈 搞到我瞓唔着"]
)
def test_a_cantonese_complaint_with_few_characters_of_either_script_is_answered_in_traditional(
    conversation_engine: ConversationEngine, complaint: str
) -> None:
    """Nothing but Cantonese words tells the script ("冇", "唔", "佢"): a customer writing
    Cantonese reads traditional characters, from the first reply to the restatement."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(complaint)
    assert chat.data.traditional
    assert "已記錄" in chat.texts(step) and "记录" not in chat.texts(step)
    chat.send("9123 4567")
    restated = chat.send("太古城15座")
    assert chat.texts(restated).startswith("我跟您確認一下")


def test_cantonese_words_alone_keep_a_customer_seen_writing_simplified_in_simplified(
    conversation_engine: ConversationEngine,
) -> None:
    """Guangdong writes Cantonese in simplified characters ("电梯坏咗三日"): a later message with
    nothing but Cantonese words to tell its script does not turn the replies traditional."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯坏咗三日 冇人理")
    assert not chat.data.traditional
    chat.wait(61)
    step = chat.send("佢哋成日喺度嘈 搞到我瞓唔着")
    assert not chat.data.traditional
    assert chat.texts(step) == OpenCC("t2s").convert(chat.texts(step))


@pytest.mark.parametrize(
    "messages",
    [
        ["我家在太古城金星閣15樓B室 楼上漏水"],
        ["楼上漏水 地址是太古城金星閣15樓B室"],
        ["楼上漏水", "我家地址是太古城金星閣15樓B室 电话91234567"],
    ],
)
def test_a_customer_writing_simplified_who_pastes_a_hong_kong_address_is_answered_in_simplified(
    conversation_engine: ConversationEngine, messages: list[str]
) -> None:
    """The address keeps the characters Hong Kong writes it in; the customer's own words (楼) are
    simplified, and so is every reply."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
    assert not chat.data.traditional
    if chat.state is not State.CONFIRMING:
        step = chat.send("9123 4567")
    assert chat.texts(step).startswith("我跟您确认一下")
    assert "问题：楼上漏水（工程维修）" in chat.texts(step).splitlines()


@pytest.mark.parametrize(
    "messages",
    [
        ["冇水呀"],
        ["太古城金星閣15樓B室 冇水呀"],
        ["部電梯成日唔郁 等好耐"],
        ["部電梯成日唔郁 等好耐", "冇水呀"],
        ["部電梯成日唔郁 等好耐", "太古城金星閣15樓B室"],
    ],
)
def test_a_hong_kong_customers_short_cantonese_is_answered_in_traditional(
    conversation_engine: ConversationEngine, messages: list[str]
) -> None:
    """Few characters of either script, or only the place's: the Cantonese words tell the replies'
    script, from the first reply to the restatement."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send(messages[0])
    assert "已記錄" in chat.texts(first)
    for message in messages[1:]:
        chat.wait(61)
        chat.send(message)
    assert chat.data.traditional
    if chat.state is not State.CONFIRMING:
        chat.send("9123 4567")
    if chat.state is not State.CONFIRMING:
        chat.send("太古城15座")
    assert chat.state is State.CONFIRMING
    assert chat.texts(chat.steps[-1]).startswith("我跟您確認一下")
