"""What the restatement's 问题 leaves out of the customer's words: voice input's fillers, a flat's
number left of the place, the words of a correction, a pause about an earlier case or about
complaining at all, a list's numbers, English curses, a vent before the problem
("你哋搞咩啊"), and "我是老王" (the surname has its line) (found by a tester playing customers)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send(Started())
    return chat


def test_voice_inputs_fillers_and_the_flats_number_are_not_said_back(chat: Chat) -> None:
    step = restatement(chat, "那个嗯我家暖气不热啊 幸福小区十二栋三单元502啊 电话是13912340050")
    assert chat.line(step, "问题：").startswith("问题：我家暖气不热（")


def test_a_dictated_run_on_is_said_back_without_its_fillers_and_items(chat: Chat) -> None:
    step = restatement(
        chat,
        "嗯那个就是啊我想说一下那个我们家那个暖气啊不热已经好几天了嗯那个我住在那个幸福小区十二栋三单元502啊"
        "电话是一三九一二三四五六七八",
    )
    assert chat.line(step, "问题：").startswith("问题：我们家暖气不热已经好几天了（")


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("那个人天天在楼道抽烟", "问题：那个人天天在楼道抽烟（"),
        ("那个月多扣了我50块", "问题：那个月多扣了我50块（"),
    ],
)
def test_that_which_points_at_a_thing_is_no_filler(chat: Chat, description: str, problem: str) -> None:
    step = restatement(chat, description)
    assert chat.line(step, "问题：").startswith(problem)


def test_the_problem_put_right_is_said_back_without_the_words_correcting_it(chat: Chat) -> None:
    chat.send("楼上漏水 阳光花园5栋 13912340053")
    chat.send("不对")
    step = chat.send("问题不对 是楼上往我家阳台扔烟头")
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "问题：") == "问题：楼上往我家阳台扔烟头（物业服务）"
    assert chat.data.description == ["楼上往我家阳台扔烟头"]


def test_a_pause_about_an_earlier_case_and_its_number_is_not_the_problem(chat: Chat) -> None:
    step = restatement(chat, "我上个月就投诉过了 编号忘了 楼道灯还是没修 打了十几次电话了")
    assert chat.line(step, "问题：").startswith("问题：楼道灯还是没修 打了十几次电话了（")


def test_what_introduced_the_place_leaves_nothing_behind(chat: Chat) -> None:
    step = restatement(chat, "你们那个保安张伟态度太差了 还骂我 就在阳光花园东门 13712345678")
    assert chat.line(step, "问题：") == "问题：保安张伟态度太差了 还骂我（服务态度）"


def test_a_pause_only_saying_they_complain_is_not_the_problem(chat: Chat) -> None:
    step = restatement(chat, "我要投诉 电梯天天坏")
    assert chat.line(step, "问题：").startswith("问题：电梯天天坏（")


def test_who_the_complaint_is_for_stays(chat: Chat) -> None:
    step = restatement(chat, "我帮我爸反映一下 他家暖气不热两天了")
    assert chat.line(step, "问题：").startswith("问题：我帮我爸反映一下 他家暖气不热两天了（")


def test_a_numbered_list_is_said_back_without_its_numbers(chat: Chat) -> None:
    step = restatement(chat, "1.电梯坏了 2.楼道灯不亮 3.垃圾没人清 阳光花园5栋 13912340046")
    assert chat.line(step, "问题：").startswith("问题：电梯坏了，楼道灯不亮，垃圾没人清（")


def test_an_amount_with_a_decimal_point_is_no_list_number(chat: Chat) -> None:
    step = restatement(chat, "这个月水费多收了 3.5元")
    assert "3.5元" in chat.line(step, "问题：")


def test_an_english_curse_is_not_said_back(chat: Chat) -> None:
    chat.locale = "en"
    step = restatement(chat, "WTF the water is off AGAIN since this morning!!! building 5 Sunshine Garden")
    assert chat.line(step, "Problem:").startswith("Problem: the water is off AGAIN since this morning (")


def test_a_surname_said_familiarly_is_taken_and_not_said_as_the_problem(chat: Chat) -> None:
    step = restatement(chat, "我是老王 儿子不在家 我在公司上班 家里的灯坏了")
    assert "我是老王" not in chat.line(step, "问题：")
    assert chat.line(step, "称呼：") == "称呼：姓王"


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        (
            [
                "It's 1am and they are STILL drilling upstairs. Send security NOW. "
                "Golden Garden bldg 2 flat 601, 13912340802"
            ],
            "Problem: It's 1am and they are STILL drilling upstairs",
        ),
        (
            ["My name is John Smith. The gym in the clubhouse of Sunshine Garden has been closed for 3 weeks"],
            "Problem: The gym has been closed for 3 weeks (",
        ),
    ],
)
def test_an_english_problem_no_category_named_before_is_said_back_without_the_name(
    chat: Chat, messages: list[str], problem: str
) -> None:
    chat.locale = "en"
    step = restatement(chat, *messages)
    assert chat.line(step, "Problem:").startswith(problem)


def test_a_possessive_does_not_cut_the_problem_nor_a_building_number_make_a_list(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")  # SMS: the first text is the complaint
    chat.send("Hi, the neighbours' dog barks all night in Sunshine Garden building 9. I've asked them twice.")
    step = restatement(chat, "13912340808")
    assert chat.line(step, "Problem:") == "Problem: the neighbours' dog barks all night (Property service)"


def test_the_problem_taken_back_after_it_was_put_right_is_the_one_restated(chat: Chat) -> None:
    chat.send("电梯坏了 阳光花园3栋 13912340212")
    chat.send("不对")
    assert chat.line(chat.send("哦不是电梯 是楼道灯不亮"), "问题：") == "问题：楼道灯不亮（工程维修）"
    step = chat.send("算了 还是电梯的事 电梯坏了 楼道灯没事")
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "问题：") == "问题：电梯坏了（工程维修）"


def test_a_problem_still_not_mended_is_no_taking_back(chat: Chat) -> None:
    step = restatement(chat, "电梯坏了 阳光花园3栋 13912340212")
    step = chat.send("还是没修 楼道灯也不亮")
    assert "电梯坏了" in chat.line(step, "问题：")


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        (["我妈家的下水道堵了 她家在幸福小区5栋301 我是她女儿 电话13912340213"], "问题：我妈家的下水道堵了（"),
        (["热水器坏了 春华苑5栋1204 我老公电话13912340209"], "问题：热水器坏了（"),
        (["地下车库一直渗水 翠湖苑7栋2203 13912340703"], "问题：地下车库一直渗水（"),
    ],
)
def test_who_writes_and_what_is_left_of_a_phone_or_a_flat_are_not_the_problem(
    chat: Chat, messages: list[str], problem: str
) -> None:
    step = restatement(chat, *messages)
    assert chat.line(step, "问题：").startswith(problem)


def test_a_letter_o_typed_among_the_phones_digits_is_read_as_a_nought(chat: Chat) -> None:
    step = chat.send("电体坏了好几天了没人修 阳关花园三栋 电话1391234O215")
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "问题：").startswith("问题：电体坏了好几天了没人修（")
    assert chat.line(step, "电话：") == "电话：13912340215"



@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("喂 你们搞什么啊 一个礼拜没热水 打了几次电话都没人理", "一个礼拜没热水 打了几次电话都没人理（"),
        ("喂 你哋搞咩啊 成個禮拜冇熱水 打咗幾次電話都冇人理", "成個禮拜冇熱水 打咗幾次電話都冇人理（"),
        ("你哋搞乜鬼 成個禮拜冇熱水", "成個禮拜冇熱水（"),
        ("你哋做咩嘢 成個禮拜冇熱水", "成個禮拜冇熱水（"),
    ],
)
def test_a_vent_before_the_problem_is_not_said_back_in_mandarin_or_cantonese(
    chat: Chat, description: str, problem: str
) -> None:
    step = restatement(chat, description)
    assert f"：{problem}" in chat.texts(step)
