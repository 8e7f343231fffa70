"""One customer's long text costs the thread every conversation shares about what a few ordinary
messages cost (penetration test: 2,000 random characters of 漏水电梯坏了，。！我不知道 held every other
customer up for a second, the restatement's problem reading each of its hundreds of clauses several
times over)."""

from __future__ import annotations

import random

import pytest

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.core.messages import as_read
from bot.flows.complaint import Started
from tests.cpu_time import cpu_seconds
from tests.flows.chat import Chat

_ALPHABET = "漏水电梯坏了，，，。。！！  我不知道"
_MOST_TIMES_AN_ORDINARY_MESSAGE = 25
"""Generous: it was 60-100 times before, 6-10 times since."""


def _random_text(seed: int, length: int) -> str:
    chosen = random.Random(seed)
    return "".join(chosen.choice(_ALPHABET) for _ in range(length))


def _cost(engine: ConversationEngine, text: str) -> float:
    chat = Chat(engine)
    chat.send(Started())
    return cpu_seconds(lambda: chat.send(text))


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("length", [2000, 20000])
def test_a_long_random_text_costs_about_what_an_ordinary_complaint_does(
    conversation_engine: ConversationEngine, service_config: ServiceConfig, seed: int, length: int
) -> None:
    channels = service_config.channels
    # As the pipeline gives it to the engine: a text past the head and tail read by those only.
    text = as_read(_random_text(seed, length), channels.understood_head_chars, channels.understood_tail_chars)
    _cost(conversation_engine, text)  # anything loaded once per process is loaded
    ordinary = min(_cost(conversation_engine, "电梯坏了三天了 没人来修 阳光花园3栋 13800138000") for _ in range(3))
    long = min(_cost(conversation_engine, text) for _ in range(2))
    assert long < _MOST_TIMES_AN_ORDINARY_MESSAGE * ordinary, (long, ordinary)


def test_the_problem_of_a_long_text_is_still_said_back(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("电梯坏了三天了，" + _random_text(6, 2000))
    assert "电梯坏了三天了" in chat.texts(step) or "电梯坏了三天了" in (
        step.complaint.problem if step.complaint is not None and step.complaint.problem else ""
    )
