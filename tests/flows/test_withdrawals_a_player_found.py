"""What a player found of giving a complaint up: a withdrawal in Cantonese or traditional characters
("算啦 唔投訴喇") is asked about at any step, never taken for the place nor more of the problem; a
withdrawal taken back with more of the problem ("还是投诉吧 路灯坏了晚上黑漆漆的") is answered; and a
customer who writes again after the bot said goodbye is always answered, never met with silence."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

NOISE = "樓上裝修好嘈"
LEAK = "樓上漏水"
PLACE = "太古城金星閣15樓B室"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def told(chat: Chat, *messages: str) -> None:
    for message in messages:
        assert chat.steps[-1].replies, "every message before was answered"
        chat.send(message)


def given_up_when_confirmed(chat: Chat, asked_in: State) -> None:
    step = chat.steps[-1]
    assert chat.phrase_ids(step) == ["withdraw_confirm"] and chat.state is asked_in
    step = chat.send("對")
    assert chat.phrase_ids(step) == ["withdrawn_not_filed"]
    assert chat.state is State.CLOSED and step.close_reason == "withdrawn"
    assert all(each.complaint is None and each.handoff is None for each in chat.steps)


@pytest.mark.parametrize(
    "words",
    [
        "算啦 唔投訴喇",
        "唔使理喇 唔投訴喇",
        "唔使投訴",
        "唔告啦",
        "不告了",
        "算了吧不弄了",
        "I don't want to complain anymore",
    ],
)
def test_a_withdrawal_at_the_place_question_is_asked_about_never_taken_for_the_place(chat: Chat, words: str) -> None:
    told(chat, NOISE, "91234567")
    assert chat.state is State.AWAIT_AREA
    chat.send(words)
    assert chat.data.area is None
    given_up_when_confirmed(chat, State.AWAIT_AREA)


@pytest.mark.parametrize("words", ["算啦 唔投訴喇", "唔投訴喇", "唔告啦", "算了吧不弄了"])
def test_a_withdrawal_at_the_restatement_is_asked_about_never_added_to_the_problem(chat: Chat, words: str) -> None:
    told(chat, NOISE, "91234567", PLACE)
    assert chat.state is State.CONFIRMING
    chat.send(words)
    assert chat.data.description == [NOISE]
    given_up_when_confirmed(chat, State.CONFIRMING)


@pytest.mark.parametrize("words", ["唔使理喇 唔投訴喇", "算數啦 唔投訴喇", "不告了"])
def test_a_withdrawal_at_the_phone_question_right_after_the_problem_is_answered(chat: Chat, words: str) -> None:
    """Within a minute of "已記錄", where more of the problem is heard out in silence."""
    told(chat, LEAK)
    chat.send(words)
    assert chat.data.description == [LEAK]
    given_up_when_confirmed(chat, State.AWAIT_PHONE)


def test_a_bare_never_mind_at_the_place_question_says_there_is_no_place(chat: Chat) -> None:
    told(chat, "路灯坏了", "13912345678")
    step = chat.send("never mind")
    assert chat.phrase_ids(step)[0] == "restate" and chat.data.area is None
    assert "never mind" not in chat.texts(step)


@pytest.mark.parametrize("before", [["路灯坏了"], ["路灯坏了", "13912345678"]])
def test_a_withdrawal_taken_back_with_more_of_the_problem_records_it_and_asks_again(
    chat: Chat, before: list[str]
) -> None:
    told(chat, *before)
    asked_in = chat.state
    assert chat.phrase_ids(chat.send("算了不投诉了")) == ["withdraw_confirm"]
    step = chat.send("还是投诉吧 路灯坏了晚上黑漆漆的")
    assert chat.phrase_ids(step)[0] == "description_recorded" and chat.state is asked_in
    assert chat.phrase_ids(step)[-1] in ("ask_phone", "ask_phone_again", "ask_area")
    assert chat.data.description == ["路灯坏了", "路灯坏了晚上黑漆漆的"]
    assert not chat.data.withdrawing


def test_a_withdrawal_taken_back_with_more_at_the_restatement_restates_it(chat: Chat) -> None:
    told(chat, "路灯坏了", "13912345678", "阳光花园3栋")
    chat.send("算了不投诉了")
    step = chat.send("还是投诉吧 路灯坏了晚上黑漆漆的")
    assert chat.phrase_ids(step)[0] == "restate" and chat.state is State.CONFIRMING
    problem = chat.line(step, "问题：")
    assert "晚上黑漆漆的" in problem and "还是投诉吧" not in problem
    step = chat.send("对")
    assert step.complaint is not None and step.handoff is not None


def test_the_problem_told_again_instead_of_answering_the_withdrawal_question_is_answered(chat: Chat) -> None:
    told(chat, "路灯坏了")
    chat.send("算了不投诉了")
    step = chat.send("路灯坏了一个星期了晚上黑漆漆的")
    assert step.replies and chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize("again", ["路灯坏了", "路灯坏了一个星期了 晚上好黑", "13912345678", "你好"])
def test_coming_back_after_a_goodbye_with_the_complaint_half_taken_is_answered(chat: Chat, again: str) -> None:
    told(chat, "路灯坏了")
    assert chat.phrase_ids(chat.send("拜拜")) == ["goodbye_unfiled"]
    step = chat.send(again)
    assert step.replies, "the customer wrote again after the goodbye: never silence"
    assert chat.state in (State.AWAIT_PHONE, State.AWAIT_AREA)


@pytest.mark.parametrize("again", ["你好", "hello", "早上好"])
def test_a_hello_after_the_goodbye_while_the_case_waits_is_greeted_back(chat: Chat, again: str) -> None:
    told(chat, "路灯坏了", "13912345678", "阳光花园3栋", "对")
    assert chat.state is State.HANDED_OFF
    assert chat.phrase_ids(chat.send("拜拜")) == ["goodbye"]
    step = chat.send(again)
    assert chat.phrase_ids(step) == ["greeting_opening", "anything_else"]
    assert chat.state is State.HANDED_OFF


def test_more_said_after_the_goodbye_while_the_case_waits_is_acknowledged(chat: Chat) -> None:
    """Within the acknowledgement's five minutes, where a plain addition is let pass."""
    told(chat, "路灯坏了", "13912345678", "阳光花园3栋", "对", "而且晚上很黑")
    assert chat.phrase_ids(chat.steps[-1]) == ["handoff_ack"]
    chat.send("拜拜")
    step = chat.send("已经好几天了")
    assert chat.phrase_ids(step) == ["handoff_ack"]


def test_no_choice_but_to_complain_in_cantonese_gives_nothing_up(chat: Chat) -> None:
    """ "唔投訴唔得" is "I have to complain": no question whether to give it up."""
    told(chat, LEAK)
    chat.wait(120)
    step = chat.send("唔投訴唔得喇")
    assert "withdraw_confirm" not in chat.phrase_ids(step) and chat.state is State.AWAIT_PHONE
