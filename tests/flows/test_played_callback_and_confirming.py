"""Found in play (web chat): what a customer tells beside a rating or while confirming is taken
down, not thanked for or lost; a defect after the handover is the developer's; an English
conversation stays English beside a Chinese clause; an estate without 小区 or 花园 is a place; a
customer asking after an earlier case they have no number of is helped to find it."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Resolved, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _at_the_callback(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send("小区5号楼门口的路灯坏了一个星期了")
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    chat.send("对")
    chat.send(Resolved())
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat


def test_an_injury_beside_the_score_is_taken_down_not_thanked(engine: ConversationEngine) -> None:
    chat = _at_the_callback(engine)
    resolved_case = chat.data.case_number
    step = chat.send("5分 但是摔的那一跤谁负责 医药费呢")
    assert "satisfaction_suggestion" not in chat.phrase_ids(step)
    assert "satisfaction_thanks" not in chat.phrase_ids(step)
    # The score is the resolved case's, kept; the question of who pays goes to the duty supervisor.
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.case_number) == (5, resolved_case)
    assert step.handoff is not None and step.handoff.reason is TicketReason.BEYOND_AUTHORITY
    assert step.complaint is not None and step.complaint.case_number != resolved_case
    assert "摔的那一跤" in step.complaint.description
    assert chat.state is State.HANDED_OFF


def test_an_injury_told_after_the_score_is_taken_down(engine: ConversationEngine) -> None:
    chat = _at_the_callback(engine)
    chat.send("4")
    assert chat.state is State.AWAIT_COMMENT
    step = chat.send("师傅修得挺快 不过我上周在那摔倒了 膝盖缝了两针")
    assert "satisfaction_suggestion" not in chat.phrase_ids(step)
    assert step.satisfaction is not None and step.satisfaction.rating == 4
    assert step.close_reason is None
    assert "缝了两针" in "\n".join(chat.data.description)


def test_a_suggestion_beside_a_good_score_is_still_thanked(engine: ConversationEngine) -> None:
    chat = _at_the_callback(engine)
    step = chat.send("5分 就是修得有点慢 下次快点")
    assert chat.phrase_ids(step) == ["satisfaction_suggestion"]
    assert chat.state is State.CLOSED


def _confirming(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send("小区游乐场的滑梯有个铁片翘起来 划伤了我孩子的手")
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    assert chat.state is State.CONFIRMING
    return chat


def test_a_new_fact_told_taking_the_withdrawal_back_joins_the_problem(engine: ConversationEngine) -> None:
    chat = _confirming(engine)
    assert chat.phrase_ids(chat.send("算了 不投诉了")) == ["withdraw_confirm"]
    step = chat.send("不行 还是要投诉 孩子的手缝了三针")
    problem = chat.line(step, "问题：")
    assert "缝了三针" in problem and "划伤了我孩子的手" in problem
    assert "还是要投诉" not in problem and "不行" not in problem
    done = chat.send("对")
    assert done.complaint is not None and "缝了三针" in done.complaint.description


def test_taking_the_withdrawal_back_alone_asks_again(engine: ConversationEngine) -> None:
    chat = _confirming(engine)
    chat.send("算了 不投诉了")
    step = chat.send("不对 我还是要投诉")
    assert chat.phrase_ids(step) == ["confirm_question"]
    assert chat.data.description == ["小区游乐场的滑梯有个铁片翘起来 划伤了我孩子的手"]


@pytest.mark.parametrize("problem", ["我要投诉开发商 交房才半年外墙就开裂了", "交房才半年外墙就开裂了"])
def test_a_defect_after_the_handover_is_the_developers(engine: ConversationEngine, problem: str) -> None:
    chat = Chat(engine)
    chat.send(problem)
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.category == "real_estate"


def test_a_cracked_wall_alone_is_a_repair(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send("外墙开裂了")
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.category == "engineering_repair"


def test_an_english_conversation_stays_english_beside_a_chinese_clause(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send("The lift in my building keeps breaking down")
    step = chat.send("一个月第三次了 so annoying")
    assert chat.locale == "en" and all(reply.text.isascii() for reply in step.replies)
    step = chat.send("Tower 5 of 海逸豪园")
    assert chat.data.area == "Tower 5 of 海逸豪园"
    step = chat.send("13800138000")
    assert "Place: Tower 5 of 海逸豪园" in chat.texts(step)


def test_chinese_alone_still_turns_an_english_conversation_chinese(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send("The lift in my building keeps breaking down")
    chat.send("一个月第三次了 烦死了")
    assert chat.locale == "zh-CN"


WHICH_ESTATE = [("书香门第 11栋", "书香门第11栋"), ("保利香槟国际 11栋", "保利香槟国际11栋")]


@pytest.mark.parametrize(("answer", "place"), WHICH_ESTATE)
def test_an_estate_named_with_the_building_answers_which_estate(
    engine: ConversationEngine, answer: str, place: str
) -> None:
    chat = Chat(engine)
    chat.send("11栋楼道灯坏了好几天了")
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["ask_estate"]
    step = chat.send(answer)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "地点：") == f"地点：{place}"
    assert answer.split()[0] not in chat.line(step, "问题：")


def test_an_estate_without_a_suffix_answers_the_place_question(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send("楼道灯坏了好几天了")
    chat.send("13800138000")
    step = chat.send("保利香槟国际")
    assert chat.line(step, "地点：") == "地点：保利香槟国际"
    assert chat.data.description == ["楼道灯坏了好几天了"]


def test_an_earlier_case_without_its_number_is_looked_up_not_filed_again(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    step = chat.send("我之前投诉的那个事 到底有没有人管")
    assert chat.phrase_ids(step)[-1] == "status_no_case"
    step = chat.send("就是电梯的事")
    assert chat.phrase_ids(step) == ["question_later"]
    step = chat.send("不知道编号")
    assert chat.phrase_ids(step) == ["ask_phone"]  # the contact asked for again, in other words
    assert chat.data.area is None and not chat.data.description
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.handoff is not None and step.handoff.reason is TicketReason.CONSULTATION
    assert step.complaint is None


def test_a_number_not_known_is_never_the_place(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send("电梯坏了三天了")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA
    step = chat.send("不知道编号")
    assert chat.data.area is None
    assert "不知道编号" not in chat.texts(step)
