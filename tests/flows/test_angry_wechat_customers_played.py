"""Found playing angry Chinese customers as they write on WeChat: progress asked in everyday northern
words ("咋样了", "有信儿没", "都啥时候了") hears where the case stands, not only that the message was
passed on; a lift "还不修" beside a when-question is the complaint, not the reply-time answer; the
property fee wanted back goes to the duty supervisor as a money demand; a karaoke bar singing at
3 am is the noise told, never asked for again; a fall on a slippery floor is an injury for the duty
supervisor; "算了 水来了 不用管了" withdraws the open water case; "你们根本不管", "当耳旁风了" beside an
open case appeal it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, OpenCase, State
from bot.rules import RoutingFacts, decide
from tests.flows.chat import MONDAY_2PM, Chat
from tests.flows.held_cases import held


def handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("楼道灯坏了两周没人修", "13800138000", "阳光花园3栋", "对"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    chat.wait(3600)
    return chat


@pytest.mark.parametrize("text", ["咋样了", "有信儿没", "整得咋样了", "有消息没", "啥情况了"])
def test_progress_asked_in_everyday_words_hears_where_the_case_stands(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = handed_off(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["status_answer"]
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)


@pytest.mark.parametrize("text", ["都啥时候了", "zmsm 都啥时候了", "啥情况了 怎么没动静"])
def test_the_wait_complained_of_hears_an_apology_and_where_the_case_stands(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = handed_off(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["status_apology", "status_answer"]


def test_progress_asked_in_everyday_words_breaks_through_to_a_held_case(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    step = chat.send("整得咋样了")
    assert chat.phrase_ids(step) == ["status_answer"]
    assert "李娜" in chat.texts(step)


@pytest.mark.parametrize("text", ["都啥时候了 电梯还不修 天天爬18楼", "到底什么时候处理 电梯还不修 天天爬18楼"])
def test_a_lift_not_mended_beside_a_when_question_is_the_complaint(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    chat.send("13800138000")
    restated = chat.send("阳光花园3栋")
    assert "电梯还不修" in chat.line(restated, "问题：") and "（工程维修）" in chat.texts(restated)


@pytest.mark.parametrize(
    "text",
    [
        "我要退物业费 你们一年啥也没干 绿化没人修 垃圾没人收 保安天天睡觉",
        "物业费交了一年 电梯三天两头坏 我要求退物业费",
    ],
)
def test_the_property_fee_wanted_back_goes_to_the_duty_supervisor(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert step.handoff.reason is TicketReason.BEYOND_AUTHORITY


def test_asking_how_to_pay_the_fee_is_no_money_demand(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("物业费怎么交")
    assert step.handoff is None and "faq:pay_fees" in chat.phrase_ids(step)


def test_a_karaoke_bar_singing_at_night_is_the_noise_told(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("凌晨三点楼下ktv还在唱 报警了也没用 物业能不能管管")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    chat.send("13800138000")
    restated = chat.send("阳光花园3栋")
    assert "楼下ktv还在唱" in chat.line(restated, "问题：") and "（物业服务）" in chat.texts(restated)


@pytest.mark.parametrize(
    "text", ["你们地面太滑了也不放个牌子 我老婆滑倒了 腰扭了", "大堂刚拖完地没放警示牌 我妈滑了一跤 脚扭伤了"]
)
def test_a_fall_on_a_slippery_floor_is_an_injury_for_the_duty_supervisor(
    service_config: ServiceConfig, text: str
) -> None:
    facts = RoutingFacts(category="property_service", grade="simple", channel="wechat", tier="standard", text=text)
    decision = decide(facts, service_config.rules.rules)
    assert decision.priority == 0 and decision.notify_supervisor
    # A slippery floor feared, nobody hurt, is an ordinary complaint.
    calm = RoutingFacts(
        category="property_service", grade="simple", channel="wechat", tier="standard", text="地面太滑了 怕老人摔倒"
    )
    assert decide(calm, service_config.rules.rules).priority != 0


def test_problems_typed_apart_are_never_run_into_one_word(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("垃圾没人收 臭 停水 也没通知 电梯 还坏了 楼道灯 不亮")
    chat.send("13800138000")
    restated = chat.line(chat.send("阳光花园3栋"), "问题：")
    assert "臭停水" not in restated and "臭 停水" in restated
    # A thing and what is wrong with it, typed apart, still run on.
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("马桶 堵了 家里 停水")
    chat.send("13800138000")
    assert chat.line(chat.send("阳光花园3栋"), "问题：") == "问题：马桶堵了家里停水（工程维修）"


@pytest.mark.parametrize("text", ["水电都停了 一点通知都没有 你们是不是不想干了", "水和电都停了", "水电都断了"])
def test_water_and_power_cut_together_is_a_repair(conversation_engine: ConversationEngine, text: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(text)
    assert chat.phrase_ids(step)[-2:] == ["description_recorded", "ask_phone"]
    chat.send("13800138000")
    assert "（工程维修）" in chat.line(chat.send("阳光花园3栋"), "问题：")


def test_asking_us_to_act_at_last_gives_way_to_the_noise_itself(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我家孩子晚上被楼上吵得睡不着 第二天还要考试 你们就不能管管吗 楼上那家天天十二点还在拖椅子")
    chat.send("13800138000")
    restated = chat.line(chat.send("阳光花园3栋"), "问题：")
    assert "楼上那家天天十二点还在拖椅子" in restated and "管管" not in restated


def test_a_guard_smoking_and_whistling_at_a_girl_hears_the_staff_error_apology(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("东门保安抽烟 还对我女儿吹口哨 太恶心了")
    assert chat.phrase_ids(step)[0] == "staff_error_apology"
    chat.send("13800138000")
    assert "（服务态度）" in chat.line(chat.send("阳光花园东门"), "问题：")
    # A neighbour smoking while the guard does nothing is no misconduct of the guard's own.
    understood = conversation_engine.understander.understand("邻居天天在楼道抽烟 保安也不管", "zh-CN")
    assert "staff_error" not in {signal.value for signal in understood.signals}


def returning(engine: ConversationEngine) -> Chat:
    """A customer back with a water-cut case from another conversation, its time still running."""
    deadline = MONDAY_2PM + dt.timedelta(hours=20)
    case = OpenCase("TS20261120ABCDEF", deadline, category="engineering_repair")
    chat = Chat(engine, customer=CustomerView(phone="13800138000", open_case=case))
    chat.send(Started())
    return chat


@pytest.mark.parametrize("text", ["算了 水来了 不用管了", "有水了 不用来了"])
def test_the_water_back_withdraws_the_open_case(conversation_engine: ConversationEngine, text: str) -> None:
    chat = returning(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.complaint is None and "ask_area" not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    "text", ["你们根本不管", "你们是不是把我的投诉当耳旁风了", "我的投诉处理到哪了 是不是当耳旁风了"]
)
def test_the_handling_complained_of_beside_an_open_case_appeals_it(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = returning(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalated_supervisor"]
    assert chat.data.appeal_of == "TS20261120ABCDEF" and step.complaint is None


def test_the_handling_complained_of_without_a_case_asks_what_happened(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send("你们根本不管")) == ["ask_details"]


def test_a_cat_fallen_onto_a_canopy_hears_no_lift_advice(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("我家猫从阳台掉下去了 卡在二楼雨棚上下不来 能不能派人帮忙")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert step.handoff is None
    # Someone fallen still is danger now.
    child = conversation_engine.understander.understand("我家孩子从阳台掉下去了", "zh-CN")
    assert "danger" in {signal.value for signal in child.signals}
