"""Answers to the place question a tester played as customers: what is no place is not restated as
one, and the place is restated whole (the words saying where they live left out, a road named after
a place kept, a village's 组 kept, the flat with the problem rather than the neighbour's)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from tests.flows.chat import Chat


def restated_line(chat: Chat, label: str) -> str:
    """The line starting with ``label`` of the latest restatement (a phone bill is restated without
    its place asked: the answer saying there is none then answers the restatement)."""
    for step in reversed(chat.steps):
        said = [line for line in chat.texts(step).splitlines() if line.startswith(label)]
        if said:
            return said[0]
    raise AssertionError(f"no {label} line said")


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        ("去香港出差三天 回来发现扣了800多漫游费 我明明开了流量包的", "不需要地址 是话费问题"),
        ("手机欠费停机了 可我上周刚充了100块 到现在都没恢复", "我在外地出差 急用"),
    ],
)
def test_an_answer_saying_there_is_no_place_is_no_place(chat: Chat, problem: str, answer: str) -> None:
    chat.send(problem)
    chat.send("15800001111")
    chat.send(answer)
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "地点：") == "地点：未提供"
    assert chat.data.area is None


def test_an_sms_customer_away_from_home_gives_no_place(conversation_engine: ConversationEngine) -> None:
    sms = Chat(conversation_engine)
    sms.send(CustomerSaid("手机欠费停机了 可我上周刚充了100块 到现在都没恢复", sender_phone="13912345604"))
    sms.send(CustomerSaid("我在外地出差 急用", sender_phone="13912345604"))
    assert restated_line(sms, "地点：") == "地点：未提供"


def test_the_words_saying_where_they_live_are_not_the_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("my SIM card stopped working yesterday")
    chat.send("13812341005")
    chat.send("I live in Sunshine Garden block 5")
    assert restated_line(chat, "Place:") == "Place: Sunshine Garden block 5"


def test_the_flat_with_the_problem_after_the_neighbours_own_is_the_place(chat: Chat) -> None:
    chat.send("我是隔壁邻居 帮对门的老太太说一下 她家网络电视看不了两个礼拜了 她不会打电话")
    chat.send("她没手机 你们联系我吧 我叫李红 电话159 1234 0306")
    chat.send("幸福小区4栋302 老太太是301")
    assert restated_line(chat, "地点：") == "地点：幸福小区4栋301"


def test_a_road_named_after_a_place_is_kept_whole_and_out_of_the_problem(chat: Chat) -> None:
    chat.send(
        "你好 我住在台中市西屯區台灣大道三段99號8樓 我的手機門號0912-111-222 這個月帳單多扣了我1500元 說是國際漫遊"
    )
    assert restated_line(chat, "地點：") == "地點：台中市西屯區台灣大道三段99號8樓"
    problem = restated_line(chat, "問題：")
    assert problem.startswith("問題：這個月帳單多扣了我1500元") and "台灣" not in problem and "門號" not in problem


def test_a_villages_group_is_part_of_the_place(chat: Chat) -> None:
    chat.send("我们村信号太差了 全村都没有4G信号")
    chat.send("13812340602")
    chat.send("湖南省邵阳市隆回县六都寨镇白竹村3组")
    assert restated_line(chat, "地点：").endswith("白竹村3组")
