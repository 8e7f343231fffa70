"""Words before the callback's question (customer finding 2): after an agent resolved the case and
before the 回访 question, "还行吧" is no rating: the question, with the resolution, is asked. A mess
the technician left ("师傅把地弄脏了也没收拾") is the work left unfinished: the case is reopened, no
score taken from the words, and a score sent next is never a new complaint."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved
from bot.flows.records import State
from tests.flows.chat import Chat


def _resolved(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    for text in ["小区5号楼门口的路灯坏了一个星期了", "13800138000", "阳光花园5栋", "对"]:
        chat.send(text)
    assert chat.send(Resolved()).state is State.RESOLVED
    return chat


@pytest.mark.parametrize("words", ["还行吧", "還可以吧", "一般般", "ok I guess"])
def test_a_rating_in_words_before_the_question_hears_the_question(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = _resolved(conversation_engine)
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["satisfaction_ask_rating"] and step.satisfaction is None
    assert chat.state is State.AWAIT_RATING
    step = chat.send("3分")
    assert chat.phrase_ids(step) == ["satisfaction_sorry_ask_comment"] and chat.data.rating == 3


def test_a_numbered_score_before_the_question_is_still_the_answer(conversation_engine: ConversationEngine) -> None:
    chat = _resolved(conversation_engine)
    step = chat.send("3分")
    assert chat.phrase_ids(step) == ["satisfaction_sorry_ask_comment"] and chat.data.rating == 3


@pytest.mark.parametrize(
    "text",
    [
        "还行吧 但是师傅把地弄脏了也没收拾",
        "還可以吧 不過師傅走的時候垃圾都沒帶走",
        "修是修好了 就是没清理 一地的灰",
        "ok I guess but he left a mess",
    ],
)
def test_a_mess_left_before_the_question_reopens_without_a_score(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = _resolved(conversation_engine)
    step = chat.send(text)
    assert step.reopen and chat.state is State.HANDED_OFF
    assert chat.phrase_ids(step) == ["satisfaction_reopened"]
    assert step.satisfaction is not None and step.satisfaction.rating is None
    step = chat.send("3分")
    assert chat.state is State.HANDED_OFF and not step.reopen and step.handoff is None
