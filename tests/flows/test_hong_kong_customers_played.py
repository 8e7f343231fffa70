"""What a player writing Hong Kong's traditional characters and Cantonese found that simplified
Chinese already had: an overdue case chased in Cantonese is an appeal, never a new form; a place
after 住喺 or 地址係 is the place; a yes with Cantonese urging beside it confirms; a Hong Kong
number phonenumbers does not know is kept as typed, never turned into a Taiwan landline; a place
put right in Cantonese ("唔係5座 係6座") or by its phase ("地址係2期") keeps the estate."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def restated(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    assert chat.state is State.CONFIRMING
    return chat


def restatement_of(chat: Chat) -> Step:
    """The restatement of what ``chat`` told, a Hong Kong phone and place given when still asked."""
    step = chat.steps[-1]
    for answer in ("9123 4567", "太古城金星閣15樓"):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(answer)
    assert chat.state is State.CONFIRMING
    return step


@pytest.mark.parametrize(
    "message",
    [
        "你哋講咗今日會覆我 到而家都冇人call我",
        "點解仲未有人嚟 你哋講過今日搞掂",
    ],
)
def test_an_overdue_case_chased_in_cantonese_is_an_appeal_not_a_new_complaint(
    engine: ConversationEngine, message: str
) -> None:
    overdue = MONDAY_2PM - dt.timedelta(hours=2)
    customer = CustomerView(phone="91234567", open_case=OpenCase(CASE, overdue, category="property_service"))
    chat = Chat(engine, customer=customer)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:3] == ["appeal_linked_overdue", "escalated_deadline", "escalated_supervisor"]
    assert chat.texts(step).startswith("真不好意思，讓您等了這麼久！")
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.complaint is None and chat.state is State.HANDED_OFF


@pytest.mark.parametrize(
    "message",
    [
        "住喺太古城金星閣15樓B室 天花一直滴水 聯絡電話 9123 4567",
        "我屋企個天花一直滴水 住喺太古城金星閣15樓B室 電話 9123 4567",
    ],
)
def test_a_place_after_zhu_hai_is_the_place_and_is_not_asked_for(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert "ask_area" not in chat.phrase_ids(step) and chat.state is State.CONFIRMING
    assert chat.line(step, "地點：") == "地點：太古城金星閣15樓B室"
    assert chat.line(step, "電話：") == "電話：9123 4567"
    problem = chat.line(step, "問題：")
    assert "天花一直滴水" in problem
    assert not any(word in problem for word in ("住喺", "聯絡", "電話"))


@pytest.mark.parametrize("answer", ["係 冇錯 快啲派人嚟", "係呀係呀 快啲搞掂佢", "對 快啲派人嚟啦", "啱 唔該晒"])
def test_a_yes_urging_us_on_in_cantonese_confirms(engine: ConversationEngine, answer: str) -> None:
    chat = restated(engine, "冷氣機漏水 電話 61234567", "西灣河嘉亨灣 5座")
    step = chat.send(answer)
    assert chat.phrase_ids(step)[0] == "confirmed_thanks"
    assert step.complaint is not None and step.complaint.area == "西灣河嘉亨灣5座"
    assert chat.state is State.HANDED_OFF


def test_a_hong_kong_number_phonenumbers_does_not_know_is_kept_as_typed_never_a_taiwan_landline(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("住喺海怡半島3座 隔離屋成晚嗌交 嘈到瞓唔到 電話6789 1234")
    assert chat.line(step, "電話：") == "電話：67891234"
    assert "06 789 1234" not in chat.texts(step)
    step = chat.send("係")
    assert step.complaint is not None and step.complaint.contact_phone == "67891234"


def test_a_taiwan_mobile_typed_with_its_zero_is_still_one(engine: ConversationEngine) -> None:
    chat = restated(engine, "電梯壞了一個禮拜 都沒有人來修 0912 345 678", "台北市信義區松仁路100號")
    assert chat.line(chat.steps[-1], "電話：") == "電話：0912 345 678"


@pytest.mark.parametrize(
    ("place", "answer", "put_right"),
    [
        ("西灣河嘉亨灣 5座", "唔係5座 係6座", "地點：西灣河嘉亨灣6座"),
        ("西灣河嘉亨灣 5座", "錯咗 係6座", "地點：西灣河嘉亨灣6座"),
        ("將軍澳日出康城1期2座", "唔係 地址係2期", "地點：將軍澳日出康城2期2座"),
        ("將軍澳日出康城1期2座", "唔係 係2期", "地點：將軍澳日出康城2期2座"),
    ],
)
def test_a_place_put_right_in_cantonese_keeps_the_estate(
    engine: ConversationEngine, place: str, answer: str, put_right: str
) -> None:
    chat = restated(engine, "冷氣機漏水 電話 61234567", place)
    step = chat.send(answer)
    assert chat.state is State.CONFIRMING and chat.phrase_ids(step)[0] == "restate"
    assert chat.line(step, "地點：") == put_right
    assert chat.line(step, "問題：") == "問題：冷氣機漏水（工程維修）"


def test_a_phase_put_right_keeps_the_estate_in_simplified_too(engine: ConversationEngine) -> None:
    chat = restated(engine, "垃圾房好臭 电话:13800138000 地址:阳光花园1期2座")
    step = chat.send("不对 地址是2期")
    assert chat.line(step, "地点：") == "地点：阳光花园2期2座"


def test_a_short_first_message_in_cantonese_with_a_traditional_character_is_answered_in_traditional(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("部lift壞咗")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert "請您留下可以聯繫到您的電話號碼" in chat.texts(step)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("喂 你哋管理處係咪死晒人 部lift壞咗三日都冇人嚟整", "問題：部lift壞咗三日都冇人嚟整（工程維修）"),
        ("你哋係咪玩嘢 部電梯又壞咗 我阿媽行唔到樓梯", "問題：部電梯又壞咗 我阿媽行唔到樓梯（工程維修）"),
        ("你哋有冇搞錯 停水成日", "問題：停水成日（工程維修）"),
    ],
)
def test_anger_in_cantonese_is_met_with_empathy_and_never_said_back(
    engine: ConversationEngine, message: str, problem: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[0] == "empathy"
    assert chat.texts(step).startswith("非常抱歉，給您造成了這樣的不便！")
    step = restatement_of(chat)
    assert chat.line(step, "問題：") == problem


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("我係陳太 屋企冇水 電話 9123 4567 地址 荃灣綠楊新邨D座", "稱呼：陳太"),
        ("我係何生 屋企冇水 電話 9123 4567 地址 荃灣綠楊新邨D座", "稱呼：何生"),
        ("我係陳太太 屋企冇水 電話 9123 4567 地址 荃灣綠楊新邨D座", "稱呼：陳太太"),
    ],
)
def test_a_hong_kong_title_is_the_customers_name_and_not_the_problem(
    engine: ConversationEngine, message: str, title: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.line(step, "稱呼：") == title
    assert chat.line(step, "問題：") == "問題：屋企冇水（工程維修）"


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("隔離陳太成日嗌交 嘈到瞓唔到 電話 9123 4567 地址 荃灣綠楊新邨D座", "隔離陳太成日嗌交"),
        ("卫生间水管漏水了 电话 13800138000 地址 阳光花园3栋", "卫生间水管漏水了"),
    ],
)
def test_a_hong_kong_title_said_without_introducing_oneself_is_no_name(
    engine: ConversationEngine, message: str, problem: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.line(step, "稱呼：" if "電話" in message else "称呼：").endswith("未提供")
    assert problem in chat.texts(step)


def test_the_services_own_word_in_cantonese_is_never_said_back(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("你哋啲護衛好冇禮貌 成日黑口黑面")
    step = restatement_of(chat)
    assert chat.line(step, "問題：") == "問題：護衛好冇禮貌 成日黑口黑面（服務態度）"


def test_asking_to_see_the_manager_in_cantonese_reaches_the_duty_supervisor(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("管理處個職員粗口鬧我")
    step = chat.send("我要見你哋經理")
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
    assert "已立即轉交值班主管處理" in chat.texts(step)


@pytest.mark.parametrize(
    ("first", "why", "reassured"),
    [
        ("樓下成日有人食煙 啲煙飄上嚟 好臭", "點解要俾電話你", "理解您的顧慮。留下電話是為了處理結果能及時通知到您"),
        ("楼下天天有人抽烟 烟飘上来 很臭", "为什么要给你电话", "理解您的顾虑。留下电话是为了处理结果能及时通知到您"),
        ("樓下成日有人食煙 啲煙飄上嚟 好臭", "我不要留電話", "理解您的顧慮。留下電話是為了處理結果能及時通知到您"),
    ],
)
def test_asking_why_the_phone_is_wanted_is_answered_and_never_said_back(
    engine: ConversationEngine, first: str, why: str, reassured: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(first)
    step = chat.send(why)
    assert chat.phrase_ids(step) == ["phone_reassure"] and chat.texts(step).startswith(reassured)
    step = restatement_of(chat)
    assert why not in chat.texts(step)
