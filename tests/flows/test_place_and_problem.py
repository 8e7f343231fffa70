"""What a customer sees of their place and their problem in the restatement (tester report h1, D3, D5,
D6 and the restatement cut mid-word): a detail told at the place question is more of the problem, not
the place; a place at the end of a first message is the place; the items taken out of the problem leave
no broken words behind; a long problem is cut where a pause or a word ends."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.fixture
def english(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine, locale="en")
    started.send(Started())
    return started


def restated(step: Step) -> list[str]:
    """The restatement's lines, without its heading (fails when the step did not restate)."""
    return next(reply.text for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value).splitlines()[1:]


# --------------------------------------------------------------------------- a detail at the place question


@pytest.mark.parametrize(
    ("problem", "detail"),
    [
        ("楼道里堆满了杂物", "昨天晚上我老婆还被绊倒了"),
        ("楼道里堆满了杂物", "已经三天了 都没人管"),
    ],
)
def test_a_detail_told_at_the_place_question_is_more_of_the_problem_and_the_place_is_asked_again(
    chat: Chat, problem: str, detail: str
) -> None:
    chat.send(problem)
    chat.send("13800005577")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(detail)  # a second or two later: the customer answers the bot's question
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    assert chat.data.area is None and chat.data.description == [problem, detail]
    lines = restated(chat.send("阳光花园3栋"))
    assert lines[1] == "地点：阳光花园3栋"


def test_a_detail_told_in_english_at_the_place_question_is_not_the_place(english: Chat) -> None:
    english.send("the lift in my building is broken")
    english.send("13800005577")
    step = english.send("it has been like this for a week and my kid almost fell")
    assert english.phrase_ids(step) == ["description_recorded", "ask_area"]
    assert english.data.area is None
    assert "Place: Sunshine Garden building 3" in restated(english.send("Sunshine Garden building 3"))


@pytest.mark.parametrize(
    ("first", "place", "problem"),
    [
        ("小区门口的减速带被压坏了 电话13900112233 阳光花园南门", "阳光花园南门", "小区门口的减速带被压坏了"),
        ("垃圾桶满了没人清 电话13800005599 翠湖花园北门", "翠湖花园北门", "垃圾桶满了没人清"),
    ],
)
def test_a_place_at_the_end_of_the_first_message_is_the_place(chat: Chat, first: str, place: str, problem: str) -> None:
    lines = restated(chat.send(first))
    assert lines[1] == f"地点：{place}"
    assert lines[0].startswith(f"问题：{problem}（") and "电话" not in lines[0] and place not in lines[0]


def test_a_detail_after_the_place_in_the_first_message_never_becomes_the_place(chat: Chat) -> None:
    chat.send("小区门口的减速带被压坏了 电话13900112233 阳光花园南门")
    assert chat.state is State.CONFIRMING  # nothing asked again: the place was given
    chat.send("补充一下 减速带的钉子露出来了 扎了好几个车胎")
    assert chat.data.area == "阳光花园南门"


# --------------------------------------------------------------------------- items taken out of the problem


def finish(chat: Chat, step: Step) -> list[str]:
    for answer in ("13800138000", "阳光花园3栋"):
        if chat.state is not State.CONFIRMING:
            step = chat.send(answer)
    return restated(step)


@pytest.mark.parametrize(
    ("first", "problem"),
    [
        (
            "我帮我爸反映一下 他电话13811112233 他住阳光花园9栋 他家暖气不热两天了",
            "问题：我帮我爸反映一下 他家暖气不热两天了（工程维修）",
        ),
        (
            "我替我妈投诉 她家停电了一整天 她电话是13912340987 她住翠湖花园3栋",
            "问题：我替我妈投诉 她家停电了一整天（工程维修）",
        ),
        ("阳光花园3栋的路灯坏了 电话13900001111", "问题：路灯坏了（工程维修）"),
    ],
)
def test_the_words_that_introduced_an_item_go_with_it(chat: Chat, first: str, problem: str) -> None:
    assert finish(chat, chat.send(first))[0] == problem


def test_a_customer_who_says_where_they_live_and_who_they_are_is_named_and_not_half_quoted(chat: Chat) -> None:
    chat.send("我是5栋的李阿姨 我们楼下的路灯坏了一个月了 老人晚上出门不安全")
    asked = chat.send("电话 138 1111 2222")
    assert chat.phrase_ids(asked) == ["ask_estate"]  # 5栋 of which estate?
    lines = restated(chat.send("翠湖花园"))
    assert lines[0] == "问题：我们楼下的路灯坏了一个月了 老人晚上出门不安全（工程维修）"
    assert lines[1] == "地点：翠湖花园5栋"
    assert lines[3] == "称呼：李阿姨"


def test_an_english_problem_keeps_no_dangling_word_of_the_place_taken_out(english: Chat) -> None:
    lines = restated(english.send("the gym equipment is broken at Sunshine Garden clubhouse, call me at 13800007788"))
    assert lines[0] == "Problem: the gym equipment is broken (Engineering and repairs)"
    assert lines[1] == "Place: Sunshine Garden clubhouse"


def test_an_english_place_keeps_its_bare_building_number(english: Chat) -> None:
    english.send("the lift is broken")
    english.send("13800007788")
    assert "Place: Sunshine Garden 3" in restated(english.send("Sunshine Garden 3"))


# --------------------------------------------------------------------------- a problem longer than the restatement


@pytest.mark.parametrize(
    ("first", "kept", "not_kept"),
    [
        (
            "氣死我了!!!管理處的人根本不理人 垃圾房臭到不行 蟑螂到處爬 我已經打了五次電話 都說會處理 "
            "結果什麼都沒做 你們到底有沒有在做事",
            "管理處的人根本不理人",
            "都說會處…",
        ),
        # Forty characters end inside 不出热水: the cut comes after 热水器, not inside the next word.
        ("my apartment water heater broken 热水器不出热水 since yesterday", "broken 热水器…", "不出热"),
    ],
)
def test_a_problem_longer_than_the_restatement_is_cut_where_a_pause_or_a_word_ends(
    chat: Chat, conversation_engine: ConversationEngine, first: str, kept: str, not_kept: str
) -> None:
    limit = conversation_engine.config.classification.form.summary_limit("zh-CN")
    problem = finish(chat, chat.send(first))[0]
    summary = problem[len("问题：") : problem.rindex("（")]
    assert kept in summary and not_kept not in summary
    assert summary.endswith("…") and len(summary) <= limit


def test_a_long_clause_without_pauses_is_cut_between_words(chat: Chat) -> None:
    chat.send("楼上邻居家的空调外机每天晚上十二点以后都开着而且噪音特别大吵得我们全家老小根本睡不着觉")
    problem = finish(chat, chat.steps[-1])[0]
    summary = problem[len("问题：") : problem.rindex("（")]
    assert summary.endswith("…") and len(summary) <= 40
    assert not summary.endswith(("睡不…", "噪…", "全家老…", "根本睡…"))


# --------------------------------------------------------------------------- places read whole (fix-places)


def test_an_estate_named_without_an_estate_word_is_the_place_and_a_building_put_right_keeps_it(chat: Chat) -> None:
    chat.send("锦绣江南6栋的电梯口有人堆了好多纸箱 消防隐患")
    lines = restated(chat.send("13900002222"))  # no "which estate?": it was said
    assert lines[:2] == ["问题：电梯口有人堆了好多纸箱 消防隐患（物业服务）", "地点：锦绣江南6栋"]
    assert restated(chat.send("不对 是5栋"))[1] == "地点：锦绣江南5栋"


@pytest.mark.parametrize("answer", ["锦绣江南6栋", "锦绣江南"])
def test_the_estate_told_at_the_estate_question_completes_the_place(chat: Chat, answer: str) -> None:
    chat.send("6栋的电梯口有人堆了好多纸箱 消防隐患")
    assert chat.phrase_ids(chat.send("13900002222")) == ["ask_estate"]
    lines = restated(chat.send(answer))
    assert lines[:2] == ["问题：电梯口有人堆了好多纸箱 消防隐患（物业服务）", "地点：锦绣江南6栋"]
    assert restated(chat.send("不对 是5栋"))[1] == "地点：锦绣江南5栋"


def test_the_place_of_the_problem_is_restated_not_the_home(chat: Chat) -> None:
    chat.send("我住翠苑小区 但是问题在隔壁金地广场的地下车库 车被刮了 监控说坏了")
    lines = restated(chat.send("13800138000"))
    assert lines[1] == "地点：金地广场地下车库"
    assert "金地广场" not in lines[0] and "车被刮了 监控说坏了" in lines[0]


def test_an_english_building_of_an_estate_leaves_no_hole_in_the_problem(english: Chat) -> None:
    english.send("The lift in building 3 of Sunshine Garden is broken again")
    lines = restated(english.send("13800138000"))
    assert lines[:2] == [
        "Problem: The lift is broken again (Engineering and repairs)",
        "Place: building 3 of Sunshine Garden",
    ]


def test_an_english_estate_called_a_park_is_the_place(english: Chat) -> None:
    step = english.send(
        "The dog next door barks all night and I can't sleep. Building 12, Green Park. Phone +86 138 0013 8000"
    )
    assert restated(step)[1] == "Place: Building 12, Green Park"
