"""Complaints that only sound like an emergency: sleeping pills taken to sleep through the noise, a
fire feared, a near miss. They are restated, promised and handed off as ordinary complaints;
an overdose and a fire now still come first."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def restatement(chat: Chat) -> str:
    return next(
        reply.text for step in chat.steps for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value
    )


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("楼上装修吵得我每天靠吃安眠药才能睡 晚上十一点还在砸墙", "物业服务"),
        ("樓上裝修吵到我要吃安眠藥先瞓得著 晚晚十一點都仲喺度鑽", "物業服務"),
        ("电动车在楼道充电 一排好几辆 怕着火", "物业服务"),
        ("楼上往下扔东西 差点砸到我孩子", "物业服务"),
        ("樓上啲狗成日吠 嘈到我瞓唔著", "物業服務"),
        ("小区喷泉的水发臭好几天了", "物业服务"),
        ("游乐设施生锈了 孩子划伤了手", "工程维修"),
    ],
)
def test_it_is_restated_promised_and_handed_off_as_an_ordinary_complaint(
    engine: ConversationEngine, message: str, category: str
) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    first = chat.send(message)
    assert not {"self_harm_care", "safety_first", "urgent_handoff", "urgent_ask_phone"} & set(chat.phrase_ids(first))
    # A place in the customer's script keeps the answers in it.
    chat.send("陽光花園5棟" if category in ("物業服務", "工程維修") else "阳光花园5栋")
    assert chat.state is State.CONFIRMING
    assert f"（{category}）" in restatement(chat)
    done = chat.send("对")
    assert "promise_by_date" in chat.phrase_ids(done) and "case_number" in chat.phrase_ids(done)
    assert done.handoff is not None and (done.handoff.queue, done.handoff.reason) == ("general", "complaint")
    assert done.complaint is not None and not {"self_harm", "danger"} & set(done.complaint.signals)


def test_a_wife_on_sleeping_pills_told_with_everything_is_restated_at_once(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(
        "我老婆被楼上装修吵得神经衰弱，整晚睡不着，现在在吃安眠药。你们物业到底管不管？"
        "我住锦绣江南小区6栋2单元1102，电话13988887777"
    )
    # 神经衰弱 is a health condition told: cared for, then restated at once.
    assert chat.phrase_ids(step) == ["health_noted", "restate", "confirm_question"]
    assert "楼上装修" in restatement(chat) and "12356" not in chat.texts(step)


@pytest.mark.parametrize(
    "message", ["楼上天天吵 我吃了一整瓶安眠药", "楼上天天装修 我想吃安眠药一了百了", "我已经攒了很多安眠药了"]
)
def test_an_overdose_still_hears_care_and_a_helpline_first(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == ["self_harm_care", "urgent_handoff"]
    assert "12356" in step.replies[0].text


@pytest.mark.parametrize("message", ["楼道里的电动车着火了", "楼道里冒烟了 好像着火了"])
def test_a_fire_now_still_hears_how_to_stay_safe_first(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == ["safety_fire", "urgent_handoff"]
