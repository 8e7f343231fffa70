"""After hand-off the customer is kept informed (seed 000 四(五)2, issue 12 item 1): a status
question always gets the case number, the promised time and where the case stands; any other
message reaches the agent and is acknowledged, at most once per configured interval."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=12)  # said "明天凌晨2点前"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def handed_off(engine: ConversationEngine, status: CaseStatus | None = None, owner: str = "bot") -> Chat:
    """A conversation whose complaint was confirmed and handed to the queue; ``status`` is where
    storage finds the case when later messages are loaded."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区楼道的垃圾三天没人清理")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    chat.customer = CustomerView(this_case=status)
    chat.owner = owner
    return chat


def waiting(position: int | None) -> CaseStatus:
    return CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=position)


@pytest.mark.parametrize(
    "question",
    [
        "我的投诉处理得怎么样了?",
        "什么时候给我答复?",
        "要等多久",
        "处理到哪一步了",
        "什么时候来修",
        "到底什么时候处理",
        "进度怎么样",
        "处理好了没",
        "师傅什么时候上门",
        "你们领导什么时候给我打电话",
        "怎么还没人来修",
        # The most common of all, asked plainly (play-cust 24, SMS s2).
        "什么时候处理",
        "什么时候处理啊",
        "啥时候处理",
        "几时处理",
        "多久能处理好",
        "什么时候有人来",
    ],
)
def test_a_status_question_after_hand_off_gets_number_time_and_queue_position(
    engine: ConversationEngine, question: str
) -> None:
    chat = handed_off(engine, waiting(2))
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer"]
    text = chat.texts(step)
    assert CASE in text and "明天凌晨2点前" in text and "第2位" in text
    assert chat.state is State.HANDED_OFF


@pytest.mark.parametrize("question", ["{number} 进度", "{lower} 进度", "{number}", "{lower}？", "进度"])
def test_the_case_number_with_a_word_for_progress_asks_where_the_case_stands(
    engine: ConversationEngine, question: str
) -> None:
    """Play-cust: "TS2026… 进度" from the case's own customer went unanswered."""
    chat = handed_off(engine, waiting(2))
    number = chat.data.case_number or ""
    step = chat.send(question.format(number=number, lower=number.lower()))
    assert chat.phrase_ids(step) == ["status_answer"]
    assert CASE in chat.texts(step) and "第2位" in chat.texts(step)


@pytest.mark.parametrize(
    "question", ["我嘅投訴搞成點啊 仲未有人嚟", "幾時有水啊", "幾時有電啊", "有冇人跟進啊", "處理咗未呀"]
)
def test_a_status_question_in_cantonese_after_hand_off_is_answered_with_the_case(
    engine: ConversationEngine, question: str
) -> None:
    chat = handed_off(engine, waiting(2))
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer"]
    text = chat.texts(step)
    assert CASE in text and "明天凌晨2點前" in text and "第2位" in text


@pytest.mark.parametrize("owner", ["bot", "agent:li"])
def test_the_reply_time_question_after_hand_off_is_about_the_customers_own_case(
    engine: ConversationEngine, owner: str
) -> None:
    """ "多久能处理?" before a complaint gets the FAQ's 12 h / 24 h; after the promise, the FAQ
    entry is ``about_the_case``: the case's own number and promised time answer it."""
    chat = handed_off(engine, waiting(2), owner=owner)
    step = chat.send("多久能处理？")
    assert chat.phrase_ids(step) == ["status_answer"]
    assert CASE in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)
    first = Chat(engine)
    first.send(Started())
    assert first.phrase_ids(first.send("多久能处理？"))[0] == "faq:reply_time"


def test_a_status_question_while_the_complaint_is_taken_gets_the_reply_time_and_the_question_again(
    engine: ConversationEngine,
) -> None:
    """No case yet: "什么时候来修" is told when a registered complaint is answered, not recorded
    silently as more of the problem."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区门口的路灯坏了")
    step = chat.send("什么时候来修")
    assert chat.phrase_ids(step) == ["faq:reply_time", "ask_phone"]
    assert chat.data.description == ["小区门口的路灯坏了"]


@pytest.mark.parametrize("question", ["我的投诉编号是多少", "what's my case number?"])
def test_the_case_number_asked_for_while_the_complaint_is_taken_comes_once_it_is_registered(
    engine: ConversationEngine, question: str
) -> None:
    """No case yet: the number is told with the registration, not the reply time of the FAQ."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区门口的路灯坏了")
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["case_number_later", "ask_phone"]
    assert chat.data.description == ["小区门口的路灯坏了"]
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    step = chat.send("对")
    assert "case_number" in chat.phrase_ids(step)


@pytest.mark.parametrize(
    "message",
    [
        f"我的投诉{CASE}处理得怎么样了",
        CASE,
        f"编号 {CASE.lower()} 怎么样了",
        "编号 TS2026 1123 ABCD EF 进度",  # read out or copied in groups
        "TS 2026 11 23 ABC DEF",
    ],
)
def test_the_writers_own_case_asked_about_by_its_number_from_another_conversation_is_told(
    engine: ConversationEngine, message: str
) -> None:
    own = dataclasses.replace(waiting(2), own=True)
    chat = Chat(engine, customer=CustomerView(named_cases=(own,)))
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert CASE in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)


def test_a_number_storage_did_not_find_is_asked_about_as_anothers_case_is(engine: ConversationEngine) -> None:
    """Not "no case here": that would tell which numbers are cases (tests/flows/test_status_by_number.py)."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(f"我的投诉{CASE}处理得怎么样了")
    assert chat.phrase_ids(step) == ["verify_case_phone"]


def test_a_status_question_with_the_phone_to_look_it_up_by_is_taken_for_a_person_to_look_up(
    engine: ConversationEngine,
) -> None:
    """Not asked for the number the customer has just typed: a person looks the case up by it."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("我之前反映的电梯问题 电话13912345678 处理到哪了")
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.handoff is not None and step.handoff.queue == "consultation"
    assert chat.data.phone == "13912345678"


def test_a_status_question_is_answered_every_time(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(3))
    answers = [chat.texts(chat.send("我的投诉处理得怎么样了?")) for _ in range(3)]
    assert all(CASE in answer and "第3位" in answer for answer in answers)


@pytest.mark.parametrize("asked", ["你们到底什么时候来人", "啥时候来修啊", "我排到第几位了"])
def test_asking_when_someone_comes_or_the_place_in_the_queue_is_a_status_question(
    engine: ConversationEngine, asked: str
) -> None:
    chat = handed_off(engine, waiting(3))
    answer = chat.texts(chat.send(asked))
    assert CASE in answer and "第3位" in answer


def test_the_first_in_the_queue_hears_they_are_next(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(1))
    assert "下一位就是您" in chat.texts(chat.send("进度如何"))


def test_a_case_with_an_agent_names_the_agent_though_the_agent_owns_the_conversation(
    engine: ConversationEngine,
) -> None:
    status = CaseStatus(CaseStage.WITH_AGENT, CASE, DEADLINE, agent_name="李娜")
    chat = handed_off(engine, status, owner="agent:7")
    step = chat.send("我的投诉处理得怎么样了?")
    assert chat.phrase_ids(step) == ["status_answer"]
    assert "客服代表李娜" in chat.texts(step) and CASE in chat.texts(step)
    # Anything else is the agent's to answer: the bot says nothing.
    assert chat.send("还有,电梯里的灯也不亮").replies == []


def test_an_extended_deadline_is_said_as_extended_with_the_new_time(engine: ConversationEngine) -> None:
    later = DEADLINE + dt.timedelta(hours=24)  # 后天凌晨2点前
    chat = handed_off(engine, CaseStatus(CaseStage.WAITING, CASE, later, extended=True, queue_position=2))
    text = chat.texts(chat.send("我的投诉处理得怎么样了?"))
    assert "延长" in text and "后天凌晨2点前" in text and "明天凌晨2点前" not in text


def test_a_resolved_case_says_so_without_a_promise(engine: ConversationEngine) -> None:
    chat = handed_off(engine, CaseStatus(CaseStage.RESOLVED, CASE, DEADLINE))
    text = chat.texts(chat.send("我的投诉处理得怎么样了?"))
    assert "处理完毕" in text and "明天" not in text


def test_other_messages_are_acknowledged_at_most_once_per_interval(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(2))
    interval = engine.config.timers.handoff_ack_after
    first = chat.send("楼道还是很脏")
    chat.now += dt.timedelta(seconds=interval - 1)
    second = chat.send("臭死了")
    chat.now += dt.timedelta(seconds=1)
    third = chat.send("垃圾还堆在门口")
    assert chat.phrase_ids(first) == ["handoff_ack"]
    assert chat.phrase_ids(second) == ["please_wait"]  # never silence, never the same words
    assert chat.phrase_ids(third) == ["handoff_ack"]
    assert "客服代表" in chat.texts(third)


def test_a_status_question_does_not_use_up_the_acknowledgement(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(2))
    chat.send("我的投诉处理得怎么样了?")
    assert chat.phrase_ids(chat.send("楼道还是很脏")) == ["handoff_ack"]


def test_a_hand_off_without_a_complaint_answers_without_a_case_number(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("转人工")
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, queue_position=2))
    text = chat.texts(chat.send("我的投诉处理得怎么样了?"))
    assert "第2位" in text and "编号" not in text


def test_in_english(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(2))
    chat.locale = "en"
    text = chat.texts(chat.send("What's the status of my case?"))
    assert CASE in text and "number 2" in text and "  " not in text


def test_a_new_conversation_asking_for_status_hears_the_open_case_not_a_new_form(
    engine: ConversationEngine,
) -> None:
    """Over SMS there is no start event: the first message is the status question."""
    status = CaseStatus(CaseStage.WITH_AGENT, CASE, DEADLINE, agent_name="李娜")
    chat = Chat(engine, customer=CustomerView(phone="13800138000", open_case=OpenCase(CASE, DEADLINE, status)))
    step = chat.send("请问我的投诉处理得怎么样了")
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    assert "李娜" in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)
    assert chat.state is State.AWAIT_DESCRIPTION and chat.data.description == []
    again = chat.send("什么时候给我答复?")
    assert chat.phrase_ids(again) == ["status_answer", "anything_else"]
    assert chat.data.description == []


def test_after_the_open_case_greeting_a_status_question_gets_the_status(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(open_case=OpenCase(CASE, DEADLINE, waiting(4))))
    assert chat.phrase_ids(chat.send(Started())) == ["greeting_opening", "open_case"]
    step = chat.send("我的投诉怎么样了")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert "第4位" in chat.texts(step)


def test_a_status_question_with_no_case_on_record_is_looked_up_by_a_person(engine: ConversationEngine) -> None:
    """Not a complaint form: the customer is told nothing is on record here and asked for the
    case number or phone; with a phone, a person looks it up (the consultation queue)."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("我上个礼拜打电话投诉的事处理得怎么样了?")
    assert chat.phrase_ids(step) == ["status_no_case"]
    assert chat.state is State.AWAIT_DESCRIPTION and chat.data.description == []
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.handoff is not None and step.handoff.queue == "consultation"
    assert step.complaint is None


@pytest.mark.parametrize("answer", ["不记得编号了", "我当时留的电话就是这个号"])
def test_a_texting_customer_with_no_case_here_is_looked_up_by_the_number_they_text_from(
    engine: ConversationEngine, answer: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(CustomerSaid("我上周打电话投诉的 到现在都没人联系我", sender_phone="+8613800001111"))
    step = chat.send(CustomerSaid(answer, sender_phone="+8613800001111"))
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.handoff is not None and step.handoff.queue == "consultation" and step.complaint is None


@pytest.mark.parametrize("question", ["多久", "还要多久啊", "how long will it take?"])
def test_a_bare_how_long_after_hand_off_gets_the_case_status_not_silence(
    engine: ConversationEngine, question: str
) -> None:
    chat = handed_off(engine, waiting(2))
    chat.send("楼道还是很脏")  # acknowledged: the next message within the interval would get nothing
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer"]


def test_asking_for_a_leader_while_waiting_goes_to_the_duty_supervisor(engine: ConversationEngine) -> None:
    chat = handed_off(engine, waiting(5))
    step = chat.send("你们领导呢 我要找你们领导 等半天了")
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "supervisor_requested")


def test_a_first_phone_after_the_hand_off_is_noted_not_corrected(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区楼道的垃圾三天没人清理")
    chat.send("不想留电话")
    chat.send("不留")
    chat.send("阳光花园3栋")
    chat.send("对")
    assert chat.state is State.HANDED_OFF and chat.data.phone is None
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["contact_noted"]
    assert "13912345678" in chat.texts(step) and "更正" not in chat.texts(step)


def test_when_it_is_handled_asked_twice_is_answered_twice_never_in_silence(engine: ConversationEngine) -> None:
    """ "什么时候处理" then "什么时候处理啊": each hears the case number and the promised time, not
    the generic acknowledgement and then nothing."""
    chat = handed_off(engine, waiting(2))
    for question in ("什么时候处理", "什么时候处理啊"):
        step = chat.send(question)
        assert chat.phrase_ids(step) == ["status_answer"]
        assert CASE in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)


@pytest.mark.parametrize("question", ["when will this be fixed", "When will it be fixed?"])
def test_when_it_will_be_fixed_in_english_is_a_status_question(engine: ConversationEngine, question: str) -> None:
    chat = handed_off(engine, waiting(2))
    chat.locale = "en"
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer"]
    assert CASE in chat.texts(step)


def test_a_question_right_after_the_acknowledgement_is_answered_not_met_with_silence(
    engine: ConversationEngine,
) -> None:
    chat = handed_off(engine, waiting(2))
    assert chat.phrase_ids(chat.send("楼道还是很脏")) == ["handoff_ack"]
    step = chat.send("你们到底管不管？")
    assert chat.phrase_ids(step) == ["message_recorded"]
    # Not a question: a short acknowledgement, never silence nor the same words again.
    assert chat.phrase_ids(chat.send("垃圾还堆在门口")) == ["please_wait"]


def test_when_it_is_handled_over_sms_with_an_open_case_tells_that_case(engine: ConversationEngine) -> None:
    """A texting customer's first message "什么时候处理" is about their open case."""
    chat = Chat(engine, customer=CustomerView(phone="13800138000", open_case=OpenCase(CASE, DEADLINE, waiting(2))))
    step = chat.send(CustomerSaid("什么时候处理", sender_phone="+8613800138000"))
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    assert CASE in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)
    assert chat.data.description == []


MISSED = "没能按时答复"
ESCALATED = "已升级转交值班主管"


@pytest.mark.parametrize("position", [1, 3, None])
def test_after_a_missed_deadline_no_place_in_the_queue_is_said(
    engine: ConversationEngine, position: int | None
) -> None:
    """The breach moved the waiting case to the duty supervisor: "下一位就是您" or "第3位" of the
    queue it waited in would promise a turn that is no longer how it is taken."""
    missed = CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=position)
    after_the_deadline = DEADLINE + dt.timedelta(hours=1) - MONDAY_2PM

    # Asked in the conversation of the case.
    chat = handed_off(engine, missed)
    chat.wait(after_the_deadline.total_seconds())
    same = chat.texts(chat.send("我的投诉处理得怎么样了?"))
    # Asked in a new conversation of the same customer, and by the case's number from elsewhere.
    later = MONDAY_2PM + after_the_deadline
    own = Chat(engine, customer=CustomerView(open_case=OpenCase(CASE, DEADLINE, status=missed)), now=later)
    own.send(Started())
    new = own.texts(own.send("我的投诉处理得怎么样了?"))
    named = dataclasses.replace(missed, own=True)
    other = Chat(engine, customer=CustomerView(named_cases=(named,)), now=later)
    other.send(Started())
    by_number = other.texts(other.send(f"{CASE}处理得怎么样了"))

    for text in (same, new, by_number):
        assert CASE in text and MISSED in text and ESCALATED in text, text
        assert "下一位就是您" not in text and "排在第" not in text and "排队等待" not in text, text


def test_after_a_missed_deadline_the_agent_on_it_is_still_named(engine: ConversationEngine) -> None:
    chat = handed_off(engine, CaseStatus(CaseStage.WITH_AGENT, CASE, DEADLINE, agent_name="李娜"), owner="agent:li")
    chat.wait(13 * 3600)
    text = chat.texts(chat.send("我的投诉处理得怎么样了?"))
    assert "客服代表李娜正在跟进处理" in text and MISSED in text, text
