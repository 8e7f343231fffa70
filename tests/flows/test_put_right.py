"""Putting things right in plain words (tester report h5, N1, N6, N7): a phone corrected before the
problem replaces the old one and is no problem; the item named as wrong at the restatement is
the one asked for; a problem put right replaces what it denies, not added to it."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def restated(step: Step) -> list[str]:
    """The restatement's lines after its first (问题, 地点, 电话, 称呼)."""
    text = next(reply.text for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value)
    return text.splitlines()[1:]


# --------------------------------------------------------------------------- a phone put right first


@pytest.mark.parametrize(
    ("first", "correction", "right"),
    [
        ("我电话13800005555", "不对是13800005556", "13800005556"),
        ("我姓周 电话13900007003", "不对 是13900007004", "13900007004"),
        ("电话13900007001", "打错了 应该是13900007002", "13900007002"),
    ],
)
def test_a_phone_put_right_before_the_problem_replaces_the_phone_and_is_no_problem(
    chat: Chat, first: str, correction: str, right: str
) -> None:
    chat.send(first)
    step = chat.send(correction)
    assert chat.phrase_ids(step) == ["ask_details"]  # the problem is asked for, nothing recorded
    step = chat.send("小区门禁卡刷不开")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    step = chat.send("阳光花园2栋")
    problem, place, phone, _ = restated(step)
    assert problem.startswith("问题：小区门禁卡刷不开（")
    assert "不对" not in problem and "错" not in problem
    assert (place, phone) == ("地点：阳光花园2栋", f"电话：{right}")
    step = chat.send("对")
    assert step.complaint is not None
    assert step.complaint.contact_phone == right
    assert step.complaint.description == "小区门禁卡刷不开"


def test_an_english_wrong_number_put_right_is_no_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("my phone 13800006030")
    step = chat.send("oh sorry wrong number it's 13800006031")
    assert chat.phrase_ids(step) == ["ask_details"]
    assert chat.data.phone == "13800006031" and chat.data.description == []


def test_a_bare_second_number_before_the_problem_replaces_the_first(chat: Chat) -> None:
    chat.send("我电话13800005555")
    step = chat.send("13800005556")
    assert chat.phrase_ids(step) == ["ask_details"]
    assert chat.data.phone == "13800005556" and chat.data.description == []


@pytest.mark.parametrize("again", ["138 1234 5679", "138-1234-5679", " 138 1234 5679"])
def test_a_phone_typed_in_groups_and_typed_again_at_once_is_the_number_typed_again(
    conversation_engine: ConversationEngine, again: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(
        CustomerSaid(f"下水道堵了 阳光花园5栋 电话是138 1234 5678 不对是{again}", sender_phone="13700000072")
    )
    assert restated(step)[2] == "电话：13812345679"
    step = chat.send(CustomerSaid("对", sender_phone="13700000072"))
    assert step.complaint is not None and step.complaint.contact_phone == "13812345679"


def test_the_last_digit_of_a_phone_typed_in_groups_put_right_at_the_restatement(chat: Chat) -> None:
    chat.send("下水道堵了 阳光花园5栋 电话是138 1234 5678")
    step = chat.send("不对 最后一位是9")
    assert restated(step)[2] == "电话：13812345679"


# --------------------------------------------------------------------------- the wrong item named


RESTATED_POOL = "小区的游泳池水很脏 电话13800006006 阳光花园会所"


@pytest.mark.parametrize("answer", ["地址没问题 电话写错了", "地址对 电话不对", "地址是对的，电话错了"])
def test_the_item_said_wrong_is_asked_for_not_the_one_said_right(chat: Chat, answer: str) -> None:
    chat.send(RESTATED_POOL)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["ask_correct_phone"]
    assert chat.state is State.CORRECT_PHONE


@pytest.mark.parametrize(
    ("answer", "phone"),
    [
        ("地址对 电话错了 最后一位是9", "电话：13800006009"),
        ("电话最后一位是9", "电话：13800006009"),
        ("对，电话最后一位是5", "电话：13800006005"),
    ],
)
def test_a_last_digit_put_right_corrects_the_phone_at_once(chat: Chat, answer: str, phone: str) -> None:
    chat.send(RESTATED_POOL)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert restated(step)[2] == phone
    assert restated(step)[1] == "地点：阳光花园会所"


# --------------------------------------------------------------------------- the problem put right


def test_a_no_then_the_problem_put_right_replaces_it(chat: Chat) -> None:
    chat.send("楼上早上七点就开始电钻 电话13800006006 阳光花园3栋")
    step = chat.send("哦不对 是晚上十点以后还在钻")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    problem = restated(step)[0]
    assert "晚上十点以后还在钻" in problem and "早上七点" not in problem and "不对" not in problem
    step = chat.send("对")
    assert step.complaint is not None and "早上七点" not in step.complaint.description


def test_all_wrong_asks_which_item_to_put_right(chat: Chat) -> None:
    chat.send("我家对面的空调滴水滴到我家阳台 电话13800006006 阳光花园3栋")
    step = chat.send("不对不对不对 全错了")
    assert chat.phrase_ids(step) == ["ask_correction"]
    assert chat.state is State.CHOOSE_CORRECTION


@pytest.mark.parametrize("first", [[], ["不对不对不对 全错了"]])
def test_what_the_problem_is_not_is_replaced_by_what_it_is(chat: Chat, first: list[str]) -> None:
    chat.send("我家对面的空调滴水滴到我家阳台 电话13800006006 阳光花园3栋")
    for answer in first:
        chat.send(answer)
    step = chat.send("是楼上的空调 不是对面的")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    problem = restated(step)[0]
    assert "楼上的空调滴水" in problem and "对面" not in problem
    assert chat.data.description == ["我家楼上的空调滴水滴到我家阳台 电话13800006006 阳光花园3栋"]


def test_a_problem_put_right_while_the_phone_is_asked_replaces_what_it_denies(chat: Chat) -> None:
    chat.send("我要投诉保洁 态度太差了")
    step = chat.send("不是保洁 是保安")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone_again"]
    assert chat.data.description == ["我要投诉保安 态度太差了"]


def test_a_problem_put_right_at_the_place_question_replaces_the_problem(chat: Chat) -> None:
    chat.send("地库的灯坏了")
    chat.send("13800006006")
    step = chat.send("不对 是地库的排风扇坏了 不是灯")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    assert chat.data.area is None
    assert chat.data.description == ["地库的排风扇坏了"]


@pytest.mark.parametrize("restate_first", [False, True])
def test_a_denial_of_nothing_said_puts_nothing_right(chat: Chat, restate_first: bool) -> None:
    """ "不是我说 你们物业太差了" denies nothing of the problem: it is more of it, not in its place."""
    chat.send("楼道的灯坏了三天了")
    if restate_first:
        chat.send("13800006006")
        chat.send("阳光花园3栋")
    chat.wait(120)
    chat.send("不是我说 你们物业太差了")
    assert chat.data.description == ["楼道的灯坏了三天了", "不是我说 你们物业太差了"]


def test_what_is_added_at_the_restatement_is_kept_and_restated(chat: Chat) -> None:
    chat.send("小区门口的减速带被压坏了 电话13900112234 阳光花园南门")
    for added in ["补充一下 减速带的钉子露出来了 扎了好几个车胎", "还有 晚上也没有警示牌"]:
        step = chat.send(added)
        assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    step = chat.send("对")
    assert step.complaint is not None
    assert "钉子露出来了" in step.complaint.description and "警示牌" in step.complaint.description


def test_asking_whether_there_is_more_is_not_added(chat: Chat) -> None:
    chat.send("小区门口的减速带被压坏了 电话13900112234 阳光花园南门")
    chat.send("还有别的吗")
    assert chat.data.description == ["小区门口的减速带被压坏了 电话13900112234 阳光花园南门"]


@pytest.mark.parametrize("answer", ["对的对的 谢谢你姑娘", "好的 谢谢你"])
def test_a_yes_with_thanks_confirms(chat: Chat, answer: str) -> None:
    chat.send("楼道灯坏了 电话13800006006 阳光花园3栋")
    step = chat.send(answer)
    assert step.complaint is not None and chat.state is State.HANDED_OFF


def test_thanks_alone_at_the_restatement_does_not_confirm(chat: Chat) -> None:
    chat.send("楼道灯坏了 电话13800006006 阳光花园3栋")
    step = chat.send("谢谢你姑娘")
    assert step.complaint is None and chat.state is State.CONFIRMING
