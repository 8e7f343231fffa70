"""A customer who gives the complaint up ("算了 不投诉了", "没事了", "never mind") is let go
politely, with no case opened; a complaint already told only once they confirm, since a protest
("谁说我不投诉了？") is no goodbye; a bare "算了" or "不用了" gives up only what nothing was said
of yet, since after a complaint it answers the question asked."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def ended_without_a_case(chat: Chat) -> None:
    assert chat.state is State.CLOSED
    assert chat.steps[-1].close_reason == "withdrawn"
    assert all(step.complaint is None and step.handoff is None for step in chat.steps)
    assert chat.data.timers == {}


@pytest.mark.parametrize("words", ["算了 不投诉了", "不用了", "没事了，谢谢", "算了吧", "我想撤销投诉", "唔使喇"])
def test_giving_up_before_telling_anything_is_said_goodbye_to(chat: Chat, words: str) -> None:
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdrawn"]
    assert chat.data.phone_refusals == 0
    assert "欢迎您随时再来" in chat.texts(step) or "歡迎您隨時再來" in chat.texts(step)
    ended_without_a_case(chat)


def test_never_mind_in_english_is_answered_in_english(chat: Chat) -> None:
    step = chat.send("never mind")
    assert chat.phrase_ids(step) == ["withdrawn"]
    assert "welcome back" in chat.texts(step)
    ended_without_a_case(chat)


TOLD = ["小区电梯坏了三天了", "13912345678", "阳光花园3栋"]


@pytest.mark.parametrize("told", [TOLD[:1], TOLD[:2], TOLD])
def test_giving_up_a_told_complaint_at_any_question_files_nothing_once_confirmed(chat: Chat, told: list[str]) -> None:
    for message in told:
        chat.send(message)
    asked_in = chat.state
    step = chat.send("算了 不投诉了 没用")
    assert chat.phrase_ids(step) == ["withdraw_confirm"] and chat.state is asked_in
    step = chat.send("对")
    assert chat.phrase_ids(step) == ["withdrawn_not_filed"]
    assert "不为您登记投诉" in chat.texts(step)
    ended_without_a_case(chat)
    assert chat.data.description == ["小区电梯坏了三天了"], "what they told stays with the conversation"


@pytest.mark.parametrize("words", ["不对 你别记了 我自己去找物业", "你别记了", "不用登记了"])
def test_telling_the_bot_to_stop_taking_it_down_at_the_phone_question_asks_to_confirm(chat: Chat, words: str) -> None:
    chat.send("小区电梯坏了三天了")
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdraw_confirm"] and chat.state is State.AWAIT_PHONE
    assert "您确定不需要我们处理了吗" in chat.texts(step)
    assert chat.data.description == ["小区电梯坏了三天了"], "the withdrawal is not added to the problem"
    step = chat.send("对")
    assert chat.phrase_ids(step) == ["withdrawn_not_filed"]
    ended_without_a_case(chat)


def test_a_bare_no_thanks_to_the_phone_question_refuses_the_phone_and_the_complaint_goes_on(chat: Chat) -> None:
    chat.send("小区电梯坏了三天了")
    step = chat.send("不用了")
    assert chat.phrase_ids(step) == ["phone_reassure"]
    assert chat.state is State.AWAIT_PHONE


def test_a_bare_never_mind_at_the_restatement_does_not_drop_the_complaint(chat: Chat) -> None:
    for message in TOLD:
        chat.send(message)
    chat.send("算了")
    assert chat.state is State.CONFIRMING
    step = chat.send("对")
    assert step.complaint is not None and step.handoff is not None


def test_not_complaining_but_wanting_it_fixed_is_a_complaint(chat: Chat) -> None:
    step = chat.send("不投诉了，你们赶紧派人来修电梯就行")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE


def test_giving_up_after_the_hand_off_reaches_the_agent_and_keeps_the_case(chat: Chat) -> None:
    for message in [*TOLD, "对"]:
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    chat.send("算了 不投诉了")
    assert chat.state is State.HANDED_OFF


def test_giving_up_because_the_money_came_back_is_no_demand_for_it(chat: Chat) -> None:
    chat.send("物业费收多了 我要投诉")
    assert chat.phrase_ids(chat.send("不用了 已经退给我了 不投诉了")) == ["withdraw_confirm"]
    assert chat.phrase_ids(chat.send("确定")) == ["withdrawn_not_filed"]
    ended_without_a_case(chat)


@pytest.mark.parametrize("protest", ["谁说我不投诉了？", "不投诉了？你们想得美", "不追究了是不可能的"])
def test_a_protest_is_asked_about_and_a_no_takes_the_complaint_on(chat: Chat, protest: str) -> None:
    chat.send("碧桂园18栋电梯坏了一个星期了")
    assert chat.phrase_ids(chat.send(protest)) == ["withdraw_confirm"]
    step = chat.send("不对")
    assert chat.phrase_ids(step) == ["ask_phone"] and chat.state is State.AWAIT_PHONE
    step = chat.send("13812345670")
    assert chat.phrase_ids(step)[0] == "restate" and chat.data.description == ["碧桂园18栋电梯坏了一个星期了"]


def test_an_answer_to_the_question_instead_takes_the_complaint_on(chat: Chat) -> None:
    chat.send("小区电梯坏了三天了")
    chat.send("谁说我不投诉了？")
    step = chat.send("13812345670")
    assert chat.phrase_ids(step) == ["ask_area"] and chat.data.phone == "13812345670"


def test_a_demand_while_giving_up_is_still_a_demand(chat: Chat) -> None:
    chat.send("小区电梯坏了")
    step = chat.send("不用处理了，赔我五百块钱")
    assert step.handoff is not None and step.complaint is not None


def test_the_question_whether_to_give_up_waits_the_idle_time_anew(chat: Chat) -> None:
    chat.send("小区电梯坏了三天了")
    chat.wait(500)
    step = chat.send("谁说我不投诉了？")
    assert any(change.kind is TimerKind.IDLE_PROMPT and change.due_at is not None for change in step.timers)


def said_after_the_hand_off(chat: Chat, words: str) -> list[str | None]:
    """What the bot answers ``words`` said ten minutes after a complaint was handed off."""
    for text in ("楼道灯坏了", "13912345678", "阳光花园3栋", "对"):
        chat.send(text)
    assert chat.state is State.HANDED_OFF
    chat.wait(600)
    return chat.phrase_ids(chat.send(words))


@pytest.mark.parametrize("words", ["不用处理了 我自己找人修好了", "算了 不用了 已经修好了", "我想撤销投诉"])
def test_giving_up_after_the_hand_off_is_passed_on_for_the_staff_to_close(chat: Chat, words: str) -> None:
    """Not thanked for praise: the staff in charge are told, and close the case with the customer."""
    assert said_after_the_hand_off(chat, words) == ["withdrawn_after_handoff"]
    assert [event.kind.value for event in chat.steps[-1].audit] == ["withdrawn_after_handoff"]
    assert chat.state is State.HANDED_OFF


@pytest.mark.parametrize("words", ["不用了 谢谢", "修好了 谢谢你们", "不用处理了，赔我五百块"])
def test_nothing_more_needed_praise_or_a_demand_after_the_hand_off_gives_nothing_up(chat: Chat, words: str) -> None:
    assert "withdrawn_after_handoff" not in said_after_the_hand_off(chat, words)


@pytest.mark.parametrize("words", ["没有了 谢谢", "再见", "拜拜", "no thanks, that's all"])
def test_taking_leave_after_the_hand_off_is_said_goodbye_to(chat: Chat, words: str) -> None:
    """ "请问还有什么可以帮助您？" answered "没有了 谢谢": 再见, not "您的留言已转给客服代表"."""
    assert said_after_the_hand_off(chat, words) == ["goodbye"]
    assert chat.state is State.HANDED_OFF


OPEN_CASE = OpenCase("TS20261120ABC234", MONDAY_2PM + dt.timedelta(hours=6), category="billing")


@pytest.mark.parametrize(
    "words",
    ["我要撤销之前的投诉 话费已经退回来了", "帮我把投诉撤了", "我之前的投诉不用处理了", "宽带已经恢复了 不用来了"],
)
def test_taking_back_the_open_case_tells_its_staff_and_opens_nothing(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(open_case=OPEN_CASE))
    chat.send(Started())
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.appeal is not None and step.appeal.withdrawn and step.appeal.escalation is None
    assert step.appeal.case_number == "TS20261120ABC234"
    assert "withdrawn_after_handoff" in [event.kind.value for event in step.audit]
    ended_without_a_case(chat)


def test_taking_back_a_case_named_by_number_tells_that_case(conversation_engine: ConversationEngine) -> None:
    named = CaseStatus(CaseStage.WAITING, case_number="TS20261206DJJX6Y", deadline_at=MONDAY_2PM, own=True)
    chat = Chat(conversation_engine, customer=CustomerView(named_cases=(named,)))
    chat.send(Started())
    step = chat.send("TS20261206DJJX6Y这个投诉帮我撤销 已经解决了")
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.appeal is not None and step.appeal.case_number == "TS20261206DJJX6Y" and step.handoff is None
    ended_without_a_case(chat)


def test_taking_back_an_earlier_complaint_none_known_asks_its_number_then_tells_it(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("我之前的投诉不用处理了")
    assert chat.phrase_ids(step) == ["withdraw_ask_case_number"] and "投诉编号" in chat.texts(step)
    assert step.handoff is None and step.complaint is None and chat.state is State.AWAIT_DESCRIPTION
    named = CaseStatus(CaseStage.WAITING, case_number="TS20261120ABC234", deadline_at=MONDAY_2PM, own=True)
    chat.customer = CustomerView(named_cases=(named,))
    step = chat.send("TS20261120ABC234")
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.appeal is not None and step.appeal.case_number == "TS20261120ABC234"
    ended_without_a_case(chat)


@pytest.mark.parametrize("told", [TOLD[:1], TOLD[:2]])
def test_a_problem_solved_at_any_question_is_a_withdrawal(chat: Chat, told: list[str]) -> None:
    for message in told:
        chat.send(message)
    asked_in = chat.state
    step = chat.send("算了 电梯好了 不用了")
    assert chat.phrase_ids(step) == ["withdraw_confirm"] and chat.state is asked_in


def test_broadband_fixed_at_the_place_question_is_a_withdrawal(chat: Chat) -> None:
    chat.send("宽带断了两天了")
    chat.send("13912345678")
    assert chat.state is State.AWAIT_AREA
    assert chat.phrase_ids(chat.send("算了 宽带好了 不用了")) == ["withdraw_confirm"]
    assert chat.phrase_ids(chat.send("对")) == ["withdrawn_not_filed"]
    ended_without_a_case(chat)


def test_a_demand_for_compensation_after_the_hand_off_goes_to_the_supervisor(chat: Chat) -> None:
    said_after_the_hand_off(chat, "我要求赔偿 这五天的费用必须退给我")
    step = chat.steps[-1]
    assert "message_after_handoff" not in [event.kind.value for event in step.audit]
    assert step.handoff is not None and step.handoff.reason == "beyond_authority"


@pytest.mark.parametrize(
    "words",
    [
        "退费一直没到账 上个月说好退我200的",
        "11月20日营业厅办理携号转网 被收了违约金500元 当时根本没说有违约金",
        "宽带断了三天 会给我补偿吗",
    ],
)
def test_a_fee_an_agreed_refund_or_a_question_is_taken_as_a_complaint_not_escalated(chat: Chat, words: str) -> None:
    step = chat.send(words)
    assert step.handoff is None and chat.state is State.AWAIT_PHONE
    assert "ask_phone" in chat.phrase_ids(step)
