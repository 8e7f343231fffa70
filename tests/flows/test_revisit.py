"""A customer who writes again after the case was resolved, while the callback (回访) waits for
its rating: the problem back reopens the case, another problem is a new case, a score told with
"没解决" counts, and what the callback cannot place goes to the staff instead of a loop of the
rating question."""

from __future__ import annotations

import itertools

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Resolved, Step, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat

SQUARE_DANCE = "小区广场舞太吵了，每天晚上跳到十点多"
NO_WATER = "小区停水两天了"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _resolved(engine: ConversationEngine, problem: str) -> Chat:
    chat = Chat(engine)
    for text in (problem, "13800138000", "阳光花园5栋", "对"):
        chat.send(text)
    assert chat.steps[-1].handoff is not None
    assert chat.send(Resolved()).state is State.RESOLVED
    return chat


def _asked(engine: ConversationEngine, problem: str) -> Chat:
    chat = _resolved(engine, problem)
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat


def _reopened(chat: Chat, step: Step) -> bool:
    return (
        step.reopen
        and chat.state is State.HANDED_OFF
        and chat.phrase_ids(step)[0] == "satisfaction_reopened"
        and "satisfaction_ask_rating" not in chat.phrase_ids(step)
    )


@pytest.mark.parametrize(
    "text",
    [
        "你们说广场舞9点前结束，昨晚又跳到十一点，根本没人管",
        "又跳到十一点，根本没人管",
        "还是老样子",
        "昨晚又开始了",
        "广场舞还在跳，吵得睡不着",
    ],
)
def test_the_problem_back_reopens_the_case_with_its_agent(engine: ConversationEngine, text: str) -> None:
    chat = _asked(engine, SQUARE_DANCE)
    step = chat.send(text)
    assert _reopened(chat, step), chat.phrase_ids(step)
    assert step.satisfaction is not None and (step.satisfaction.resolved, step.satisfaction.comment) == (False, text)
    assert step.reopen and step.complaint is None  # the resolved case reopened, no new one


def test_the_problem_back_before_the_callback_asks_reopens_too(engine: ConversationEngine) -> None:
    chat = _resolved(engine, SQUARE_DANCE)
    step = chat.send("你们说广场舞9点前结束，昨晚又跳到十一点，根本没人管")
    assert _reopened(chat, step)


@pytest.mark.parametrize(
    ("problem", "text", "restated"),
    [
        (NO_WATER, "快递柜一直占用消防通道", "快递柜一直占用消防通道"),
        (NO_WATER, "我说的是快递柜占用消防通道，不是停水", "快递柜占用消防通道"),
        (SQUARE_DANCE, "另外，楼下快递柜一直占用消防通道", "楼下快递柜一直占用消防通道"),
        (SQUARE_DANCE, "小区的垃圾三天没人清理了", "垃圾三天没人清理"),
    ],
)
def test_another_problem_is_a_new_case_through_the_form(
    engine: ConversationEngine, problem: str, text: str, restated: str
) -> None:
    """Not the rating question: the new problem restated, promised with its own case number and
    handed to a person."""
    chat = _asked(engine, problem)
    first_case = chat.data.case_number

    step = chat.send(text)

    assert "satisfaction_ask_rating" not in chat.phrase_ids(step) and not step.reopen
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert restated in chat.texts(step) and "阳光花园5栋" in chat.texts(step)
    assert chat.state is State.CONFIRMING
    assert TimerKind.SATISFACTION_TIMEOUT not in chat.data.timers

    step = chat.send("对")

    assert step.handoff is not None and step.state is State.HANDED_OFF
    assert step.complaint is not None and step.complaint.case_number != first_case
    assert step.complaint.description == text and step.satisfaction is None
    assert "promise_by_date" in chat.phrase_ids(step) or "promise" in chat.phrase_ids(step)
    assert step.complaint.case_number in chat.texts(step)


def test_a_new_problem_somewhere_else_asks_for_that_place(engine: ConversationEngine) -> None:
    chat = _asked(engine, SQUARE_DANCE)
    step = chat.send("另外，幸福里小区3栋的电梯也坏了")
    assert "satisfaction_ask_rating" not in chat.phrase_ids(step)
    assert "阳光花园5栋" not in chat.texts(step)
    assert chat.data.area is not None and "幸福里" in chat.data.area


@pytest.mark.parametrize("texts", [["你好", "在吗", "嗯嗯"], ["？", "我问一下", "喂"]])
def test_what_the_callback_cannot_place_goes_to_the_staff_after_two_rating_questions(
    engine: ConversationEngine, texts: list[str]
) -> None:
    chat = _asked(engine, NO_WATER)
    answers = [chat.send(text) for text in texts]
    assert [chat.phrase_ids(step) for step in answers[:2]] == [
        ["satisfaction_rating_reask"],
        ["satisfaction_rating_range"],
    ]
    last = answers[-1]
    assert chat.phrase_ids(last) == ["message_recorded"]
    assert last.handoff is not None and last.handoff.reason is TicketReason.AFTER_RESOLUTION
    assert chat.state is State.HANDED_OFF and not chat.data.timers


@pytest.mark.parametrize(
    "texts", [["嗯", "？"], ["你们是谁", "hello"], ["？", "？"], ["10分", "嗯"], ["嗯", "10分"], ["0", "10分"]]
)
def test_the_rating_asked_again_is_shorter_and_never_the_same_words_twice_in_a_row(
    engine: ConversationEngine, texts: list[str]
) -> None:
    """Answered with no rating, the callback asks again in fewer words ("请您回复1到5分为这次处理
    评分…"), with the 1–5 choices; the next time in other words again; then a person has it."""
    chat = _asked(engine, NO_WATER)
    question = chat.texts(chat.steps[-1])
    said = [question]
    for text in texts:
        step = chat.send(text)
        assert chat.state is State.AWAIT_RATING and step.handoff is None, chat.phrase_ids(step)
        [reply] = step.replies
        assert [option.value for option in reply.options] == ["1", "2", "3", "4", "5"]
        assert len(reply.text) < len(question) and "1到5分" in reply.text
        said.append(reply.text)
    assert all(before != after for before, after in itertools.pairwise(said)), said
    last = chat.send("我问一下")
    assert chat.phrase_ids(last) == ["message_recorded"] and last.handoff is not None


def test_the_rating_asked_again_reads_as_configured(engine: ConversationEngine) -> None:
    chat = _asked(engine, NO_WATER)
    step = chat.send("嗯")
    assert chat.texts(step) == "请您回复1到5分为这次处理评分（5分最满意）；如果问题还没有解决，请回复“没解决”。"
    english = Chat(engine, locale="en")
    for text in ("No water in our building for two days", "13800138000", "Sunny Garden 5", "yes"):
        english.send(text)
    english.send(Resolved())
    english.send(english.timer(TimerKind.SATISFACTION_CALLBACK))
    assert english.texts(english.send("hello")) == (
        'Please rate how we handled it with a score from 1 to 5 (5 is best), or reply "not resolved" '
        "if the problem is still there."
    )


def test_a_rating_after_the_shorter_question_is_the_rating(engine: ConversationEngine) -> None:
    chat = _asked(engine, NO_WATER)
    chat.send("嗯")
    step = chat.send("4")
    assert chat.phrase_ids(step) == ["satisfaction_ask_comment"] and chat.data.rating == 4


def test_the_loop_of_the_tester_ends_with_a_new_case(engine: ConversationEngine) -> None:
    """停水 resolved; "快递柜…" then "我说的是快递柜…，不是停水": never the rating question again."""
    chat = _asked(engine, NO_WATER)
    said = [chat.send(text) for text in ("快递柜一直占用消防通道", "我说的是快递柜一直占用消防通道，不是停水")]
    assert all("satisfaction_ask_rating" not in chat.phrase_ids(step) for step in said)


def test_a_hello_before_the_callback_counts_as_a_rating_question(engine: ConversationEngine) -> None:
    chat = _resolved(engine, NO_WATER)
    steps = [chat.send(text) for text in ("你好", "在吗", "有人吗")]
    assert [chat.phrase_ids(step) for step in steps] == [
        ["satisfaction_ask_rating"],
        ["satisfaction_rating_reask"],
        ["message_recorded"],
    ]


def test_a_rating_after_one_question_again_is_still_a_rating(engine: ConversationEngine) -> None:
    chat = _asked(engine, NO_WATER)
    chat.send("你好")
    step = chat.send("5分，师傅很及时")
    assert step.satisfaction is not None and step.satisfaction.rating == 5
    assert chat.state is State.CLOSED


def test_a_complaint_about_how_the_case_was_handled_is_no_new_case(engine: ConversationEngine) -> None:
    chat = _asked(engine, NO_WATER)
    step = chat.send("维修师傅态度恶劣")
    assert chat.phrase_ids(step) == ["satisfaction_rating_reask"] and step.complaint is None


BILLING = "这个月物业费账单里多收了公摊费200元"


def test_disputing_the_result_of_the_resolved_case_reopens_it(engine: ConversationEngine) -> None:
    """ "公摊费凭什么收我的" after 多收了公摊费 was resolved reads as real estate, but it is the same
    matter: the case is reopened, not a new form "问题：公摊费凭什么收我的（房产/开发商）"."""
    chat = _asked(engine, BILLING)
    case_number = chat.data.case_number
    step = chat.send("公摊费凭什么收我的")
    assert _reopened(chat, step), chat.phrase_ids(step)
    assert "restate" not in chat.phrase_ids(step)
    assert step.reopen and step.complaint is None and chat.data.case_number == case_number


@pytest.mark.parametrize("answer", ["不对，不是新问题，就是刚才那个，你们根本没解决", "没解决", "就是刚才那个问题"])
def test_a_new_case_said_to_be_the_resolved_one_reopens_that_one(engine: ConversationEngine, answer: str) -> None:
    """Taken down as a new case, the customer says it is the resolved one: the new form is dropped
    and the resolved case reopened with its own number, never the confirmation asked again."""
    chat = _asked(engine, NO_WATER)
    case_number = chat.data.case_number
    assert chat.phrase_ids(chat.send("快递柜一直占用消防通道")) == ["restate", "confirm_question"]
    step = chat.send(answer)
    assert _reopened(chat, step), chat.phrase_ids(step)
    # The resolved case is the one reopened (its number and problem back), the new form dropped.
    assert step.reopen and step.complaint is None
    assert chat.data.case_number == case_number and chat.data.description == [NO_WATER]
    assert step.satisfaction is not None and not step.satisfaction.resolved
    assert not chat.data.timers


@pytest.mark.parametrize(("text", "score"), [("2分，根本没解决", 2), ("1分 还是没修好", 1), ("2分根本没解决", 2)])
def test_a_score_told_with_not_resolved_is_kept(engine: ConversationEngine, text: str, score: int) -> None:
    chat = _asked(engine, NO_WATER)
    step = chat.send(text)
    assert _reopened(chat, step)
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.resolved, step.satisfaction.comment) == (score, False, text)
