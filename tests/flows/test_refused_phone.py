"""A customer who will not give a phone can always file: the refusal heard in the words people
use, reassured once at most, then the place taken, ``phone_not_needed``, the restatement and the
case; never a message left unanswered."""

from __future__ import annotations

import itertools

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def started(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    return chat


@pytest.mark.parametrize(
    ("locale", "problem", "refusal", "place"),
    [
        ("zh-CN", "电梯一个月坏三次", "电话不方便给", "就是阳光花园门口"),
        ("zh-CN", "电梯一个月坏三次", "不想给电话", "就是阳光花园门口"),
        ("zh-CN", "电梯一个月坏三次", "电话就不给了", "阳光花园3栋"),
        ("en", "the lift in my building is broken again", "I dont want to give my phone", "Green Park block 2"),
        ("en", "the lift in my building is broken again", "no", "Green Park block 2"),
    ],
)
def test_a_refused_phone_is_reassured_once_then_the_place_files_the_complaint(
    conversation_engine: ConversationEngine, locale: str, problem: str, refusal: str, place: str
) -> None:
    chat = started(conversation_engine, locale)
    chat.send(problem)
    step = chat.send(refusal)
    assert chat.phrase_ids(step) == ["phone_reassure"]
    step = chat.send(place)
    assert chat.phrase_ids(step) == ["phone_not_needed", "restate", "confirm_question"]
    assert chat.data.area == place.removeprefix("就是") and chat.data.contact_by_channel
    done = chat.send("yes" if locale == "en" else "对")
    assert done.complaint is not None and done.complaint.case_number in chat.texts(done)
    said = [reply.phrase_id for step in chat.steps for reply in step.replies]
    assert said.count("phone_reassure") == 1 and said.count("ask_phone") == 1


def test_a_refusal_right_after_the_problem_is_answered_not_heard_out_in_silence(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("电梯一个月坏三次")
    chat.wait(2)
    step = chat.send("电话不方便给")
    assert chat.phrase_ids(step) == ["phone_reassure"]
    assert chat.data.description == ["电梯一个月坏三次"]


def test_after_the_reassurance_anything_else_is_answered_with_the_plain_question(
    conversation_engine: ConversationEngine,
) -> None:
    """Once reassured, the customer is not read the same reassurance after every message."""
    chat = started(conversation_engine)
    chat.send("电梯一个月坏三次")
    chat.send("不想给电话")
    step = chat.send("电梯里面还有股怪味")
    assert "phone_reassure" not in chat.phrase_ids(step) and step.replies
    assert chat.state is State.AWAIT_PHONE


def test_a_status_question_after_a_refusal_is_answered_and_the_phone_asked_saying_how_to_decline(
    conversation_engine: ConversationEngine,
) -> None:
    """ "不想留电话", reassured, then "什么时候能修好": the reply time is said and the phone question
    that follows says how to decline; the next one is in other words again."""
    chat = started(conversation_engine)
    chat.send("你们物业干什么吃的 电梯坏了三天没人管 我妈70多岁要爬20楼")
    assert chat.phrase_ids(chat.send("不想留电话")) == ["phone_reassure"]
    status = chat.send("什么时候能修好")
    assert chat.phrase_ids(status)[-1] == "ask_phone_again" and "不留" in chat.texts(status)
    chat.wait(2)
    more = chat.send("你们到底修不修")
    assert chat.phrase_ids(more)[-1] != "ask_phone_again" and chat.state is State.AWAIT_PHONE


def test_the_phone_question_is_never_said_twice_running_after_the_place_a_refusal_and_a_question(
    conversation_engine: ConversationEngine,
) -> None:
    """Played in Cantonese: the place, "唔想留電話", "幾時搞掂", "你哋到底修唔修": after the reply time
    the question says how to decline, and after more of the problem it is the plain one again."""
    chat = started(conversation_engine, "zh-CN")
    chat.send("喂 你哋管理處做咩食㗎 部電梯壞咗三日都冇人理 我阿媽70幾歲要行20層樓梯")
    chat.send("沙田第一城12座20樓C")
    chat.send("唔想留電話")
    chat.send("幾時搞掂")
    chat.wait(2)
    chat.send("你哋到底修唔修")
    said = [reply.phrase_id for step in chat.steps for reply in step.replies]
    asked = [phrase for phrase in said if phrase in ("ask_phone", "ask_phone_again")]
    assert asked[-2:] == ["ask_phone_again", "ask_phone"], said


def test_a_refusal_after_a_no_is_still_a_refusal(conversation_engine: ConversationEngine) -> None:
    """ "不给 凭什么要我电话": the "no" before the refusal does not cancel it."""
    chat = started(conversation_engine)
    chat.send("车库的灯坏了半个月 昨天我老婆在里面摔了一跤")
    step = chat.send("不给 凭什么要我电话")
    assert chat.phrase_ids(step) == ["phone_reassure"]


def test_a_phone_never_answered_is_asked_in_other_words_then_not_again(
    conversation_engine: ConversationEngine,
) -> None:
    """A customer who answers the phone question with anything but a number or a refusal is asked
    again saying how to decline, never the same words twice in a row, and after three asks evaded the
    case goes on without a phone (the place told meanwhile is no evasion). A first "对" agrees to give
    it: the number is asked for, no ask counted."""
    chat = started(conversation_engine)
    first = chat.send("车库的灯坏了半个月 昨天我老婆在里面摔了一跤")
    assert chat.phrase_ids(first)[-1] == "ask_phone"
    assert chat.phrase_ids(chat.send("对")) == ["ask_phone_number"]
    assert chat.phrase_ids(chat.send("对")) == ["ask_phone"]
    chat.wait(2)
    third = chat.send("你们赶紧派人来看看")
    assert "不留" in chat.texts(third)
    assert chat.phrase_ids(third)[-1] == "ask_phone_again" and chat.state is State.AWAIT_PHONE
    # The place is an answer to the form, no way round the phone: noted, the phone asked once more.
    fourth = chat.send("碧桂园凤凰城B区地下车库")
    assert chat.phrase_ids(fourth) == ["place_noted_ask_phone_form"] and not chat.data.contact_by_channel
    assert chat.phrase_ids(chat.send("对")) == ["ask_phone_number"]
    sixth = chat.send("对")
    assert chat.phrase_ids(sixth)[0] == "phone_not_needed" and chat.data.contact_by_channel
    assert chat.data.contact_by_channel and chat.data.area == "碧桂园凤凰城B区地下车库"
    said = [reply.phrase_id for step in chat.steps for reply in step.replies]
    asked = [phrase for phrase in said if phrase is not None and phrase.startswith("ask_phone")]
    assert all(one != next_one for one, next_one in itertools.pairwise(asked))


@pytest.mark.parametrize(
    "refusal", ["我唔想留電話", "唔留", "我唔會留電話", "點解要我電話", "你要我電話做咩", "唔方便留"]
)
def test_a_cantonese_refusal_is_heard_as_a_refusal(conversation_engine: ConversationEngine, refusal: str) -> None:
    chat = started(conversation_engine, "zh-TW")
    chat.send("樓上漏水 講咗幾次都冇用")
    step = chat.send(refusal)
    assert chat.phrase_ids(step) == ["phone_reassure"]


def test_a_hong_kong_customer_refusing_twice_is_not_asked_again_nor_has_the_refusal_in_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine, "zh-TW")
    chat.send("樓上漏水 講咗幾次都冇用")
    chat.wait(30)
    chat.send("我唔想留電話")
    chat.wait(30)
    step = chat.send("唔留")
    assert chat.phrase_ids(step) == ["phone_not_needed", "ask_area"]
    step = chat.send("係15樓B室")
    # A floor and flat alone: which estate, asked once in their script, as 15楼B室 is in simplified.
    assert chat.texts(step) == "請問15樓B室是哪個小區的呢？請您告訴我小區名稱，例如“陽光花園”。"
    step = chat.send("唔知")
    assert chat.line(step, "地點：") == "地點：15樓B室"
    assert "唔留" not in chat.line(step, "問題：")
    said = [reply.phrase_id for step in chat.steps for reply in step.replies]
    assert said.count("ask_phone") == 1


def test_an_angry_cantonese_refusal_is_not_explained_as_a_question_not_understood(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine, "zh-TW")
    chat.send("樓上漏水 講咗幾次都冇用")
    step = chat.send("我話咗唔留電話啊 你聽唔明咩")
    assert chat.phrase_ids(step) == ["phone_reassure"]
