"""Places and names as Chinese customers put them right or give them beside something else: a
part of the place put right after a bare denial ("不是 是11期") replaces that part, never the denial
kept in the place; a title said as how to be addressed ("叫我陈先生就行") is taken, nothing of the aside
kept in the problem; a district with the rest not remembered ("我住浦东 具体门牌不记得了") is the
place; "跟上次一样" after the hand-off is the place of the customer's earlier case."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


def restated(engine: ConversationEngine, problem: str, place: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(problem)
    restatement(chat, place, "13800138000")
    return chat


# --------------------------------------------------------------------------- a part of the place put right


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("不是 是11期", "阳光花园11期"),
        ("不是，是11期", "阳光花园11期"),
        ("不是是11期", "阳光花园11期"),
        ("唔係 係11期", "阳光花园11期"),
        ("唔係10期 係11期", "阳光花园11期"),
        ("不对，是12栋", "阳光花园10期12栋"),
        ("搞错了 是8号楼", "阳光花园10期8号楼"),
    ],
)
def test_a_part_of_the_place_put_right_at_the_restatement_replaces_that_part(
    conversation_engine: ConversationEngine, message: str, place: str
) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send(message)
    assert chat.state is State.CONFIRMING
    assert chat.data.area == place
    assert "不是" not in chat.texts(step)


def test_a_new_estate_after_a_bare_denial_replaces_the_whole_place(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send("不是 是金星阁5栋")
    assert chat.line(step, "地点：") == "地点：金星阁5栋"


def test_what_a_denial_names_is_never_taken_for_the_place(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send("不是11期")
    assert chat.data.area == "阳光花园10期"
    assert chat.phrase_ids(step) == ["confirm_question_again"]


def test_a_part_put_right_at_the_phone_question_is_the_place_not_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("阳光花园10期楼道灯坏了")
    assert chat.state is State.AWAIT_PHONE
    chat.send("不是 是11期")
    assert chat.data.area == "阳光花园11期"
    assert chat.data.description == ["阳光花园10期楼道灯坏了"]
