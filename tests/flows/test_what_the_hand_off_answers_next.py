"""What a customer hears after the hand-off when they appeal in the same conversation, ask when
while putting something right, take a withdrawal back, or ask after a photo never sent."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat


def handed_off(engine: ConversationEngine, problem: str, place: str = "阳光花园3栋2单元") -> Chat:
    """Handed off, promised, the case as storage loads it for the next messages, and a first
    message after it acknowledged."""
    chat = Chat(engine)
    chat.send(Started())
    for message in (problem, "13800138000", place, "对"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF and chat.data.case_number is not None
    chat.customer = CustomerView(
        this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, MONDAY_2PM + dt.timedelta(hours=21.5))
    )
    chat.wait(10)
    chat.send("好的")
    chat.wait(10)
    return chat


@pytest.mark.parametrize(
    ("problem", "appeal"),
    [
        ("楼上邻居天天骂我 还往我家门口扔垃圾", "他今天又骂我了 你们根本不管 都第二次了"),
        ("小区车库顶上掉东西把我车砸了", "照片发了 你们看到没 车顶凹成这样谁赔"),
    ],
)
def test_an_appeal_in_the_same_conversation_brings_the_reply_time_to_the_appeal_s(
    conversation_engine: ConversationEngine, problem: str, appeal: str
) -> None:
    chat = handed_off(conversation_engine, problem)
    step = chat.send(appeal)
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert "明天上午11点半前" not in chat.texts(step) and "今天下午4点15分前" in chat.texts(step)
    moved = step.escalated_deadline
    assert moved is not None and moved.case_number == chat.data.case_number
    assert moved.deadline_at < MONDAY_2PM + dt.timedelta(hours=3)


def test_an_appeal_keeps_a_time_in_force_sooner_than_the_appeal_s(conversation_engine: ConversationEngine) -> None:
    chat = handed_off(conversation_engine, "楼上邻居天天骂我 还往我家门口扔垃圾")
    assert chat.data.case_number is not None
    soon = MONDAY_2PM + dt.timedelta(hours=1)
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, soon))
    step = chat.send("他今天又骂我了 你们根本不管 都第二次了")
    assert step.escalated_deadline is None and "今天下午3点前" in chat.texts(step)


@pytest.mark.parametrize(
    ("problem_and_place", "message", "corrected", "time"),
    [
        (
            ("我家天花板漏水 楼上渗下来的", "阳光花园3栋2单元"),
            "地址写错了 是5栋不是3栋 你们什么时候来",
            "阳光花园5栋2单元",
            "明天上午11点半前",
        ),
        (("我屋企天花板漏水", "陽光花園3座"), "地址錯咗 係5座唔係3座 幾時有人嚟", "陽光花園5座", "明天上午11點半前"),
    ],
)
def test_a_place_put_right_with_a_question_of_when_hears_the_time_too(
    conversation_engine: ConversationEngine,
    problem_and_place: tuple[str, str],
    message: str,
    corrected: str,
    time: str,
) -> None:
    chat = handed_off(conversation_engine, *problem_and_place)
    step = chat.send(message)
    assert chat.phrase_ids(step)[0] == "place_corrected" and corrected in chat.texts(step)
    assert "status_answer" in chat.phrase_ids(step) and time in chat.texts(step)


@pytest.mark.parametrize("question", ["我到底要等到什么时候", "我到底什么时候能有人联系我"])
def test_asked_when_while_the_supervisor_has_the_case_the_time_is_told(
    conversation_engine: ConversationEngine, question: str
) -> None:
    chat = handed_off(conversation_engine, "楼上邻居天天骂我 还往我家门口扔垃圾")
    moved = chat.send("他今天又骂我了 你们根本不管 都第二次了").escalated_deadline
    assert moved is not None and chat.data.case_number is not None
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, moved.deadline_at))
    chat.wait(60)
    step = chat.send(question)
    assert "客服代表" not in chat.texts(step) and "今天下午4点15分前" in chat.texts(step)


def test_a_withdrawal_taken_back_makes_the_case_active_again_with_its_time(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine, "我家天花板漏水 楼上渗下来的")
    assert chat.phrase_ids(chat.send("算了 不用来了")) == ["withdrawn_after_handoff"]
    chat.wait(600)
    step = chat.send("诶 还是来吧 又开始漏了")
    assert chat.phrase_ids(step) == ["withdrawal_taken_back"]
    assert str(chat.data.case_number) in chat.texts(step) and "明天上午11点半前" in chat.texts(step)
    assert [event.kind for event in step.audit] == [TimelineKind.WITHDRAWAL_TAKEN_BACK]
    again = step.escalated_deadline
    assert again is not None and again.taken_back and again.deadline_at == MONDAY_2PM + dt.timedelta(hours=21.5)
    # Taken back once: the next such words are more of the case, not taken back again.
    assert chat.phrase_ids(chat.send("又开始漏了")) != ["withdrawal_taken_back"]


def test_without_a_withdrawal_the_same_words_take_nothing_back(conversation_engine: ConversationEngine) -> None:
    chat = handed_off(conversation_engine, "我家天花板漏水 楼上渗下来的")
    step = chat.send("诶 还是来吧 又开始漏了")
    assert "withdrawal_taken_back" not in chat.phrase_ids(step) and step.escalated_deadline is None


def test_asked_after_a_photo_never_sent_the_customer_hears_none_arrived(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine, "小区车库顶上掉东西把我车砸了", "阳光花园地下车库")
    chat.wait(600)
    step = chat.send("我发的照片你们收到没")
    assert chat.phrase_ids(step) == ["photo_not_received"]
    assert "还没有收到您的照片" in chat.texts(step) and "客服代表" not in chat.texts(step)


def test_asked_twice_whether_anyone_is_there_the_second_answer_is_other_words(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine, "我家天花板漏水 楼上渗下来的")
    answers = []
    for text in ("有人吗", "人呢", "有人吗"):
        chat.wait(60)
        answers.append(chat.send(text))
    assert chat.phrase_ids(answers[0]) == ["presence_wait"]
    assert chat.phrase_ids(answers[1]) == ["status_answer"]
    assert str(chat.data.case_number) in chat.texts(answers[1]) and "明天上午11点半前" in chat.texts(answers[1])
    assert chat.phrase_ids(answers[2]) == ["presence_wait"]
    # A double send is still answered once.
    assert chat.send("有人吗").replies == []
