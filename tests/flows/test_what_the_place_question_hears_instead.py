"""The form's questions answered with something other than their item, as a player found: another
problem typed at the place question ("楼上还有人在装修 很吵") is more of the complaint, never the place,
and the place is asked again; the problem sent a second time is a repeat; "我说错了" before the problem
put right at the phone question puts it right as the plain words do; the customer turning to
Chinese in an English chat keeps what they tell; a phone put right at the place question is said
back."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat

LIGHTS = "小区停车场的灯不亮"
PHONE = "13812345678"


@pytest.mark.parametrize(
    ("first", "another", "place", "where"),
    [
        (LIGHTS, "楼上还有人在装修 很吵", "名城花园4栋", "地点：名城花园4栋"),
        (LIGHTS, "樓上仲有人喺度裝修 好嘈", "名城花园4栋", "地点：名城花园4栋"),
        ("小區停車場嘅燈唔著", "樓上仲有人喺度裝修 好嘈", "名城花園4棟", "地點：名城花園4棟"),
    ],
)
def test_another_problem_at_the_place_question_is_more_of_the_complaint(
    conversation_engine: ConversationEngine, first: str, another: str, place: str, where: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(first)
    chat.send(PHONE)
    assert chat.state is State.AWAIT_AREA
    step = chat.send(another)
    assert chat.state is State.AWAIT_AREA and chat.data.area is None
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    restated = chat.send(place)
    assert chat.phrase_ids(restated) == ["restate", "confirm_question"]
    assert chat.line(restated, where[:3]) == where  # the place alone, nothing glued before it
    assert another in chat.texts(restated)
    step = chat.send("对")
    assert step.complaint is not None and another in step.complaint.description


def test_another_problem_in_english_at_the_place_question_is_more_of_the_complaint(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send("the lights in the car park are out")
    chat.send(PHONE)
    step = chat.send("also the people upstairs are renovating, very noisy")
    assert chat.state is State.AWAIT_AREA and chat.data.area is None
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    restated = chat.send("Sunshine Garden block 3")
    assert chat.line(restated, "Place:") == "Place: Sunshine Garden block 3"
    assert "the people upstairs are renovating" in chat.line(restated, "Problem:")


@pytest.mark.parametrize(
    ("place", "spot"),
    [("楼道里", "楼道里"), ("在电梯里", "电梯里"), ("地下停车场", "地下停车场"), ("小区门口", "小区门口")],
)
def test_a_place_naming_a_category_is_still_the_place(
    conversation_engine: ConversationEngine, place: str, spot: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send("灯坏了好几天了")
    chat.send(PHONE)
    chat.send(place)
    assert chat.data.area == spot


@pytest.mark.parametrize(
    ("problem", "place", "where"),
    [
        ("樓下餐廳油煙好大熏到成屋都係", "太古城金星閣15樓B室", "地點：太古城金星閣15樓B室"),
        ("楼下餐厅油烟好大 熏得满屋都是", "阳光花园3栋", "地点：阳光花园3栋"),
    ],
)
def test_the_problem_sent_again_over_sms_is_a_repeat_not_the_place(
    conversation_engine: ConversationEngine, problem: str, place: str, where: str
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="+8613800138000", phone_vouched=True))
    chat.send(problem)
    assert chat.state is State.AWAIT_AREA
    chat.wait(5)
    again = chat.send(problem)
    assert chat.data.area is None and chat.data.description == [problem]
    assert chat.phrase_ids(again) == ["ask_area_again"]
    restated = chat.send(place)
    assert chat.line(restated, where[:3]) == where
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.description == problem


@pytest.mark.parametrize(
    ("first", "correction", "right"),
    [
        ("家里停水了", "我说错了 是停电 不是停水", "停电"),
        ("家里停水了", "不是停水 是停电", "停电"),  # the plain correction, as it was
        ("家里停水了", "说错了，是停电，不是停水", "停电"),
    ],
)
def test_the_problem_put_right_at_the_phone_question_after_saying_it_was_wrong(
    conversation_engine: ConversationEngine, first: str, correction: str, right: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(first)
    step = chat.send(correction)
    assert chat.data.area is None
    assert chat.data.description == [right]
    assert chat.state is State.AWAIT_PHONE and "place_noted_ask_phone_form" not in chat.phrase_ids(step)
    assert chat.phrase_ids(chat.send(PHONE)) == ["ask_area"]
    restated = chat.send("阳光花园3栋")
    assert chat.line(restated, "问题：").startswith(f"问题：{right}")
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize("correction", ["我講錯咗 係停電 唔係停水", "唔係停水 係停電"])
def test_the_problem_put_right_in_cantonese_at_the_phone_question(
    conversation_engine: ConversationEngine, correction: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send("屋企停水")
    chat.send(correction)
    assert chat.data.area is None and chat.data.description == ["停電"]
    chat.send(PHONE)
    restated = chat.send("陽光花園3棟")
    assert chat.line(restated, "問題：").startswith("問題：停電")
    assert chat.line(restated, "地點：") == "地點：陽光花園3棟"


def test_the_problem_put_right_in_english_after_saying_it_was_wrong(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send("the water is off at home")
    chat.send("sorry I said it wrong, it's the power that is off, not the water")
    assert chat.data.area is None
    assert "water" not in " ".join(chat.data.description) and "power" in " ".join(chat.data.description)


@pytest.mark.parametrize(
    ("switch", "detail", "place", "where"),
    [
        ("算了 我还是说中文吧 门禁坏了 进不去", "门禁坏了 进不去", "阳光花园3栋", "地点：阳光花园3栋"),
        ("算了 我還是講中文吧 門禁壞咗 入唔到", "門禁壞咗 入唔到", "陽光花園3棟", "地點：陽光花園3棟"),
    ],
)
def test_turning_to_chinese_at_the_place_question_keeps_the_problem_told(
    conversation_engine: ConversationEngine, switch: str, detail: str, place: str, where: str
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send("the lift is broken")
    chat.send(PHONE)
    step = chat.send(switch)
    assert chat.locale == "zh-CN"
    assert chat.state is State.AWAIT_AREA and chat.data.area is None and chat.data.place_asks == 0
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    assert "小区或地址" in chat.texts(step) or "小區或地址" in chat.texts(step)
    assert chat.data.description[-1] == detail
    restated = chat.send(place)
    assert chat.line(restated, where[:3]) == where
    assert detail in chat.texts(restated)


def test_only_turning_to_chinese_hears_the_question_again_in_chinese(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send("the lift is broken")
    chat.send(PHONE)
    step = chat.send("我还是说中文吧")
    assert chat.locale == "zh-CN" and chat.phrase_ids(step) == ["ask_area"]
    assert chat.data.description == ["the lift is broken"] and chat.data.area is None


def test_turning_to_english_at_the_place_question_keeps_the_problem_told(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send("电梯坏了")
    chat.send(PHONE)
    step = chat.send("sorry I'll write in English, the gate card reader is broken too")
    assert chat.locale == "en" and chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    assert chat.data.description[-1] == "the gate card reader is broken too"


@pytest.mark.parametrize(
    ("first", "correction", "said"),
    [
        (LIGHTS, "电话错了 是13912345678", "您的联系电话已更正为13912345678"),
        ("小區停車場嘅燈唔著", "電話錯咗 係13912345678", "您的聯繫電話已更正為13912345678"),
    ],
)
def test_a_phone_put_right_at_the_place_question_is_said_back(
    conversation_engine: ConversationEngine, first: str, correction: str, said: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(first)
    chat.send(PHONE)
    step = chat.send(correction)
    assert chat.data.phone == "13912345678" and chat.data.area is None
    assert chat.phrase_ids(step) == ["contact_corrected", "ask_area"]
    assert said in chat.texts(step)


def test_a_phone_put_right_in_english_at_the_place_question_is_said_back(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send("the lights in the car park are out")
    chat.send(PHONE)
    step = chat.send("wrong number, it's 13912345678")
    assert chat.data.phone == "13912345678"
    assert chat.phrase_ids(step) == ["contact_corrected", "ask_area"]
    assert "13912345678" in chat.texts(step)


def test_a_phone_typed_at_the_place_question_over_sms_is_said_noted(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="+8613800138000", phone_vouched=True))
    chat.send(LIGHTS)
    step = chat.send("我的电话是13912345678")
    assert chat.data.phone == "13912345678"
    assert chat.phrase_ids(step) == ["contact_noted", "ask_area"]
