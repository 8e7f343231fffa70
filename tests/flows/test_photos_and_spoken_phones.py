"""A photo mentioned is not the place nor a customer "prepared with the regulations", and how to send
one is answered; a phone said digit by digit with 幺 for one is read, or asked again as a mobile
a digit short (h5 report N3, N9)."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def at_the_place_question(chat: Chat) -> Chat:
    chat.send("小区的健身器材生锈了")
    chat.send("13900007011")
    assert chat.state is State.AWAIT_AREA
    return chat


@pytest.mark.parametrize("answer", ["我有照片", "我拍了照片", "[图片]", "I have a photo"])
def test_a_photo_mentioned_at_the_place_question_is_not_the_place(chat: Chat, answer: str) -> None:
    at_the_place_question(chat).send(answer)
    assert chat.data.area is None
    step = chat.send("阳光花园广场")
    assert chat.data.area == "阳光花园广场" and "地点：阳光花园广场" in chat.texts(step)


def test_a_photo_taken_is_not_being_prepared_with_the_regulations(chat: Chat) -> None:
    step = at_the_place_question(chat).send("我拍了照片")
    assert PhraseId.PREPARED_ACKNOWLEDGE.value not in chat.phrase_ids(step)
    assert "规定" not in chat.texts(step)


def test_how_to_send_a_photo_is_answered_after_the_hand_off(chat: Chat) -> None:
    at_the_place_question(chat).send("阳光花园3栋")
    chat.send("对")
    texts = chat.texts(chat.send("照片怎么发给你们"))
    assert "照片" in texts and "微信" in texts and "按钮" in texts


@pytest.mark.parametrize("phone", ["幺三九零零零七零幺三", "幺三八 零零零六 零零二"])
def test_a_spoken_phone_one_digit_short_is_answered_as_a_digit_short(chat: Chat, phone: str) -> None:
    chat.send("楼下麻将馆太吵")
    step = chat.send(phone)
    assert chat.phrase_ids(step) == [PhraseId.PHONE_DIGIT_SHORT.value]
    assert phone not in chat.data.description


def test_a_spoken_phone_with_yao_is_the_phone(chat: Chat) -> None:
    chat.send("楼下麻将馆太吵")
    chat.send("幺三九零零零七零幺三三")
    assert chat.data.phone == "13900070133" and chat.state is State.AWAIT_AREA
