"""A service taking Singapore's customers (``service.english_phone_regions``) reads a mobile an English-writing
customer gives without +65 ("my number is 9123 4567", "81234567") as Singapore's; a Chinese message's eight
digits stay a local landline, and without the setting nothing changes (Hong Kong's mobiles, as before)."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from bot.understanding.normalise import Converter
from bot.understanding.tokens import Dictionary
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.fixture(scope="module")
def singapore_engine(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> ConversationEngine:
    service = service_config.service.model_copy(update={"english_phone_regions": ["SG", "HK", "MO"]})
    config = service_config.model_copy(update={"service": service})
    understander = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    return ConversationEngine(config, understander)


def told(engine: ConversationEngine, locale: str, *messages: str) -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


@pytest.mark.parametrize("answer", ["my number is 9123 4567", "91234567", "my number is 81234567", "81234567"])
def test_a_singapore_mobile_without_its_country_code_is_the_phone(
    singapore_engine: ConversationEngine, answer: str
) -> None:
    chat = told(singapore_engine, "en", "the lift at Sunshine Garden block 3 is broken", answer)
    assert chat.state is State.CONFIRMING  # not asked again
    assert chat.data.phone is not None and chat.data.phone.startswith("+65")
    digits = "".join(char for char in answer if char.isdigit())
    assert digits in "".join(char for char in chat.line(chat.steps[-1], "Phone:") if char.isdigit())


def test_a_singapore_mobile_beside_the_problem_is_the_phone(singapore_engine: ConversationEngine) -> None:
    chat = told(singapore_engine, "en", "the lift at Sunshine Garden block 3 is broken, call me 81234567")
    assert chat.state is State.CONFIRMING
    assert chat.data.phone == "+6581234567"


def test_eight_digits_in_a_chinese_conversation_stay_a_local_landline(singapore_engine: ConversationEngine) -> None:
    chat = told(singapore_engine, "zh-CN", "阳光花园3栋电梯坏了", "电话88123456")
    assert chat.state is State.CONFIRMING
    assert chat.data.phone == "88123456"


def test_without_the_setting_eight_digits_in_english_are_as_before(conversation_engine: ConversationEngine) -> None:
    chat = told(conversation_engine, "en", "the lift at Sunshine Garden block 3 is broken", "my number is 9123 4567")
    assert chat.data.phone == "+85291234567"
