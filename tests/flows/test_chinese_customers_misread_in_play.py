"""Chinese customers a play session found misread: a question for our phone number taken down as a
complaint, the handler complained of in a held chat unheard, a new customer told of a staff error they
never had, a retort restated as the problem, and an elder kept at home by a broken lift promised a
repair's three working days."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.records import State
from bot.rules import RoutingFacts, decide
from tests.flows.chat import Chat, restatement
from tests.flows.held_cases import AGENT, held

SERVICE_PHONE = "您在这里留言就可以直接联系到我们，8001号客服代表为您服务"


@pytest.mark.parametrize("question", ["请问物业电话多少", "物业办公室电话是多少", "你们客服电话多少"])
def test_a_question_for_our_phone_number_is_answered_and_nothing_is_taken_down(
    conversation_engine: ConversationEngine, question: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["faq:service_phone", "anything_else"]
    assert SERVICE_PHONE in chat.texts(step)
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description
    assert chat.data.consultation is None  # answered, nobody needs to call back


def test_our_phone_number_asked_at_the_phone_question_is_answered_and_the_phone_asked_again(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send("楼道灯坏了")
    step = chat.send("请问物业电话多少")
    assert chat.phrase_ids(step) == ["faq:service_phone", "ask_phone"]
    assert chat.line(restatement(chat), "问题：") == "问题：楼道灯坏了（工程维修）"


def test_our_phone_number_asked_beside_the_problem_is_answered_and_the_problem_taken_down(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("请问物业电话多少 电梯坏了三天了")
    assert chat.phrase_ids(step) == ["greeting_opening", "description_recorded", "faq:service_phone", "ask_phone"]
    assert chat.line(restatement(chat), "问题：").startswith("问题：电梯坏了三天了（")


def test_our_phone_complained_of_is_the_problem_not_a_question(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("你们电话打不通 停水了")
    assert "faq:service_phone" not in chat.phrase_ids(step) and chat.state is State.AWAIT_PHONE


def test_the_worker_complained_of_in_a_held_chat_reaches_the_supervisors(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    step = chat.send("我想投诉那个师傅")
    assert chat.phrase_ids(step) == ["staff_error_apology"]
    assert step.supervisor_told is not None and step.supervisor_told.signals == ("staff_error",)
    assert step.handoff is None and chat.owner == AGENT  # the agent keeps the case


def test_a_new_customer_complaining_of_slowness_hears_no_staff_error_and_is_asked_for_the_complaint(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("我要投诉 处理得太慢了 师傅也不来")
    assert "staff_error_apology" not in chat.phrase_ids(step)
    assert chat.phrase_ids(step)[-1] == "ask_phone"
    restated = restatement(chat)
    assert "staff_error" not in chat.data.signals
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize("retort", ["你们什么态度", "你们就知道推", "说了多少遍了"])
@pytest.mark.parametrize("told_at", ["phone", "place"])
def test_a_retort_while_the_problem_is_taken_is_not_restated_as_the_problem(
    conversation_engine: ConversationEngine, retort: str, told_at: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send("楼道灯坏了")
    if told_at == "place":
        chat.send("13800138000")
    step = chat.send(retort)
    question = "ask_phone_again" if told_at == "phone" else "ask_area"
    assert chat.phrase_ids(step) == ["we_apologise", question]  # never silence, never "已记录"
    restated = restatement(chat)
    assert chat.line(restated, "问题：") == "问题：楼道灯坏了（工程维修）"
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"  # nor taken for the place


def test_an_elder_kept_at_home_by_a_broken_lift_is_promised_within_hours_and_served_first(
    conversation_engine: ConversationEngine, service_config: ServiceConfig
) -> None:
    text = "电梯坏了 我妈80多岁了 下不了楼"
    chat = Chat(conversation_engine)
    chat.send(text)
    restatement(chat)
    done = chat.send("对")
    assert "4小时内（今天晚上6点前）" in chat.texts(done)  # Monday 2 pm: never 11月26日
    facts = RoutingFacts(
        category="engineering_repair",
        grade="complex",
        channel="webchat",
        tier="standard",
        signals=frozenset(chat.data.signals),
        text=text,
    )
    decision = decide(facts, service_config.rules.rules)
    assert decision.priority == 0 and decision.notify_supervisor


def test_an_elder_s_other_repair_keeps_the_repair_s_time(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send("楼道灯坏了 我妈80多岁了")
    restatement(chat)
    done = chat.send("对")
    assert "4小时内" not in chat.texts(done) and "11月26日" in chat.texts(done)
