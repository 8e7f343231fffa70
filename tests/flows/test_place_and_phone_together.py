"""A place and a phone typed together, a place said in pieces or in a long spoken message: the
restatement shows the place whole, the phone as the phone, and neither, nor the surname, in 问题
(h5 report N2, N8, N10)."""

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


def lines(chat: Chat, message: str) -> list[str]:
    return chat.texts(chat.send(message)).splitlines()


@pytest.mark.parametrize(
    ("message", "problem", "place", "phone"),
    [
        (
            "小区的水压太低了 阳光花园11栋 13800006024",
            "问题：小区的水压太低了（工程维修）",
            "阳光花园11栋",
            "13800006024",
        ),
        ("垃圾房门坏了关不上 翠湖花园5栋 13900007005", "问题：垃圾房门坏了关不上", "翠湖花园5栋", "13900007005"),
        ("电梯异响 锦绣华庭3号楼 13900007006 姓孙", "问题：电梯异响（", "锦绣华庭3号楼", "13900007006"),
        (
            "电梯坏了 阳光花园 3 栋 2 单元 1102 电话13800138001",
            "问题：电梯坏了（工程维修）",
            "阳光花园3栋2单元1102",
            "13800138001",
        ),
    ],
)
def test_a_phone_after_the_place_is_the_phone_and_neither_is_in_the_problem(
    chat: Chat, message: str, problem: str, place: str, phone: str
) -> None:
    said = lines(chat, message)
    assert any(line.startswith(problem) for line in said), said
    assert f"地点：{place}" in said and f"电话：{phone}" in said
    assert (chat.data.area, chat.data.phone) == (place, phone)


def test_a_surname_after_the_phone_is_the_name(chat: Chat) -> None:
    said = lines(chat, "电梯异响 锦绣华庭3号楼 13900007006 姓孙")
    assert chat.data.surname == "孙" and not any("姓孙" in line for line in said if not line.startswith("称呼："))


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("阳光花园1栋顶楼", "阳光花园1栋顶楼"),
        ("阳光花园6栋地下室", "阳光花园6栋地下室"),
        ("住在翠湖花园 几栋我想想 12栋", "翠湖花园12栋"),
        ("朝阳区建国路 88 号 6 栋", "朝阳区建国路88号6栋"),
        ("锦绣华庭\u30005号楼\u30003单元", "锦绣华庭5号楼3单元"),
    ],
)
def test_the_place_answered_is_stored_and_restated_whole(chat: Chat, answer: str, place: str) -> None:
    chat.send("楼道灯坏了")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA
    assert f"地点：{place}" in lines(chat, answer)
    assert chat.data.area == place


def test_a_place_and_a_phone_told_at_once_keep_the_part_of_the_building(chat: Chat) -> None:
    chat.send("地下室漏水了")
    chat.send("我在阳光花园6栋地下室 电话13900001234")
    assert (chat.data.area, chat.data.phone) == ("阳光花园6栋地下室", "13900001234")


@pytest.mark.parametrize(
    ("message", "place"),
    [
        (
            "喂喂 你好 我跟你说啊 就是我们那个小区就是那个阳光花园啊 七栋那个电梯啊 又坏了 "
            "我电话是一三八零零一三八零零零",
            "阳光花园七栋",
        ),
        (
            "the lift is broken again, i live sunshine garden block 2 room 1203 my phone is 138 0000 6003",
            "sunshine garden block 2 room 1203",
        ),
        (
            "the lift is broken, Sunshine Garden , Block 3 , Flat 12 B, phone 13800006003",
            "Sunshine Garden, Block 3, Flat 12 B",
        ),
        ("the lift is broken, Sunshine Garden bldg 4, phone 13800006003", "Sunshine Garden bldg 4"),
    ],
)
def test_a_place_in_a_long_or_spoken_message_is_not_asked_for_again(chat: Chat, message: str, place: str) -> None:
    chat.send(message)
    assert chat.data.area == place
    assert chat.state is State.CONFIRMING


@pytest.mark.parametrize(
    ("answer", "place"),
    [("15900001111 万达世纪城", "万达世纪城"), ("159 0000 1111，绿地世纪城5栋", "绿地世纪城5栋")],
)
@pytest.mark.parametrize("asked_for", ["phone", "place"])
def test_the_phone_then_the_place_keeps_the_whole_place_and_no_digits_in_it(
    chat: Chat, answer: str, place: str, asked_for: str
) -> None:
    chat.send("燃气费怎么多扣了200块")
    if asked_for == "place":
        chat.send("15900001111")
        assert chat.state is State.AWAIT_AREA
    said = lines(chat, answer)
    assert f"地点：{place}" in said and "电话：15900001111" in said, said


@pytest.mark.parametrize(
    "numbers",
    ["手机 133-5555-0004 座机 029-88886666", "手机 133 5555 0004 座机 029 8888 6666", "阳光花园 133-5555-0004"],
)
def test_a_phone_typed_in_groups_is_no_building_nor_part_of_the_place(chat: Chat, numbers: str) -> None:
    """The last group of a dashed or spaced phone before 座机 is no building "0004座"; nor is the
    phone the place's room number."""
    chat.send("停车场闸门坏了")
    chat.send(numbers)
    assert chat.data.phone == "13355550004"
    said = lines(chat, "阳光花园")
    assert "地点：阳光花园" in said, said
    phone_line = next(line for line in said if line.startswith("电话："))
    # The landline said with it is the alternative number, never lost.
    assert phone_line == ("电话：13355550004（备用：029-88886666）" if "座机" in numbers else "电话：13355550004")
    assert chat.data.area == "阳光花园"


@pytest.mark.parametrize(("answer", "place"), [("1栋顶楼", "翠湖花园1栋顶楼"), ("6栋地下室", "翠湖花园6栋地下室")])
def test_a_part_of_a_building_answered_alone_is_completed_with_its_estate(chat: Chat, answer: str, place: str) -> None:
    chat.send("楼道灯坏了")
    chat.send("13800138000")
    assert chat.phrase_ids(chat.send(answer)) == ["ask_estate"]
    assert f"地点：{place}" in lines(chat, "翠湖花园")
    assert chat.data.area == place
