"""What is not the problem is not recorded as the problem: words about the customer or the chat,
a customer who cannot type (a call back offered), a goodbye half-way, and the problem asked for
again in other words, never the same text twice running."""

from __future__ import annotations

import itertools

import pytest

from bot.core.engine import ConversationEngine
from bot.core.messages import MessageKind
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.mark.parametrize("said", ["就是那个", "我是老人", "看图啊"])
def test_words_about_the_customer_are_not_recorded(conversation_engine: ConversationEngine, said: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(said)
    assert "description_recorded" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description


def test_the_problem_asked_again_is_never_the_same_text_twice(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    said = [chat.texts(chat.send(Started())).splitlines()[-1]]
    for text in ["你好", "？？？", "就是那个"]:
        said.append(chat.texts(chat.send(text)))
    assert all(before != after for before, after in itertools.pairwise(said))


def test_a_customer_who_cannot_type_is_offered_a_call_back(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("我不会打字 能发语音吗")
    assert chat.phrase_ids(step) == ["offer_call_back"] and not chat.data.description
    step = chat.send("13811114444")
    assert chat.phrase_ids(step) == ["call_back_promised"]
    assert chat.state is State.HANDED_OFF and step.handoff is not None


def test_the_place_is_not_typed_by_a_customer_who_cannot_type(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("家里停电了")
    chat.send("13811114444")
    step = chat.send("打字太慢了")
    assert chat.state is State.CONFIRMING and "restate" in chat.phrase_ids(step)
    assert "打字" not in chat.line(step, "问题：")


def test_a_goodbye_half_way_as_the_matter_is_being_fixed_is_heard(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("家里停电了")
    step = chat.send("哦 我刚下楼看了 师傅已经在修了 那就不用了 谢谢你啊 再见")
    assert chat.phrase_ids(step) == ["withdraw_confirm"]
    step = chat.send("对")
    assert chat.state is State.CLOSED and step.complaint is None


def test_a_voice_note_over_sms_gets_a_call_back(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("[语音]", sender_phone="13811114444"))
    assert chat.phrase_ids(step) == ["call_back_promised"] and chat.state is State.HANDED_OFF


def test_a_bill_is_not_asked_where(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("话费乱收费 上个月多扣了50块", sender_phone="13811114444"))
    assert "ask_area" not in chat.phrase_ids(step) and chat.state is State.CONFIRMING


def test_a_room_number_at_the_restatement_completes_the_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in ["我家楼道灯坏了", "13811114444", "阳光花园3栋"]:
        chat.send(text)
    step = chat.send("302")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋302室"


def test_an_unclear_answer_to_the_restatement_is_asked_in_other_words(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in ["我家楼道灯坏了", "13811114444"]:
        chat.send(text)
    restated = chat.send("阳光花园3栋")
    step = chat.send("嗯嗯嗯？")
    assert chat.texts(step) != chat.texts(restated).splitlines()[-1]


def test_photos_are_said_in_the_restatement_and_never_asked_for_twice_alike(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send(CustomerSaid("[image]", kind=MessageKind.IMAGE))
    second = chat.send(CustomerSaid("[image]", kind=MessageKind.IMAGE))
    assert chat.texts(first) != chat.texts(second)
    for text in ["我家楼道灯坏了", "13811114444"]:
        chat.send(text)
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：").endswith("（附照片2张）")
