"""Questions, praise and suggestions are not complaints (issue 12 item 4; seed 001 situations
(10), (15), (16)): each gets its standard answer, and only a complaint opens a complaint."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Grade, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.data import FlowData
from bot.flows.records import CustomerView, State
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def started(engine: ConversationEngine, **kwargs: object) -> Chat:
    chat = Chat(engine, **kwargs)  # type: ignore[arg-type]
    chat.send(Started())
    return chat


def kinds(chat: Chat) -> list[TimelineKind]:
    return [event.kind for step in chat.steps for event in step.audit]


# --------------------------------------------------------------------------- consultation (咨询), seed 001 (16)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("请问你们营业时间是几点?", "business_hours"),
        ("请问服务中心在哪里?", "service_hall"),
        ("你们物业办公室在哪里", "service_hall"),
        ("管理处在哪", "service_hall"),
        ("怎么报修", "how_to_report"),
        ("請問你們營業時間是幾點?", "business_hours"),
        ("投诉一般多久能答复?", "reply_time"),
        ("How long until you reply to a complaint?", "reply_time"),
        ("你是机器人吗？", "bot_identity"),  # said so, and how to reach a person; nothing recorded
        ("你是真人还是机器人", "bot_identity"),
        ("Are you a bot?", "bot_identity"),
    ],
)
def test_a_question_the_faq_answers_gets_its_answer_and_no_complaint(
    engine: ConversationEngine, question: str, entry: str
) -> None:
    chat = started(engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == [f"faq:{entry}", "anything_else"]
    assert step.complaint is None and step.handoff is None
    assert chat.state is State.AWAIT_DESCRIPTION and chat.data.description == []
    assert TimelineKind.FAQ_ANSWERED in kinds(chat)


def test_the_faq_answers_in_the_customers_language(engine: ConversationEngine) -> None:
    chat = started(engine, locale="en")
    step = chat.send("What are your opening hours?")
    assert step.replies[0].text.startswith("We are open 8:30 to 17:30 on working days")


def test_the_faq_says_the_deadlines_and_hours_the_manager_set_not_the_shipped_ones(
    service_config: ServiceConfig, understander: Understander
) -> None:
    """A manager shortens the complex deadline to 6 hours and opens at 9:00: the answers follow."""
    table = {**service_config.deadlines.table}
    table[Grade.COMPLEX] = {**table[Grade.COMPLEX], "standard": 6}
    config = service_config.model_copy(
        update={
            "deadlines": service_config.deadlines.model_copy(update={"table": table}),
            "calendar": service_config.calendar.model_copy(update={"business_hours": (dt.time(9, 0), dt.time(18, 0))}),
        }
    )
    chat = started(ConversationEngine(config, understander))
    replies = chat.texts(chat.send("投诉一般多久能答复?"))
    assert "复杂投诉在6个工作小时之内" in replies and "24" not in replies
    assert "每个工作日9:00至18:00" in chat.texts(chat.send("请问你们营业时间是几点?"))


def test_asked_its_work_number_the_bot_says_the_one_of_its_greeting(
    engine: ConversationEngine, service_config: ServiceConfig
) -> None:
    """Managers change the work number in service.yaml; the answer follows it, and the form goes on."""
    work_number = service_config.service.work_number
    chat = started(engine)
    assert f"{work_number}号" in chat.texts(chat.steps[0])
    chat.send("楼上漏水 漏到我家天花板了")
    step = chat.send("您的工号是多少？")
    assert chat.phrase_ids(step) == ["faq:work_number", "ask_phone"]
    assert f"我的工号是{work_number}" in chat.texts(step) and "{" not in chat.texts(step)
    assert chat.data.description == ["楼上漏水 漏到我家天花板了"]


def test_a_worker_s_number_asked_in_a_complaint_is_not_the_bot_s(engine: ConversationEngine) -> None:
    chat = started(engine)
    step = chat.send("那个维修工的工号是多少 我要投诉他态度太差")
    assert "faq:work_number" not in chat.phrase_ids(step)
    assert chat.data.description


def test_an_unanswerable_question_asks_for_a_contact_then_goes_to_the_consultation_queue(
    engine: ConversationEngine,
) -> None:
    """Seed 001 (16): "对不起，请您留下可以联系到您的联系方式，我们查询后将尽快与您联系，好吗？" … "谢谢您的合作"."""
    chat = started(engine)
    step = chat.send("请问物业费可以用支付宝交吗?")
    assert chat.phrase_ids(step) == ["question_later"]
    assert "请您留下可以联系到您的联系方式，我们查询后将尽快与您联系" in chat.texts(step)
    assert step.handoff is None and chat.data.description == []
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.complaint is None
    assert step.handoff is not None and step.handoff.queue == "consultation" and step.handoff.reason == "consultation"
    assert chat.state is State.HANDED_OFF and chat.data.phone == "13800138000"
    asked = [event for s in chat.steps for event in s.audit if event.kind is TimelineKind.CONSULTATION_ASKED]
    assert asked[0].detail["text"] == "请问物业费可以用支付宝交吗?"


def test_an_unanswerable_question_from_a_known_phone_goes_to_the_consultation_queue_at_once(
    engine: ConversationEngine,
) -> None:
    chat = started(engine, customer=CustomerView(phone="13800138000"))
    step = chat.send("请问物业费可以用支付宝交吗?")
    assert chat.phrase_ids(step) == ["consultation_taken"]
    assert step.handoff is not None and step.handoff.queue == "consultation"
    assert step.complaint is None
    assert chat.data.timers == {}, "no idle prompt in a handed-off conversation"


def test_a_complaint_instead_of_the_contact_is_a_complaint(engine: ConversationEngine) -> None:
    chat = started(engine)
    chat.send("请问物业费可以用支付宝交吗?")
    step = chat.send("另外楼道的灯坏了一个星期了")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.consultation is None and chat.state is State.AWAIT_PHONE


def test_a_question_during_a_complaint_is_answered_and_the_complaint_goes_on(engine: ConversationEngine) -> None:
    chat = started(engine)
    chat.send("电梯经常停运")
    step = chat.send("请问投诉多久能答复?")
    assert chat.phrase_ids(step) == ["faq:reply_time", "ask_phone"]
    step = chat.send("请问物业费可以用支付宝交吗?")
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE and chat.data.description == ["电梯经常停运"]
    assert TimelineKind.CONSULTATION_ASKED in kinds(chat)


def test_a_question_that_describes_a_problem_is_a_complaint_first(engine: ConversationEngine) -> None:
    chat = started(engine)
    step = chat.send("请问宽带坏了怎么报修?")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.description == ["请问宽带坏了怎么报修?"]


def test_the_pending_question_survives_storage() -> None:
    data = FlowData(consultation="请问物业费可以用支付宝交吗?")
    assert FlowData.from_json(data.to_json()) == data
    assert data.copy() == data


# --------------------------------------------------------------------------- praise, seed 001 (15)


@pytest.mark.parametrize("praise", ["你们的维修师傅小王服务很好,非常满意", "谢谢,你们服务很好"])
def test_praise_gets_the_praise_answer_and_is_recorded_not_complained(engine: ConversationEngine, praise: str) -> None:
    """Seed 001 (15): further praise gets "这是我们的工作职责，感谢您对我们工作的支持，随时欢迎您再来咨询。"."""
    chat = started(engine)
    step = chat.send(praise)
    assert chat.phrase_ids(step) == ["praise_thanks", "anything_else"]
    assert "这是我们的工作职责，感谢您对我们工作的支持，随时欢迎您再来咨询" in chat.texts(step)
    assert step.complaint is None and step.handoff is None and chat.data.description == []
    recorded = [event for event in step.audit if event.kind is TimelineKind.SIDE_PRAISE]
    assert recorded and recorded[0].detail["text"] == praise


def test_plain_thanks_still_get_you_are_welcome(engine: ConversationEngine) -> None:
    """Seed 001 (15): thanks alone get "请不必客气"."""
    chat = started(engine)
    step = chat.send("谢谢")
    assert chat.phrase_ids(step)[0] == "customer_thanked"


def test_praise_during_a_complaint_keeps_the_current_question(engine: ConversationEngine) -> None:
    chat = started(engine)
    chat.send("电梯经常停运")
    step = chat.send("不过你们保安态度很好")
    assert chat.phrase_ids(step) == ["praise_thanks", "ask_phone"]
    assert chat.data.description == ["电梯经常停运"]


@pytest.mark.parametrize(
    ("polite", "expected"),
    [
        ("不好意思 我电话是13922220001", "ask_area"),
        ("谢谢 电话13922220001", "ask_area"),
        ("您好，是阳光花园2栋", "restate"),
    ],
)
def test_politeness_beside_an_item_is_no_side_answer_and_the_form_goes_on(
    engine: ConversationEngine, polite: str, expected: str
) -> None:
    chat = started(engine)
    chat.send("电梯经常停运")
    if expected == "restate":
        chat.send("13922220001")
    step = chat.send(polite)
    assert chat.phrase_ids(step)[0] == expected, chat.phrase_ids(step)
    assert not {"customer_apologised", "customer_thanked"} & set(map(str, chat.phrase_ids(step)))


# --------------------------------------------------------------------------- suggestion, seed 001 (10)


def test_a_long_suggestion_is_thanked_not_complained(engine: ConversationEngine) -> None:
    """Seed 001 (10), a suggestion of any length: "谢谢您，您提出的宝贵建议，我们将及时反馈给相关部门…"."""
    suggestion = (
        "我建议你们在小区门口增加一个快递柜,这样大家取快递更方便,"
        "另外晚上的路灯也可以考虑换成更亮一些的节能灯,方便家里的老人和孩子晚上出行"
    )
    assert len(suggestion) > 60
    chat = started(engine)
    step = chat.send(suggestion)
    assert chat.phrase_ids(step) == ["suggestion_thanks", "anything_else"]
    assert "您提出的宝贵建议，我们将及时反馈给相关部门" in chat.texts(step)
    assert step.complaint is None and step.handoff is None and chat.data.description == []
    recorded = [event for event in step.audit if event.kind is TimelineKind.SIDE_SUGGESTION]
    assert recorded[0].detail["text"] == suggestion


# --------------------------------------------------------------------------- the answers are safe to say


def test_no_faq_answer_contains_a_forbidden_phrase(service_config: ServiceConfig) -> None:
    from opencc import OpenCC

    guard = ForbiddenGuard(service_config.forbidden, OpenCC("t2s").convert)
    for entry in service_config.faq.entries:
        for text in (entry.answer.zh_cn, entry.answer.en):
            assert guard.check(text) is None, f"{entry.id}: {guard.check(text)}"


@pytest.mark.parametrize("hello", ["喂", "喂喂", "在吗"])
def test_a_hello_on_the_line_is_invited_to_speak_not_recorded(engine: ConversationEngine, hello: str) -> None:
    chat = started(engine)
    step = chat.send(hello)
    assert chat.phrase_ids(step) == ["invite_complaint_again"]
    assert chat.data.description == []


# --------------------------------------------------------------------------- questions right after the problem


@pytest.mark.parametrize(
    ("locale", "problem", "question", "answer"),
    [
        ("zh-CN", "楼上天天半夜跺脚吵得睡不着", "你们会不会告诉楼上是我投诉的？", "faq:confidentiality"),
        ("en", "my neighbour's dog barks all night", "will you tell him it was me?", "faq:confidentiality"),
        ("zh-CN", "我家卫生间漏水到楼下了", "物业什么时候上班", "faq:business_hours"),
        ("zh-CN", "我家卫生间漏水到楼下了", "处理要收费吗", "message_recorded"),
    ],
)
def test_a_question_right_after_the_problem_is_answered_not_taken_into_the_problem(
    engine: ConversationEngine, locale: str, problem: str, question: str, answer: str
) -> None:
    """Within the minute after the problem (form_reask_after), a question is answered (or
    recorded for the staff) and the phone asked again: it is not more of the problem."""
    chat = started(engine, locale=locale)
    chat.send(problem)
    chat.wait(2)
    step = chat.send(question)
    assert chat.phrase_ids(step) == [answer, "ask_phone"]
    assert chat.data.description == [problem]
    if answer == "message_recorded":
        assert TimelineKind.CONSULTATION_ASKED in kinds(chat)


def test_the_confidentiality_answer_says_the_complainant_is_kept_confidential(engine: ConversationEngine) -> None:
    chat = started(engine)
    chat.send("楼上天天半夜跺脚吵得睡不着")
    step = chat.send("你们会不会告诉楼上是我投诉的？")
    assert "保密" in chat.texts(step)


def test_a_question_about_opening_hours_first_is_answered_not_taken_as_a_complaint(engine: ConversationEngine) -> None:
    chat = started(engine)
    step = chat.send("物业什么时候上班")
    assert chat.phrase_ids(step) == ["faq:business_hours", "anything_else"]
    assert chat.data.description == []


# --------------------------------------------------------------------------- leaving before the case is registered


@pytest.mark.parametrize("goodbye", ["拜拜", "再见"])
def test_leaving_with_a_complaint_half_taken_is_told_it_is_not_registered_yet(
    engine: ConversationEngine, goodbye: str
) -> None:
    chat = started(engine)
    chat.send("楼上漏水")
    step = chat.send(goodbye)
    assert chat.phrase_ids(step) == ["goodbye_unfiled"]
    assert "还没有登记" in chat.texts(step)
    assert chat.data.description == ["楼上漏水"]
    assert chat.state is State.AWAIT_PHONE  # coming back, the form goes on
    step = chat.send("13700137000")
    assert chat.phrase_ids(step)[-1] == "ask_area"


def test_leaving_before_telling_anything_is_said_goodbye(engine: ConversationEngine) -> None:
    chat = started(engine)
    step = chat.send("拜拜")
    assert chat.phrase_ids(step) == ["withdrawn"]
    assert chat.state is State.CLOSED


def test_no_more_at_the_place_question_still_says_there_is_no_place(engine: ConversationEngine) -> None:
    chat = started(engine)
    chat.send("楼道的灯坏了")
    chat.send("13700137000")
    step = chat.send("没有了")
    assert "restate" in chat.phrase_ids(step)


@pytest.mark.parametrize("words", ["没有了 谢谢", "nope thats all", "没有了", "冇喇 唔該"])
@pytest.mark.parametrize("started", [False, True])
def test_nothing_more_before_anything_is_told_is_a_goodbye_not_a_complaint(
    conversation_engine: ConversationEngine, words: str, started: bool
) -> None:
    # The conversation after a closed one (the 回访's farewell) starts so: its first message is this.
    chat = Chat(conversation_engine)
    if started:
        chat.send(Started())
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["goodbye"]
    assert "已记录" not in chat.texts(step)
    assert chat.state is State.CLOSED and step.close_reason == "goodbye"
    assert not chat.data.description and step.complaint is None and step.handoff is None


@pytest.mark.parametrize("words", ["test", "测试一下", "你好 物业吗", "你这个机器人听得懂人话吗"])
def test_trying_the_service_first_is_greeted_and_asked_for_the_problem(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["greeting_opening", "invite_complaint"]
    assert "已记录" not in chat.texts(step)
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description
    step = chat.send("小区5号楼门口的路灯坏了一个星期了")
    assert "description_recorded" in chat.phrase_ids(step)
    assert chat.data.description == ["小区5号楼门口的路灯坏了一个星期了"]


def test_a_problem_told_with_small_talk_is_recorded(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("物业吗 我家停水了")
    assert "description_recorded" in chat.phrase_ids(step)
