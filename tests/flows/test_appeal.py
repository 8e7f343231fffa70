"""Repeats of an open case are appeals (申诉), and the supervisor's call needs a phone (issue 12 item 3).

Seed 003: an appeal is the customer, unhappy with how the first complaint is handled, raising the
problem again; it joins the open case, which keeps its earlier deadline. Seed 000 四(五) (跟踪总结):
while the customer waits, "真不好意思，让您等了这么久". Brief §5: beyond authority, threats and
appeals go to the duty supervisor, who calls the customer: a phone is asked for when none is known.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.config import Grade
from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import CustomerSaid, Started, Step
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
# Promised on Monday morning, due tomorrow at 11:00 (Shanghai): earlier than any new promise now.
DEADLINE = MONDAY_2PM + dt.timedelta(hours=21)


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def with_open_case(
    category: str = "engineering_repair", phone: str | None = None, deadline: dt.datetime = DEADLINE
) -> CustomerView:
    return CustomerView(phone=phone, open_case=OpenCase(CASE, deadline, category=category))


def test_a_repeat_of_the_open_case_is_linked_to_it_and_its_time_brought_forward_to_the_appeal_s(
    engine: ConversationEngine,
) -> None:
    """The duty supervisor takes the appeal as urgent: the case's time becomes the appeal's
    (deadlines.yaml appeal: 2 service hours, 16:00 on Monday afternoon), said to the customer."""
    chat = Chat(engine, customer=with_open_case(phone="13800138000"))
    chat.send(Started())
    step = chat.send("小区路灯还是坏的,晚上一片漆黑")
    text = chat.texts(step)
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalated_supervisor"]
    assert text.startswith("真不好意思，让您等了这么久")  # seed 000 四(五)
    assert CASE in text and "今天下午4点前" in text and "明天" not in text
    assert step.escalated_deadline is not None and step.escalated_deadline.case_number == CASE
    assert step.escalated_deadline.deadline_at == MONDAY_2PM + dt.timedelta(hours=2)
    assert step.escalated_deadline.appealed
    assert step.complaint is None  # no second case with a later deadline
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.appeal.escalation is not None
    assert (step.appeal.escalation.queue, step.appeal.escalation.priority, step.appeal.escalation.reason) == (
        "supervisor",
        0,
        "appeal",
    )
    assert step.handoff is None  # the open case's own ticket is the one escalated
    assert chat.state is State.HANDED_OFF
    assert chat.data.appeal_of == CASE


def test_the_first_message_of_a_new_conversation_may_be_the_appeal(engine: ConversationEngine) -> None:
    """Over SMS the first text is the complaint itself: greeting, then the appeal; the greeting's
    note of the open case is not said twice."""
    chat = Chat(engine, customer=with_open_case(phone="13800138000"))
    step = chat.send("路灯还是没修好,你们到底管不管")
    assert chat.phrase_ids(step) == ["greeting_opening", "appeal_linked_escalated", "escalated_supervisor"]


def test_saying_it_is_still_not_handled_is_an_appeal_whatever_the_words(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(category="engineering_repair", phone="13800138000"))
    chat.send(Started())
    step = chat.send("我上次反映的事到现在还没人处理")
    assert "appeal_linked_escalated" in chat.phrase_ids(step)


def test_a_clearly_different_problem_is_a_new_complaint(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(category="property_service", phone="13800138000"))
    chat.send(Started())
    step = chat.send("这个月话费多扣了50元")
    assert not {"appeal_linked", "appeal_linked_escalated"} & set(chat.phrase_ids(step))
    assert step.appeal is None
    chat.send("阳光花园3栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.case_number != CASE


def test_an_overdue_case_is_apologised_for_as_overdue(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(phone="13800138000", deadline=MONDAY_2PM - dt.timedelta(hours=2)))
    chat.send(Started())
    step = chat.send("路灯还是没修好")
    assert chat.phrase_ids(step)[0] == "appeal_linked_overdue"
    assert "没能按时答复" in chat.texts(step)


def named(stage: CaseStage = CaseStage.WAITING) -> CustomerView:
    """A customer with no case on record here naming a case of theirs by its number (filed on
    another channel under the phone this one vouches for): what storage found."""
    return CustomerView(named_cases=(CaseStatus(stage, CASE, DEADLINE, queue_position=3, own=True),))


@pytest.mark.parametrize(
    "message",
    [
        f"{CASE} 路灯还是没修好,都一个星期了",
        f"{CASE}还没修好",
        f"编号{CASE.lower()},楼道的灯又坏了",
        f"我之前投诉过 编号{CASE} 杂物越堆越多了 还堆到楼梯口了",  # no problem word: more of the case all the same
    ],
)
def test_a_complaint_naming_an_open_case_by_number_joins_it_whatever_its_category(
    engine: ConversationEngine, message: str
) -> None:
    chat = Chat(engine, customer=named())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["greeting_opening", "appeal_linked_escalated", "escalation_ask_phone"]
    assert CASE in chat.texts(step) and "今天下午4点前" in chat.texts(step)
    assert step.appeal is not None and step.appeal.case_number == CASE and message in step.appeal.description
    assert step.complaint is None


def test_a_case_number_given_while_the_complaint_is_taken_joins_that_case(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了半个月了")
    chat.customer = named()
    step = chat.send(f"我上次投诉过,编号{CASE}")
    assert chat.phrase_ids(step)[0] == "appeal_linked_escalated"
    assert step.appeal is not None and "楼道的灯坏了半个月了" in step.appeal.description
    assert chat.state is State.HANDED_OFF


def test_a_resolved_case_named_by_number_does_not_take_a_new_complaint(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=named(CaseStage.RESOLVED))
    chat.send(Started())
    step = chat.send(f"{CASE}那个路灯又坏了")
    assert step.appeal is None and not {"appeal_linked", "appeal_linked_escalated"} & set(chat.phrase_ids(step))
    assert chat.state is State.AWAIT_PHONE


def test_a_question_about_a_numbered_case_opening_an_sms_is_answered_without_the_invitation(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine, customer=named())
    step = chat.send(f"{CASE}怎么样了")
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    assert step.appeal is None


def test_a_case_found_by_a_typed_phone_is_noted_for_staff_and_never_told(engine: ConversationEngine) -> None:
    """Web chat: the phone typed in one message; in the next, storage has found an open case that
    phone is known by. Anyone may type a phone: the complaint goes on as a new case, the reply is
    the one any complaint gets, and only the staff learn of the other case."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区路灯坏了好几天")
    chat.send("13800138000")
    chat.customer = CustomerView(open_case=OpenCase(CASE, DEADLINE, category="engineering_repair", by_typed_phone=True))
    step = chat.send("阳光花园3栋")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert step.appeal is None and chat.data.appeal_of is None
    assert CASE not in chat.texts(step)
    notes = [event for event in step.audit if event.kind is TimelineKind.SAME_PHONE_OPEN_CASE]
    assert [event.detail["case_number"] for event in notes] == [CASE]
    handed_off = chat.send("对")
    assert "escalated_supervisor" not in chat.phrase_ids(handed_off)
    assert chat.data.case_number is not None and chat.data.case_number != CASE


def test_the_status_of_a_case_found_by_a_typed_phone_is_not_told(engine: ConversationEngine) -> None:
    stranger = CustomerView(open_case=OpenCase(CASE, DEADLINE, category="engineering_repair", by_typed_phone=True))
    chat = Chat(engine, customer=stranger)
    greeting = chat.send(Started())
    step = chat.send("我的投诉处理得怎么样了?")
    said = chat.texts(greeting) + chat.texts(step)
    assert CASE not in said and "status_answer" not in chat.phrase_ids(step)


def test_a_repeat_without_the_open_case_is_a_complex_new_case(engine: ConversationEngine) -> None:
    """The repeat grading is unchanged when there is no open case to link to (a resolved one)."""
    chat = Chat(engine, customer=CustomerView(phone="13800138000", prior_categories=frozenset({"property_service"})))
    chat.send(Started())
    chat.send("小区路灯又坏了")
    chat.send("阳光花园3栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.grade is Grade.COMPLEX


def test_a_threat_after_the_appeal_raises_the_appealed_case_again(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(phone="13800138000"))
    chat.send(Started())
    chat.send("路灯还是没修好")
    step = chat.send("再不修我就找记者曝光")
    assert step.handoff is None
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.appeal.escalation is not None and step.appeal.escalation.reason == "threat"


def test_a_later_message_of_the_appeal_joins_the_case_without_raising_it_again(engine: ConversationEngine) -> None:
    """The appealing conversation has no ticket of its own: what the customer adds goes to the
    case, where the supervisor working it reads it."""
    chat = Chat(engine, customer=with_open_case(phone="13800138000"))
    chat.send(Started())
    chat.send("路灯还是没修好")
    step = chat.send("晚上小孩出门差点摔倒")
    assert step.handoff is None
    assert step.appeal is not None
    assert (step.appeal.case_number, step.appeal.description, step.appeal.escalation) == (
        CASE,
        "晚上小孩出门差点摔倒",
        None,
    )
    assert chat.phrase_ids(step) == ["handoff_ack"]


# ---------------------------------------------------------------------------- the supervisor's call


def test_an_appeal_without_a_phone_asks_for_one_then_says_the_supervisor_will_call(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case())
    chat.send(Started())
    step = chat.send("路灯还是没修好")
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalation_ask_phone"]
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted"]
    assert "13912345678" in chat.texts(step)
    assert step.contact is not None and (step.contact.case_number, step.contact.phone) == (CASE, "13912345678")


def test_a_threat_without_a_phone_hears_the_apology_and_the_request_for_one_before_the_promise(
    engine: ConversationEngine,
) -> None:
    """Emotion first (seed 000 五(二)): "非常抱歉…已立即转交值班主管处理。请您留下…电话", and the
    time promised only after the phone and the place, with the restatement (seed 003: never reversed)."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
    assert "编号" not in chat.texts(step) and "答复" not in chat.texts(step)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    case_number = chat.data.case_number
    step = chat.send("139-1234-5678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "ask_area"]
    assert step.contact is not None and step.contact.case_number == case_number
    step = chat.send("阳光花园5栋")
    # A threat of the media is answered within the hour, as violence is (deadlines.yaml).
    assert chat.phrase_ids(step) == ["restate", "promise_within_an_hour", "case_number", "restated_check"]
    assert case_number is not None and case_number in chat.texts(step)


def test_a_supervisor_request_without_a_phone_asks_for_one(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了一个月了")
    step = chat.send("叫你们领导出来")
    assert chat.phrase_ids(step)[0] == "escalation_ask_phone"


def test_a_leader_asked_for_with_a_complaint_promises_when_the_answer_comes(engine: ConversationEngine) -> None:
    """The case goes to the duty supervisor with a deadline: the customer is told it, as for a
    threat, not only a case number."""
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send("你们客服态度太差了，挂我电话，我要找你们领导")
    assert chat.phrase_ids(step) == ["escalated_supervisor", "ask_area"]
    assert step.complaint is not None and step.complaint.deadline_at is not None
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == ["restate", "promise_by_date", "case_number", "restated_check"]


def test_a_known_phone_is_not_asked_for(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    assert "escalation_ask_phone" not in chat.phrase_ids(step)
    assert "escalated_supervisor" in chat.phrase_ids(step)


def test_a_refused_phone_is_not_asked_for_again(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    step = chat.send("我不想留电话")
    assert chat.phrase_ids(step) == ["escalation_without_phone", "ask_area"]
    step = chat.send("我要去法院起诉你们")
    assert "escalation_ask_phone" not in chat.phrase_ids(step)
    # The place question answered with more threats: no place, and the time promised.
    assert chat.phrase_ids(step) == [
        "escalated_supervisor",
        "restate",
        "promise_within_an_hour",
        "case_number",
        "restated_check",
    ]


def test_a_name_given_for_the_supervisors_call_is_kept_and_the_phone_asked_again(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    assert chat.phrase_ids(chat.send("我是赵先生")) == ["ask_phone"]
    assert chat.data.surname == "赵"
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "ask_area"]
    assert step.contact is not None and step.contact.phone == "13912345678"


def test_a_mistyped_phone_is_asked_for_once_more_then_the_case_goes_on(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    # Six digits: neither a mobile's first group ("139") nor its first two ("1391234"), which would be held.
    assert chat.phrase_ids(chat.send("139123")) == ["invalid_phone"]
    # Five digits alone: no piece of a number still being told (form.phone_first_piece_digits).
    assert chat.phrase_ids(chat.send("13912")) == ["escalation_without_phone", "ask_area"]
    assert chat.state is State.HANDED_OFF


@pytest.mark.parametrize(
    ("first", "contact", "phone_line"),
    [
        ("我要找你们经理 停车场的保安收了钱不给票", "13912345678", "电话：13912345678"),
        ("你们要赔偿我 小区的狗把我孩子咬了 物业根本不管", "不想给", "电话：未留电话，通过本次对话的渠道与您联系"),
    ],
)
def test_escalated_before_the_place_was_told_the_place_is_asked_with_the_phone_and_kept(
    engine: ConversationEngine, first: str, contact: str, phone_line: str
) -> None:
    """The supervisor needs to know where: the answer, in the customer's words, goes on the case;
    a customer who left no phone is not asked to keep one reachable."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send(first)
    case_number = chat.data.case_number
    assert chat.phrase_ids(chat.send(contact))[-1] == "ask_area"
    step = chat.send("幸福里小区北门")
    # The place is restated with the problem, then the time promised (not "地址已记录" first).
    assert chat.phrase_ids(step)[0] == "restate" and chat.data.area == "幸福里小区北门"
    assert chat.line(step, "地点：") == "地点：幸福里小区北门"
    assert chat.line(step, "电话：") == phone_line
    assert step.contact is not None and (step.contact.case_number, step.contact.area) == (case_number, "幸福里小区北门")
    step = chat.send("谢谢")
    assert "ask_area" not in chat.phrase_ids(step)


def test_asked_for_the_place_after_an_escalation_a_question_is_not_taken_as_it(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我要找你们经理 停车场的保安收了钱不给票")
    chat.send("13912345678")
    chat.send("经理什么时候打给我？")
    assert chat.data.area is None


@pytest.mark.parametrize(
    ("first", "contact", "then", "told"),
    [
        # The duty supervisor's path: the place asked first, the promise after it (or the chaser).
        (
            "叫你们领导出来",
            "13912345678",
            ["escalation_phone_noted", "ask_details"],
            ["description_recorded", "ask_area"],
        ),
        ("转人工", None, None, ["case_number", "ask_area"]),
    ],
)
def test_handed_over_before_any_problem_the_problem_told_next_is_registered_with_a_case_number(
    engine: ConversationEngine, first: str, contact: str | None, then: list[str] | None, told: list[str]
) -> None:
    """A person was asked for before the problem was told: the problem that follows gets its case
    number and promised time, on the ticket already waiting, not only "您的留言已转给客服代表"."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send(first)
    if contact is not None:
        assert chat.phrase_ids(chat.send(contact)) == then  # what the problem is, not where it is
    step = chat.send("我们小区电梯半个月没年检了")
    assert chat.phrase_ids(step)[-2:] == told
    assert step.complaint is not None and step.handoff is None  # the waiting ticket takes it
    assert step.complaint.description == "我们小区电梯半个月没年检了"
    assert chat.data.case_number == step.complaint.case_number
    step = chat.send("快点来人")
    assert chat.data.area is None  # urging us on is no place
    said = [phrase for step in chat.steps for phrase in chat.phrase_ids(step)]
    assert said.count("case_number") == 1
    step = chat.send("阳光花园2栋")
    assert str(chat.phrase_ids(step)[0]).startswith("place_noted") and chat.data.area == "阳光花园2栋"
    step = chat.send("还有楼道灯也坏了")
    assert step.complaint is None  # one case: more of it goes to the person, as any message does


def test_the_problem_told_when_asked_for_the_phone_after_a_threat_goes_on_the_case(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("你们再不处理我就打12345投诉 还要找电视台曝光你们")
    case_number = chat.data.case_number
    step = chat.send("小区垃圾一个月没清运了")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]  # not taken for "no phone"
    assert step.contact is not None and step.contact.case_number == case_number
    assert step.contact.more_of_the_problem == "小区垃圾一个月没清运了"
    step = chat.send("13900001111")
    assert chat.phrase_ids(step)[0] == "escalation_phone_noted" and chat.data.phone == "13900001111"


def test_a_problem_told_after_asking_for_a_person_keeps_the_place_and_phone_it_gives(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("转人工")
    step = chat.send("我家门口的下水道堵了 臭得不行 阳光花园5栋 电话13800001111")
    assert step.complaint is not None
    assert (step.complaint.contact_phone, step.complaint.area) == ("13800001111", "阳光花园5栋")
    assert "ask_area" not in chat.phrase_ids(step)


def test_a_place_alone_after_the_hand_off_goes_on_a_case_without_one(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我要找人工 我家热水器坏了")
    chat.send("臭味都飘到家里了")
    assert chat.data.area is None  # more of the story, though it names a home
    step = chat.send("阳光花园")
    assert str(chat.phrase_ids(step)[0]).startswith("place_noted") and chat.data.area == "阳光花园"
    assert step.contact is not None and step.contact.area == "阳光花园"


def test_when_it_is_handled_while_the_supervisors_phone_is_asked_is_answered_and_the_phone_asked_again(
    engine: ConversationEngine,
) -> None:
    """A new web chat names the case and repeats the problem; asked for a phone, the customer asks
    "什么时候处理": a question, no refusal. They hear the joined case's number and promised time,
    the phone is asked for again, and a number given next is the supervisor's to call."""
    status = CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=2, own=True)
    chat = Chat(engine, customer=CustomerView(named_cases=(status,)))
    chat.send(Started())
    step = chat.send(f"{CASE} 楼上还是天天半夜拖椅子 昨天投诉了到现在没人理")
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalation_ask_phone"]
    assert step.escalated_deadline is not None
    # As storage loads the appealing conversation: the case with the appeal's time.
    chat.customer = CustomerView(this_case=dataclasses.replace(status, deadline_at=step.escalated_deadline.deadline_at))
    step = chat.send("什么时候处理")
    assert chat.phrase_ids(step) == ["status_answer", "ask_phone"]
    assert CASE in chat.texts(step) and "今天下午4点前" in chat.texts(step)
    assert "值班主管会在这里" not in chat.texts(step)
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["escalation_phone_noted"]
    assert chat.data.phone == "13800138000"


def texted(engine: ConversationEngine, message: str, deadline: dt.datetime = DEADLINE) -> tuple[Chat, Step]:
    """A text from the phone of the customer's case filed on another channel, naming the case."""
    status = CaseStatus(CaseStage.WAITING, CASE, deadline, queue_position=2, own=True)
    open_case = OpenCase(CASE, deadline, status, category="engineering_repair")
    customer = CustomerView(phone="13800138000", phone_vouched=True, named_cases=(status,), open_case=open_case)
    chat = Chat(engine, customer=customer)
    return chat, chat.send(CustomerSaid(message, sender_phone="+8613800138000"))


@pytest.mark.parametrize("message", [f"{CASE} 处理到哪了 漏水还在漏", "处理到哪了 漏水还在漏"])
def test_asking_where_the_case_stands_within_its_time_is_no_appeal_even_with_the_problem_still_there(
    engine: ConversationEngine, message: str
) -> None:
    chat, step = texted(engine, message)
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    text = chat.texts(step)
    assert CASE in text and "排在第2位" in text and "明天上午11点前" in text
    assert "让您等了这么久" not in text and "值班主管" not in text
    assert step.appeal is None and step.handoff is None and step.complaint is None
    # The problem as it is now goes on the case for its staff.
    assert step.contact is not None and step.contact.case_number == CASE
    assert step.contact.more_of_the_problem == message


def test_asking_where_the_case_stands_with_no_problem_told_adds_nothing_to_it(engine: ConversationEngine) -> None:
    chat, step = texted(engine, f"{CASE} 处理到哪了")
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    assert step.contact is None and step.appeal is None


@pytest.mark.parametrize(
    "message",
    [
        f"{CASE} 处理到哪了 漏水还在漏 你们根本不管",
        f"{CASE} 处理到哪了 漏水还在漏 你们就知道踢皮球",
        f"{CASE} 漏水还在漏 已经第三次投诉了 处理到哪了",
        # Still not handled, asked when or not: the same appeal, the same time.
        f"{CASE} 还是没来水！！ 到底什么时候来水",
        f"{CASE} 还是没来水！！",
    ],
)
def test_a_status_question_complaining_of_the_handling_is_an_appeal(engine: ConversationEngine, message: str) -> None:
    chat, step = texted(engine, message)
    assert chat.phrase_ids(step)[:2] == ["greeting_opening", "appeal_linked_escalated"]
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert "今天下午4点前" in chat.texts(step)
    assert step.escalated_deadline is not None and step.escalated_deadline.case_number == CASE


def test_a_status_question_after_the_cases_time_has_passed_is_an_appeal(engine: ConversationEngine) -> None:
    chat, step = texted(engine, f"{CASE} 处理到哪了 漏水还在漏", deadline=MONDAY_2PM - dt.timedelta(hours=2))
    assert chat.phrase_ids(step)[:2] == ["greeting_opening", "appeal_linked_overdue"]
    assert step.appeal is not None and step.appeal.case_number == CASE


def test_still_not_fixed_of_a_lift_case_is_an_appeal_though_it_reads_as_another_category(
    engine: ConversationEngine,
) -> None:
    """ "电梯还是没修好" reads as 物业服务 (电梯 alone), the open lift case was 工程维修: still its words."""
    status = CaseStatus(CaseStage.WAITING, case_number=CASE, deadline_at=DEADLINE, problem="电梯坏了三天了")
    customer = CustomerView(
        phone="13800138000", open_case=OpenCase(CASE, DEADLINE, status=status, category="engineering_repair")
    )
    chat = Chat(engine, customer=customer)
    chat.send(Started())
    step = chat.send("电梯还是没修好")
    assert "appeal_linked_escalated" in chat.phrase_ids(step)
    assert step.appeal is not None and step.appeal.case_number == CASE


def test_a_noise_still_there_beside_a_lift_case_is_a_new_complaint(engine: ConversationEngine) -> None:
    status = CaseStatus(CaseStage.WAITING, case_number=CASE, deadline_at=DEADLINE, problem="电梯坏了三天了")
    customer = CustomerView(
        phone="13800138000", open_case=OpenCase(CASE, DEADLINE, status=status, category="engineering_repair")
    )
    chat = Chat(engine, customer=customer)
    chat.send(Started())
    step = chat.send("楼上噪音还是没人管 天天半夜拍球")
    assert not {"appeal_linked", "appeal_linked_escalated"} & set(chat.phrase_ids(step)) and step.appeal is None


@pytest.mark.parametrize("told", ["电梯还是没修好", "TS_OWN 电梯还是没修好", "还是没修好！！"])
def test_still_not_fixed_after_the_hand_off_goes_on_this_conversation_s_case(
    engine: ConversationEngine, told: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了三天了 锦绣家园6号楼 电话13912345678")
    chat.send("对")
    own = chat.data.case_number
    assert own is not None and chat.state is State.HANDED_OFF
    step = chat.send(told.replace("TS_OWN", own))
    assert chat.phrase_ids(step) == ["status_apology", "status_answer"]
    assert own in chat.texts(step)
    assert step.contact is not None and step.contact.case_number == own
    assert chat.state is State.HANDED_OFF and chat.data.case_number == own and chat.data.case_check is None


def test_an_appeal_keeps_a_time_in_force_sooner_than_the_appeal_s(engine: ConversationEngine) -> None:
    sooner = MONDAY_2PM + dt.timedelta(hours=1)
    chat = Chat(engine, customer=with_open_case(phone="13800138000", deadline=sooner))
    chat.send(Started())
    step = chat.send("小区路灯还是坏的,晚上一片漆黑")
    assert chat.phrase_ids(step) == ["appeal_linked", "escalated_supervisor"]
    assert "今天下午3点前" in chat.texts(step) and step.escalated_deadline is None


def test_an_overdue_case_appealed_hears_the_appeal_s_new_time(engine: ConversationEngine) -> None:
    missed = MONDAY_2PM - dt.timedelta(hours=1)
    chat = Chat(engine, customer=with_open_case(phone="13800138000", deadline=missed))
    chat.send(Started())
    step = chat.send("小区路灯还是坏的,晚上一片漆黑")
    assert chat.phrase_ids(step) == ["appeal_linked_overdue", "escalated_deadline", "escalated_supervisor"]
    assert "今天下午4点前" in chat.texts(step)
    assert step.escalated_deadline is not None and step.escalated_deadline.deadline_at > MONDAY_2PM


def test_an_appeal_with_a_threat_gets_the_threat_s_hour(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(phone="13800138000"))
    chat.send(Started())
    step = chat.send("小区路灯还是没修好 再不修我就去工信部投诉")
    assert chat.phrase_ids(step)[0] == "appeal_linked_escalated"
    assert "今天下午3点前" in chat.texts(step)
    assert step.escalated_deadline is not None and step.escalated_deadline.signals == ("media_legal",)
