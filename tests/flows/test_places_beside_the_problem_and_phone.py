"""At the form's questions, a place is where and nothing else: a phone typed in groups after it is
the phone, never the place's room; more of the problem said at the place question is the problem,
never stored as the place nor joined to the place told after it."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.mark.parametrize(
    ("place_and_phone", "place", "phone"),
    [
        ("阳光花园12栋 138 1234 5678", "阳光花园12栋", "13812345678"),
        ("阳光花园12栋 138-1234-5678", "阳光花园12栋", "13812345678"),
        ("翠湖花园5栋 1390 000 7005", "翠湖花园5栋", "13900007005"),
        ("阳光花园12栋 1303 13812345678", "阳光花园12栋1303", "13812345678"),
    ],
)
def test_a_phone_typed_in_groups_after_the_place_is_the_phone(
    chat: Chat, place_and_phone: str, place: str, phone: str
) -> None:
    chat.send("楼上漏水")
    step = chat.send(place_and_phone)
    assert chat.line(step, "地点：") == f"地点：{place}"
    assert chat.line(step, "电话：") == f"电话：{phone}"


def test_a_hong_kong_mobile_in_two_groups_after_the_block_is_the_phone(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    chat.send("升降機壞咗")
    step = chat.send("沙田第一城 12座 9876 5432")
    assert chat.line(step, "地點：") == "地點：沙田第一城12座"
    assert "9876" in chat.line(step, "電話：")


def test_a_flat_number_after_the_block_is_still_the_flat(chat: Chat) -> None:
    chat.send("楼上漏水")
    chat.send("13812345678")
    step = chat.send("阳光花园12栋 1203")
    assert chat.line(step, "地点：") == "地点：阳光花园12栋1203"
    assert chat.state is State.CONFIRMING


@pytest.mark.parametrize(
    ("locale", "opening", "more", "place", "place_line"),
    [
        (
            "zh-CN",
            "楼上漏水 我电话13987654322",
            ["天花板都泡烂了 墙皮一块块掉", "还有股霉味"],
            "金桥花园",
            "地点：金桥花园",
        ),
        (
            "zh-CN",
            "家里停水两天了 我电话13987654321",
            ["一点水都没有 做饭都没法做"],
            "碧水湾小区4栋",
            "地点：碧水湾小区4栋",
        ),
        ("zh-CN", "停水了 13912345678", ["做饭都做不了"], "阳光花园", "地点：阳光花园"),
        ("zh-CN", "漏水 13912345678", ["屋里一股臭味"], "阳光花园", "地点：阳光花园"),
        ("zh-HK", "樓上漏水 我電話91234567", ["天花板都泡爛咗", "仲有股霉味"], "金橋花園", "地點：金橋花園"),
        ("zh-HK", "停水 我電話91234567", ["一滴水都冇 煮飯都煮唔到"], "碧水灣4座", "地點：碧水灣4座"),
        (
            "en",
            "water leaking from upstairs, my phone 13912345678",
            ["there's a musty smell too"],
            "Golden Bridge Garden",
            "Place: Golden Bridge Garden",
        ),
    ],
)
def test_more_of_the_problem_at_the_place_question_is_the_problem_never_the_place(
    conversation_engine: ConversationEngine, locale: str, opening: str, more: list[str], place: str, place_line: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(opening)
    assert chat.state is State.AWAIT_AREA
    for said in more:
        chat.send(said)
        assert chat.state is State.AWAIT_AREA
    step = chat.send(place)
    assert chat.line(step, place_line.split("：")[0].split(":")[0]) == place_line
    for said in more:
        assert said in chat.texts(step)  # in the problem's line


@pytest.mark.parametrize("home", ["就在我家啊", "我家", "在家里", "就喺屋企"])
def test_at_home_is_no_place_and_the_estate_told_next_is_the_place_alone(chat: Chat, home: str) -> None:
    chat.send("电梯坏了 13912345678")
    step = chat.send(home)
    assert chat.state is State.AWAIT_AREA
    assert "地点：" not in chat.texts(step)
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"


def test_a_place_beside_home_is_still_the_place(chat: Chat) -> None:
    chat.send("电梯坏了 13912345678")
    step = chat.send("在我家楼下")
    assert chat.data.area == "我家楼下" and "请问楼下是哪个小区的呢" in chat.texts(step)
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋楼下"


def test_at_my_home_in_english_is_no_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("the lift is broken, my phone 13912345678")
    chat.send("at my home")
    assert chat.state is State.AWAIT_AREA
    step = chat.send("Sunshine Garden Block 3")
    assert chat.line(step, "Place:") == "Place: Sunshine Garden Block 3"


@pytest.mark.parametrize(
    ("worries", "place"),
    [
        (["家里有老人", "现在怎么办啊"], "幸福里小区7栋302"),
        (["对", "对", "你们赶紧派人来看看"], "阳光花园3栋2单元501"),
        (["家里有老人", "现在怎么办啊"], "翠湖花园8栋"),
    ],
)
def test_a_place_at_the_phone_question_is_no_refusal_of_the_phone(chat: Chat, worries: list[str], place: str) -> None:
    chat.send("停电了")
    for worry in worries:
        chat.send(worry)
        chat.wait(2)
    step = chat.send(place)
    assert "不留电话也可以" not in chat.texts(step) and not chat.data.contact_by_channel
    assert place in chat.texts(step) and chat.state is State.AWAIT_PHONE
    step = chat.send("13912345678")
    assert chat.line(step, "电话：") == "电话：13912345678"
    assert chat.line(step, "地点：") == f"地点：{place}"


def test_a_building_numbered_in_chinese_is_a_place_at_the_phone_question(chat: Chat) -> None:
    chat.send("电梯坏了")
    step = chat.send("三栋二单元1201")
    assert "地址已记录：三栋二单元1201" in chat.texts(step) and chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize(
    ("building", "unit", "place"),
    [
        ("三栋", "二单元1201", "三栋二单元1201"),
        ("5栋", "2单元301", "5栋2单元301"),
        ("十二栋", "三单元", "十二栋三单元"),
    ],
)
def test_the_unit_told_after_the_building_is_inside_it(chat: Chat, building: str, unit: str, place: str) -> None:
    chat.send("电梯坏了 13912345678")
    chat.send(building)
    step = chat.send(unit)
    assert chat.line(step, "地点：") == f"地点：{place}"


def test_another_building_told_after_a_building_puts_it_right(chat: Chat) -> None:
    chat.send("电梯坏了 13912345678")
    chat.send("5栋")
    step = chat.send("6栋")
    assert chat.line(step, "地点：") == "地点：6栋"


def test_buildings_counted_in_chinese_are_no_place(chat: Chat) -> None:
    chat.send("一栋楼都停电了")
    assert chat.data.area is None and chat.state is State.AWAIT_PHONE
    chat.send("两座楼都停电了")
    assert chat.data.area is None


def test_a_flat_written_with_dashes_at_the_phone_question_is_the_place(chat: Chat) -> None:
    chat.send("电梯坏了")
    step = chat.send("3-2-1201")
    assert "格式不正确" not in chat.texts(step)
    assert "地址已记录：3-2-1201" in chat.texts(step) and chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize("first", ["阳光花园3栋", "阳光花园"])
def test_a_flat_with_dashes_put_right_at_the_confirmation_keeps_the_estate(chat: Chat, first: str) -> None:
    chat.send("电梯坏了 13912345678")
    chat.send(first)
    step = chat.send("不对 地址是3-2-1201")
    assert chat.line(step, "地点：") == "地点：阳光花园3-2-1201"


@pytest.mark.parametrize("place", ["阳光花园十二栋B1903", "阳光花园12栋B1903"])
def test_a_flat_numbered_after_its_letter_is_kept(chat: Chat, place: str) -> None:
    chat.send("电梯坏了 13912345678")
    step = chat.send(place)
    assert chat.line(step, "地点：") == f"地点：{place}"


def test_a_date_with_dashes_is_no_flat(chat: Chat) -> None:
    chat.send("12-01-2024开始停电了")
    assert chat.data.area is None


@pytest.mark.parametrize(
    ("locale", "change"),
    [
        ("zh-CN", "等一下 我换个号码 这个号不常用"),
        ("zh-CN", "我换个电话"),
        ("zh-HK", "等等 換個號碼"),
        ("en", "wait, use a different number"),
    ],
)
def test_a_number_said_to_be_changed_at_the_place_question_is_asked_for_and_kept(
    conversation_engine: ConversationEngine, locale: str, change: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send("电梯坏了 13912345678" if locale != "en" else "the lift is broken, my phone 13912345678")
    chat.send(change)
    assert chat.state is State.AWAIT_PHONE
    chat.send("15912340020")
    assert chat.data.phone == "15912340020" and chat.data.alternative_phone == "13912345678"


def test_a_number_given_with_words_changing_it_is_the_phone(chat: Chat) -> None:
    chat.send("电梯坏了 13912345678")
    chat.send("我换个号码 15912340020")
    assert chat.data.phone == "15912340020"


def test_this_phone_will_do_changes_no_number(chat: Chat) -> None:
    chat.send("电梯坏了 13912345678")
    chat.send("用这个手机号就行")
    assert chat.data.phone == "13912345678" and chat.state is State.AWAIT_AREA
