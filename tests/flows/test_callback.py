"""Closing the loop (seed 000 四(五) 跟踪总结): after a person resolved the case, a message saying
the problem is not fixed reopens it at any step of the callback and is never a rating; a real
rating is asked with options and a numbered answer picks one (issue 12 item 9)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.messages import Option
from bot.flows.complaint import Resolved, Step, TimerKind
from bot.flows.records import State
from tests.flows.chat import SHANGHAI, Chat

NOT_FIXED = [
    "路灯还是没修好啊",
    "等了两天还是没修好",
    "根本没解决",
    "又坏了",
    "還是沒修好",
    "路灯还是不亮,5号楼门口",
    "still not fixed",
    "It broke again after two days",
    "还是没解决 钱根本没退",
]


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _resolved(engine: ConversationEngine, problem: str = "小区5号楼门口的路灯坏了一个星期了") -> Chat:
    chat = Chat(engine)
    chat.send(problem)
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    chat.send("对")
    assert chat.steps[-1].handoff is not None
    assert chat.send(Resolved()).state is State.RESOLVED
    return chat


def _asked(engine: ConversationEngine) -> tuple[Chat, Step]:
    chat = _resolved(engine)
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat, step


def _assert_reopened(chat: Chat, step: Step, rating: int | None) -> None:
    assert step.reopen and chat.state is State.HANDED_OFF
    assert chat.phrase_ids(step)[0] == "satisfaction_reopened"
    assert "satisfaction_ask_rating" not in chat.phrase_ids(step)
    assert step.satisfaction is not None
    assert (step.satisfaction.resolved, step.satisfaction.rating) == (False, rating)
    # The resolved case itself is reopened once the step is stored (Tracker.reopen_case: graded,
    # promised again with a concrete time, as staff reopen one), no new case.
    assert step.complaint is None
    assert not chat.data.timers


@pytest.mark.parametrize("text", NOT_FIXED)
def test_not_fixed_instead_of_a_rating_reopens(engine: ConversationEngine, text: str) -> None:
    chat, _ = _asked(engine)
    _assert_reopened(chat, chat.send(text), rating=None)


def test_not_fixed_before_the_callback_was_asked_reopens(engine: ConversationEngine) -> None:
    chat = _resolved(engine)
    _assert_reopened(chat, chat.send("路灯还是没修好啊"), rating=None)


def test_not_fixed_after_the_rating_reopens_and_keeps_the_score(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    chat.send("4")
    assert chat.state is State.AWAIT_COMMENT
    _assert_reopened(chat, chat.send("刚才看了一下,路灯又不亮了"), rating=4)


@pytest.mark.parametrize(("answer", "score"), [("5", 5), ("5分", 5), ("打五分吧", 5), ("两分", 2), ("4 stars", 4)])
def test_a_real_rating_is_recorded(engine: ConversationEngine, answer: str, score: int) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.state is State.AWAIT_COMMENT and chat.data.rating == score
    # A good score is thanked; a low one ("两分") is apologised for before its comment is asked.
    asked = "satisfaction_ask_comment" if score > 3 else "satisfaction_sorry_ask_comment"
    assert chat.phrase_ids(step) == [asked]


def test_a_score_and_a_comment_at_once_are_recorded_together(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    step = chat.send("5分,师傅处理很及时")
    assert chat.state is State.CLOSED
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (5, "师傅处理很及时")
    assert chat.phrase_ids(step) == ["satisfaction_thanks"]


def test_a_score_written_before_the_callback_asks_is_the_answer(engine: ConversationEngine) -> None:
    chat = _resolved(engine)
    step = chat.send("4分吧 师傅态度还行 就是来得太晚")
    assert "satisfaction_ask_rating" not in chat.phrase_ids(step)
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (4, "师傅态度还行 就是来得太晚")
    assert chat.phrase_ids(step) == ["satisfaction_sorry"] and chat.state is State.CLOSED
    assert TimerKind.SATISFACTION_CALLBACK not in chat.data.timers


def test_a_hello_before_the_callback_is_answered_with_its_question(engine: ConversationEngine) -> None:
    chat = _resolved(engine)
    step = chat.send("你好")
    assert chat.phrase_ids(step) == ["satisfaction_ask_rating"] and chat.state is State.AWAIT_RATING


@pytest.mark.parametrize("answer", ["等了两天", "5号楼", "好的"])
def test_words_that_only_hold_a_digit_are_not_a_rating(engine: ConversationEngine, answer: str) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.state is State.AWAIT_RATING and chat.data.rating is None
    assert chat.phrase_ids(step) == ["satisfaction_rating_reask"]


def test_the_rating_is_asked_with_options_and_their_numbered_text(engine: ConversationEngine) -> None:
    _, step = _asked(engine)
    [question] = step.replies
    assert question.options == tuple(Option(label=str(score), value=str(score)) for score in range(1, 6))
    assert question.options_text == "（请您回复数字1-5）"


def test_a_number_picks_the_offered_option(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send("小区5号楼门口的路灯坏了一个星期了")
    chat.send("13800138000")
    step = chat.send("阳光花园5栋")
    assert step.replies[-1].options_text == "请您回复数字：\n1. 对\n2. 不对"
    chat.send("1")  # the first option, "对"
    assert chat.state is State.HANDED_OFF


def test_a_status_question_after_the_resolution_is_told_it_is_resolved_then_asked_to_rate(
    engine: ConversationEngine,
) -> None:
    chat = _resolved(engine)
    step = chat.send("我的投诉处理得怎么样了?")
    assert chat.phrase_ids(step) == ["status_answer", "satisfaction_ask_rating"]
    assert "已处理完毕" in step.replies[0].text and (chat.data.case_number or "?") in step.replies[0].text
    assert chat.state is State.AWAIT_RATING and step.satisfaction is None


@pytest.mark.parametrize(
    ("answer", "rating", "comment", "reply"),
    [
        ("4 stars but he was 2 hours late", 4, "but he was 2 hours late", "satisfaction_sorry"),
        ("5分师傅很好", 5, "师傅很好", "satisfaction_thanks"),
        ("不是很满意，师傅来晚了", 2, "不是很满意，师傅来晚了", "satisfaction_sorry"),
        ("非常满意 谢谢你们", 5, "非常满意 谢谢你们", "satisfaction_thanks"),
        # A hedged score over the first clauses, the rest the comment (play-cust 79).
        ("meh, 3 I guess. took too long", 3, "took too long", "satisfaction_sorry"),
        ("大概3分吧，等太久了", 3, "等太久了", "satisfaction_sorry"),
    ],
)
def test_a_score_with_more_said_records_both_and_closes(
    engine: ConversationEngine, answer: str, rating: int, comment: str, reply: str
) -> None:
    """A low score or a comment that complains hears an apology, never "这是我们的工作职责"."""
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == [reply]
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment, step.satisfaction.resolved) == (rating, comment, True)


@pytest.mark.parametrize(
    ("answer", "rating", "asked"),
    [
        ("挺满意的", 4, "satisfaction_ask_comment"),
        ("一般般吧", 3, "satisfaction_sorry_ask_comment"),
        ("很不满意", 1, "satisfaction_sorry_ask_comment"),
        ("太差了", 1, "satisfaction_sorry_ask_comment"),
    ],
)
def test_a_rating_in_words_is_a_score_and_the_comment_is_asked_for(
    engine: ConversationEngine, answer: str, rating: int, asked: str
) -> None:
    """Thanks for a good rating; for a low one ("太差了") an apology, never "谢谢您的评价"."""
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == [asked]
    assert chat.data.rating == rating
    assert ("谢谢您的评价" in chat.texts(step)) is (rating > 3)


def test_cantonese_not_solved_reopens_the_case(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    step = chat.send("冇解決")
    _assert_reopened(chat, step, None)


@pytest.mark.parametrize(
    ("again", "score"), [("其实挺满意的", 4), ("满意", 4), ("5分", 5), ("改成5分吧", 5), ("actually 5 stars", 5)]
)
def test_a_score_given_again_for_the_comment_replaces_the_first(
    engine: ConversationEngine, again: str, score: int
) -> None:
    """ "还行吧" is a 3 and the comment is asked for; rated again before the callback is over, the
    later score is the evaluation, recorded once, and a satisfied customer is thanked."""
    chat, _ = _asked(engine)
    asked = chat.send("还行吧")
    assert chat.data.rating == 3 and chat.phrase_ids(asked) == ["satisfaction_sorry_ask_comment"]

    step = chat.send(again)

    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment, step.satisfaction.resolved) == (score, None, True)
    assert chat.phrase_ids(step) == ["satisfaction_thanks"] and chat.state is State.CLOSED
    assert chat.data.rating is None


def test_a_score_given_again_with_a_comment_keeps_both(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    chat.send("还行吧")
    step = chat.send("5分，师傅其实挺负责的")
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (5, "师傅其实挺负责的")
    assert chat.phrase_ids(step) == ["satisfaction_thanks"]


@pytest.mark.parametrize("comment", ["师傅态度还行 就是来得太晚", "师傅很好", "好的", "两分钟就来了"])
def test_a_comment_naming_a_rating_word_among_others_is_the_comment(engine: ConversationEngine, comment: str) -> None:
    chat, _ = _asked(engine)
    chat.send("4")
    step = chat.send(comment)
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (4, comment)


@pytest.mark.parametrize(
    ("answer", "rating"),
    [("还行吧 就是太慢了", 3), ("还行吧，就是太慢了", 3), ("不太满意 师傅态度还行", 2), ("师傅态度还行 不太满意", 2)],
)
def test_a_rating_in_words_with_more_said_is_recorded_with_it_and_apologised_for(
    engine: ConversationEngine, answer: str, rating: int
) -> None:
    """The comment told with the score is not asked for again; 还行 about the staff's manner is no
    3 beside 不太满意, the longer phrase."""
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (rating, answer)
    assert chat.phrase_ids(step) == ["satisfaction_sorry"] and chat.state is State.CLOSED


@pytest.mark.parametrize(
    "answer", ["师傅都没来过 怎么就处理完了", "你们怎么知道修好了？师傅都没来过", "nobody came, how is it fixed?"]
)
def test_nobody_came_at_the_callback_is_not_resolved_and_reopens(engine: ConversationEngine, answer: str) -> None:
    """Told nobody came, the customer hears the case is taken up again (``satisfaction_reopened``),
    not "您的问题已处理完毕" and the rating question once more; "修好了" in the question is no praise."""
    chat, _ = _asked(engine)
    step = chat.send(answer)
    _assert_reopened(chat, step, None)
    assert "status_answer" not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("answer", "rating"),
    [
        ("两天了,师傅还没来", None),
        ("2分，师傅到现在都还没来，说什么处理完毕", 2),
        ("2分，師傅到現在都還沒來，說什麼處理完畢", 2),
    ],
)
def test_the_technician_still_not_come_reopens_with_the_score(
    engine: ConversationEngine, answer: str, rating: int | None
) -> None:
    """Nobody came yet, told with or without a score: not resolved (the case reopened, the score
    kept), never "非常抱歉这次没能让您满意！…再见！" and a resolved case closed."""
    chat, _ = _asked(engine)
    step = chat.send(answer)
    _assert_reopened(chat, step, rating)
    assert "satisfaction_sorry" not in chat.phrase_ids(step)


def test_a_comment_saying_the_problem_goes_on_reopens_with_the_score(engine: ConversationEngine) -> None:
    """Rated 1, then the guard complained of "还在东门骂人" and "你们骗谁呢": reopened, the 1 recorded."""
    chat = Chat(engine)
    for text in ("东门的保安天天骂人", "13800138000", "阳光花园5栋", "对"):
        chat.send(text)
    chat.send(Resolved())
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    chat.send("1")
    step = chat.send("保安根本没调岗，今天早上还在东门骂人，你们骗谁呢")
    _assert_reopened(chat, step, 1)


def test_a_score_given_again_saying_it_goes_on_reopens_with_the_new_score(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    for text in ("楼上装修太吵了", "13800138000", "阳光花园5栋", "对"):
        chat.send(text)
    chat.send(Resolved())
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    chat.send("4")
    _assert_reopened(chat, chat.send("改成3分吧，晚上还是有点吵"), 3)


def test_a_comment_on_the_handling_with_a_good_score_is_no_reopening(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    chat.send("4")
    step = chat.send("师傅还是挺负责的")
    assert not step.reopen and chat.state is State.CLOSED
    assert step.satisfaction is not None and step.satisfaction.resolved


@pytest.mark.parametrize("answer", ["10分", "0", "打100分"])
def test_a_score_out_of_range_hears_only_the_range(engine: ConversationEngine, answer: str) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["satisfaction_rating_range"] and chat.state is State.AWAIT_RATING
    assert chat.texts(step) == "请回复1到5分（5分最满意）。"
    assert [option.value for option in step.replies[0].options] == ["1", "2", "3", "4", "5"]
    assert chat.phrase_ids(chat.send("5")) == ["satisfaction_ask_comment"]


@pytest.mark.parametrize("answer", ["唔满意 单车都仲未搵返", "唔滿意 單車都仲未搵返", "唔係好满意 仲未搵返"])
def test_cantonese_unhappy_and_still_not_done_reopens_with_a_low_score(engine: ConversationEngine, answer: str) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert "satisfaction_thanks" not in chat.phrase_ids(step)
    _assert_reopened(chat, step, rating=2)


@pytest.mark.parametrize("answer", ["唔满意", "唔滿意", "唔係好满意"])
def test_cantonese_unhappy_alone_is_a_low_score(engine: ConversationEngine, answer: str) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["satisfaction_sorry_ask_comment"]
    assert chat.data.rating == 2


@pytest.mark.parametrize(
    ("answer", "comment"),
    [("給3分吧 處理太慢了", "處理太慢了"), ("麻麻地 3分啦 等咗成個禮拜", "麻麻地 3分啦 等咗成個禮拜")],
)
def test_a_score_with_a_complaint_about_slowness_keeps_the_case_resolved(
    engine: ConversationEngine, answer: str, comment: str
) -> None:
    chat, _ = _asked(engine)
    step = chat.send(answer)
    assert not step.reopen and step.complaint is None
    assert chat.phrase_ids(step) == ["satisfaction_sorry"]
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment, step.satisfaction.resolved) == (3, comment, True)
    assert chat.state is State.CLOSED


@pytest.mark.parametrize("answer", ["冇喇 唔該", "没有了 谢谢", "nope thats all"])
def test_nothing_more_at_the_comment_question_is_the_farewell(engine: ConversationEngine, answer: str) -> None:
    chat, _ = _asked(engine)
    chat.send("3")
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["satisfaction_sorry"]
    assert step.satisfaction is not None
    assert (step.satisfaction.rating, step.satisfaction.comment) == (3, None)
    assert chat.state is State.CLOSED


@pytest.mark.parametrize(
    ("score", "comment"), [("4", "师傅态度挺好的 就是电梯修得太慢了 下次快点"), ("5", "很好 建议下次早点通知")]
)
def test_a_good_score_with_a_suggestion_is_thanked_for_it_not_praised(
    engine: ConversationEngine, score: str, comment: str
) -> None:
    chat, _ = _asked(engine)
    chat.send(score)
    step = chat.send(comment)
    assert chat.phrase_ids(step) == ["satisfaction_suggestion"]
    assert "宝贵建议" in chat.texts(step) and "工作职责" not in chat.texts(step)


def test_a_good_score_with_criticism_in_english_is_thanked_for_the_suggestion(engine: ConversationEngine) -> None:
    chat, _ = _asked(engine)
    step = chat.send("4 stars but it took way too long")
    assert chat.phrase_ids(step) == ["satisfaction_suggestion"]
    assert "valuable suggestion" in chat.texts(step)


def _resolved_complaint(engine: ConversationEngine, complaint: str, place: str) -> Chat:
    chat = Chat(engine)
    for text in (complaint, "13611112222", place, "对"):
        chat.send(text)
    chat.send(Resolved(summary="已处理"))
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat


def test_a_good_score_beside_the_problem_still_going_on_reopens_with_the_score(engine: ConversationEngine) -> None:
    """cb-c26: "5分 但是那狗昨晚还在叫" was thanked as a suggestion and the case closed resolved."""
    chat = _resolved_complaint(engine, "小区里的狗天天乱叫 吵死了", "丰泽园3栋")
    step = chat.send("5分 但是那狗昨晚还在叫")
    assert "宝贵建议" not in chat.texts(step)
    _assert_reopened(chat, step, rating=5)


def test_the_problem_back_in_english_at_the_comment_question_reopens_with_the_score(
    engine: ConversationEngine,
) -> None:
    """cb-c22: "meh 3 i guess", then "the bins are full again tho" was apologised for and closed."""
    chat = _resolved_complaint(engine, "ok whatever 我们楼下的垃圾桶满了三天了 都臭了", "丽景花园B座")
    assert chat.phrase_ids(chat.send("meh 3 i guess")) == ["satisfaction_sorry_ask_comment"]
    step = chat.send("the bins are full again tho")
    assert "Goodbye" not in chat.texts(step)
    _assert_reopened(chat, step, rating=3)


@pytest.mark.parametrize("comment", ["师傅一直很耐心", "还是要谢谢你们"])
def test_a_still_word_in_praise_or_thanks_keeps_the_case_resolved(engine: ConversationEngine, comment: str) -> None:
    chat, _ = _asked(engine)
    chat.send("5")
    step = chat.send(comment)
    assert not step.reopen and chat.state is State.CLOSED


def _noise_resolved_and_asked(engine: ConversationEngine) -> Chat:
    chat = _resolved(engine, "小区广场舞每天晚上跳到十点多 音响开得巨响 吵得孩子没法写作业")
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat


@pytest.mark.parametrize(
    "answer",
    ["你们说9点前结束 今晚还是跳到十点多 根本没用", "我都说了还在跳 你听不懂吗", "还在跳", "根本没用", "跟没处理一样"],
)
def test_the_problem_going_on_in_the_customer_s_own_words_reopens(engine: ConversationEngine, answer: str) -> None:
    """Play-cust (SMS 回访): a still word before a word of the problem told, or the handling called
    useless, is "没解决" without the word."""
    chat = _noise_resolved_and_asked(engine)
    _assert_reopened(chat, chat.send(answer), rating=None)


@pytest.mark.parametrize("answer", ["我还在上班 晚点再说", "还在等你们电话呢", "我还是那个电话"])
def test_a_still_word_about_something_else_is_no_reopening(engine: ConversationEngine, answer: str) -> None:
    chat = _noise_resolved_and_asked(engine)
    step = chat.send(answer)
    assert not step.reopen and chat.state is State.AWAIT_RATING


@pytest.mark.parametrize(
    ("resolved_at", "called_back_at"),
    [
        # Resolved at 14:00 on a Monday: two hours later, within service hours.
        (dt.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI), dt.datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)),
        # Resolved at 23:13 on a Monday: not at 01:13, but when the service opens on Tuesday.
        (dt.datetime(2026, 11, 23, 23, 13, tzinfo=SHANGHAI), dt.datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI)),
        # Resolved on a Friday evening: the next working day's opening, Monday.
        (dt.datetime(2026, 11, 27, 20, 0, tzinfo=SHANGHAI), dt.datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)),
    ],
)
def test_the_callback_is_made_within_service_hours(
    engine: ConversationEngine, resolved_at: dt.datetime, called_back_at: dt.datetime
) -> None:
    chat = Chat(engine, now=resolved_at - dt.timedelta(minutes=10))
    for text in ("小区5号楼门口的路灯坏了一个星期了", "13800138000", "阳光花园5栋", "对"):
        chat.send(text)
    chat.now = resolved_at
    step = chat.send(Resolved())
    [armed] = [timer for timer in step.timers if timer.kind is TimerKind.SATISFACTION_CALLBACK]
    assert armed.due_at == called_back_at


STILL_THERE = ["the problem is still there", "it's still there", "still happening", "still leaking"]


def _resolved_in_english(engine: ConversationEngine) -> Chat:
    chat = Chat(engine, locale="en")
    for text in ("Water leaking from the ceiling", "13611112222", "Block 2, Taikoo Shing", "yes"):
        chat.send(text)
    assert chat.steps[-1].handoff is not None
    chat.send(Resolved(summary="fixed"))
    return chat


@pytest.mark.parametrize("text", STILL_THERE)
def test_the_problem_still_there_in_english_reopens_at_any_step(engine: ConversationEngine, text: str) -> None:
    """As "没解决" does: before the rating is asked, instead of a score, and as the comment after one."""
    before = _resolved_in_english(engine)
    _assert_reopened(before, before.send(text), rating=None)
    asked = _resolved_in_english(engine)
    asked.send(asked.timer(TimerKind.SATISFACTION_CALLBACK))
    _assert_reopened(asked, asked.send(text), rating=None)
    rated = _resolved_in_english(engine)
    rated.send(rated.timer(TimerKind.SATISFACTION_CALLBACK))
    rated.send("3")
    assert rated.state is State.AWAIT_COMMENT
    _assert_reopened(rated, rated.send(text), rating=3)


@pytest.mark.parametrize("text", ["are you still there?", "you still there"])
def test_asking_whether_the_bot_is_still_there_reopens_nothing(engine: ConversationEngine, text: str) -> None:
    chat = _resolved_in_english(engine)
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    step = chat.send(text)
    assert not step.reopen and chat.state is State.AWAIT_RATING
    assert chat.phrase_ids(step) == ["satisfaction_rating_reask"]
