"""How customers answer the restatement: colloquial and Cantonese yes and no, a yes that names a
fault ("是的，但是地址不对") is a correction, and a phone corrected after the hand-off replaces the
case's."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def restated(chat: Chat) -> Step:
    chat.send(Started())
    chat.send("小区楼道的垃圾三天没人清理")
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.state is State.CONFIRMING
    return step


@pytest.mark.parametrize(
    "answer",
    ["是滴", "对头", "没毛病", "确认无误", "好滴", "是滴啊", "係", "啱", "冇錯", "無錯", "yep", "yeah",
     "对对对 就这样 赶紧处理", "对的对的 快点派人", "对的对的 快点派人啊", "👍"],
)
def test_colloquial_yes_confirms(engine: ConversationEngine, answer: str) -> None:
    chat = Chat(engine)
    restated(chat)
    chat.send(answer)
    assert chat.state is State.HANDED_OFF


def test_not_like_that_is_a_no(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    restated(chat)
    chat.send("不是这样的")
    assert chat.state is State.CHOOSE_CORRECTION


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ("是的，但是地址不对", State.CORRECT_AREA),
        ("对，不过电话号码错了", State.CORRECT_PHONE),
        ("对，电话最后一位不对", State.CORRECT_PHONE),
    ],
)
def test_a_yes_that_names_a_fault_corrects_instead_of_confirming(
    engine: ConversationEngine, answer: str, state: State
) -> None:
    chat = Chat(engine)
    restated(chat)
    step = chat.send(answer)
    assert step.complaint is None
    assert chat.state is state


def test_a_phone_corrected_after_the_hand_off_replaces_the_cases(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    restated(chat)
    chat.send("对")
    case_number = chat.data.case_number
    assert case_number is not None
    step = chat.send("不好意思电话留错了 应该是13755556667")
    assert chat.phrase_ids(step) == ["contact_corrected"]
    assert "13755556667" in chat.texts(step)
    assert chat.data.phone == "13755556667"
    assert step.contact is not None
    assert (step.contact.case_number, step.contact.phone, step.contact.replaces) == (case_number, "13755556667", True)


@pytest.mark.parametrize(
    "words",
    ["电话换了 新号码是13755556667", "以后打我老婆电话 13755556667", "电话换了 原来的打不通了 新号码是13755556667"],
)
def test_a_new_number_given_after_the_hand_off_replaces_the_cases(engine: ConversationEngine, words: str) -> None:
    chat = Chat(engine)
    restated(chat)
    chat.send("对")
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["contact_corrected"] and chat.data.phone == "13755556667"
    assert step.contact is not None and step.contact.replaces


@pytest.mark.parametrize("words", ["打不通就打我老婆的13922225555", "另外一个号码13922225555 备用"])
def test_a_number_to_try_too_after_the_hand_off_is_the_cases_backup(engine: ConversationEngine, words: str) -> None:
    chat = Chat(engine)
    restated(chat)
    chat.send("对")
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["alternative_noted"] and "备用电话13922225555" in chat.texts(step)
    assert (chat.data.phone, chat.data.alternative_phone) == ("13800138000", "13922225555")
    assert step.contact is not None and step.contact.alternative and not step.contact.replaces
    assert [event.kind.value for event in step.audit if event.kind.value.endswith("contact_received")] == [
        "alternative_contact_received"
    ]


def test_a_number_after_the_hand_off_without_a_correction_keeps_the_cases(engine: ConversationEngine) -> None:
    """ "我邻居13911112222也这样" names someone else's number: the case keeps the customer's."""
    chat = Chat(engine)
    restated(chat)
    chat.send("对")
    step = chat.send("我邻居13911112222家也这样")
    assert step.contact is None
    assert chat.data.phone == "13800138000"


def test_a_corrected_title_is_restated_and_kept(engine: ConversationEngine) -> None:
    """Told "不是王先生，是王女士", the bot restates and keeps 王女士: she is greeted so next time."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我是王先生，楼道的灯坏了")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    step = chat.send("不是王先生，是王女士")
    assert "称呼：王女士" in chat.texts(step) and chat.state is State.CONFIRMING
    assert (chat.data.surname, chat.data.honorific) == ("王", "女士")


def test_a_surname_and_title_said_again_before_the_restatement_put_the_earlier_one_right(
    engine: ConversationEngine,
) -> None:
    """"哦不对 我姓黎 黎明的黎 是黎女士" while the phone is asked: no "不对" needed at the restatement,
    and the name is not more of the problem."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我是李先生 楼上装修天天砸墙")
    chat.send("哦不对 我姓黎 黎明的黎 是黎女士")
    chat.send("13912345678")
    step = chat.send("阳光花园3栋")
    assert "称呼：黎女士" in chat.texts(step)
    assert chat.data.description == ["我是李先生 楼上装修天天砸墙"]


def test_a_no_that_adds_to_the_problem_adds_to_it_and_restates(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    restated(chat)
    step = chat.send("不对 还有 小区的路灯也不亮")
    assert chat.state is State.CONFIRMING and chat.phrase_ids(step)[0] == "restate"
    problem = chat.texts(step).splitlines()[1]
    assert "路灯也不亮" in problem and "不对" not in problem


@pytest.mark.parametrize(
    ("answer", "told", "denied"),
    [
        ("是 但是问题不是垃圾 是电梯坏了", "电梯坏了", "垃圾"),
        ("不对，不是垃圾，是楼道的灯不亮", "楼道的灯不亮", "垃圾"),
        ("no, it's not the rubbish, the lift is broken", "the lift is broken", "rubbish"),
    ],
)
def test_a_problem_put_right_replaces_the_problem_with_what_is_left_once_the_denial_is_dropped(
    engine: ConversationEngine, answer: str, told: str, denied: str
) -> None:
    chat = Chat(engine)
    restated(chat)
    step = chat.send(answer)
    assert chat.state is State.CONFIRMING and chat.phrase_ids(step)[0] == "restate"
    problem = chat.texts(step).splitlines()[1]
    assert told in problem and denied not in problem
    assert denied not in " ".join(chat.data.description)
    assert "阳光花园3栋" in chat.texts(step)
