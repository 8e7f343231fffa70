"""The phone question answered with "I gave it already" ("我电话不是给过你们了吗", "还是那个号码",
"same number as before"): a number known for the customer is taken and said back, masked when the
customer did not type it here; none known, the bot says so and asks once more. The words are never
part of the problem."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat, restatement

GARBAGE = "楼下垃圾堆了三天了臭死了"
GARBAGE_EN = "The rubbish downstairs has been piling up for three days and it stinks"


@pytest.mark.parametrize(
    ("locale", "problem", "given"),
    [
        ("zh-CN", GARBAGE, "我电话不是给过你们了吗"),
        ("zh-CN", GARBAGE, "上次留过了"),
        ("zh-CN", GARBAGE, "你们有我电话啊"),
        ("zh-CN", GARBAGE, "还是那个号码"),
        ("zh-CN", GARBAGE, "就是我上次留的那个"),
        ("zh-CN", GARBAGE, "我電話唔係俾咗你哋咩"),
        ("en", GARBAGE_EN, "I already gave you my number"),
        ("en", GARBAGE_EN, "same number as before"),
    ],
)
def test_no_number_known_the_bot_says_so_and_asks_once_more(
    conversation_engine: ConversationEngine, locale: str, problem: str, given: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(problem)
    step = chat.send(given)
    assert chat.phrase_ids(step) == ["phone_not_known"] and chat.state is State.AWAIT_PHONE
    assert chat.data.description == [problem]
    restated = restatement(chat)
    assert problem in chat.texts(restated) and given not in chat.texts(restated)


def test_said_again_the_question_says_how_to_decline_then_it_is_not_asked(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(GARBAGE)
    assert chat.phrase_ids(chat.send("上次留过了")) == ["phone_not_known"]
    assert chat.phrase_ids(chat.send("我电话不是给过你们了吗")) == ["ask_phone_again"]
    step = chat.send("你们有我电话啊")
    assert chat.phrase_ids(step) == ["phone_not_needed", "ask_area"]
    assert chat.data.description == [GARBAGE]


def test_the_number_on_the_customer_record_is_taken_and_said_back_masked(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(GARBAGE)
    # The customer's record got a number meanwhile (a case filed from another channel).
    chat.customer = CustomerView(phone="13912345678")
    step = chat.send("你们有我电话啊")
    assert chat.phrase_ids(step) == ["contact_noted", "ask_area"]
    assert "139****5678" in chat.texts(step) and "13912345678" not in chat.texts(step)
    restated = restatement(chat, "阳光花园3栋")
    assert chat.line(restated, "电话：") == "电话：139****5678"
    assert chat.line(restated, "问题：") == "问题：楼下垃圾堆了三天了臭死了（物业服务）"


def test_the_channel_s_number_put_aside_for_another_is_taken_back(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13912345678", phone_vouched=True))
    chat.send(GARBAGE)
    assert chat.phrase_ids(chat.send("等一下 我换个号码")) == ["ask_phone_number"]
    step = chat.send("还是那个号码")
    assert chat.phrase_ids(step) == ["contact_noted", "ask_area"] and "139****5678" in chat.texts(step)
    restated = restatement(chat, "阳光花园3栋")
    assert chat.line(restated, "电话：") == "电话：139****5678"
    assert chat.data.alternative_phone is None and chat.data.description == [GARBAGE]


@pytest.mark.parametrize(
    ("locale", "problem", "phone", "given", "area"),
    [
        ("zh-CN", GARBAGE, "13912345678", "就用原来的号码吧", "阳光花园3栋"),
        ("en", GARBAGE_EN, "13912345678", "same number as before", "Green Park block 2"),
    ],
)
def test_a_typed_number_put_aside_for_another_is_taken_back_whole(
    conversation_engine: ConversationEngine, locale: str, problem: str, phone: str, given: str, area: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(problem)
    chat.send(phone)
    change = "wait, I'll use a different number" if locale == "en" else "等一下 我换个号码"
    assert chat.phrase_ids(chat.send(change)) == ["ask_phone_number"]
    step = chat.send(given)
    assert chat.phrase_ids(step) == ["contact_noted", "ask_area"] and phone in chat.texts(step)
    chat.send(area)
    assert chat.state is State.CONFIRMING
    assert chat.data.phone == phone and chat.data.alternative_phone is None
    assert chat.data.description == [problem]


def test_a_number_given_with_the_words_is_the_number(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(GARBAGE)
    step = chat.send("上次留过了 13812345678")
    assert chat.phrase_ids(step) == ["ask_area"] and chat.data.phone == "13812345678"


def test_the_old_number_out_of_service_is_not_taken(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13912345678", phone_vouched=True))
    chat.send(GARBAGE)
    chat.send("等一下 我换个号码")
    step = chat.send("上次留的那个号码停机了")
    assert "phone_not_known" not in chat.phrase_ids(step) and "contact_noted" not in chat.phrase_ids(step)
