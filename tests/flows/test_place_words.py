"""The customer's own words taken as the place (no address the parser knows) are kept within what
a case stores, and never when they hold a forbidden phrase, which the restatement would say back."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import AREA_MAX_CHARS
from bot.flows.records import CustomerView, State
from bot.storage.models import Complaint
from tests.flows.chat import Chat

LONG_PLACE = "我家楼下" + "很长的地址" * 100
ABUSE = "您冲我发什么火呀，我们的规定就是这样的"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    for message in ["我要投诉，电梯坏了", "13800138079"]:
        started.send(message)
    assert started.state is State.AWAIT_AREA
    return started


def test_a_place_longer_than_a_case_keeps_is_kept_up_to_that_length_and_the_case_is_filed(chat: Chat) -> None:
    chat.send(LONG_PLACE)
    assert chat.data.area == LONG_PLACE[:AREA_MAX_CHARS]
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == LONG_PLACE[:AREA_MAX_CHARS]


def test_the_bound_is_the_stored_columns() -> None:
    column_type = Complaint.__table__.c.area.type
    assert isinstance(column_type, String) and column_type.length == AREA_MAX_CHARS


def test_a_place_answer_holding_a_forbidden_phrase_is_not_said_back_but_asked_for_again(chat: Chat) -> None:
    step = chat.send(ABUSE)
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA_AGAIN.value]
    assert chat.data.area is None
    step = chat.send("阳光花园3栋")
    assert "我们的规定就是这样的" not in chat.texts(step) and "阳光花园3栋" in chat.texts(step)


def test_a_corrected_place_holding_a_forbidden_phrase_leaves_the_place_as_it_was(chat: Chat) -> None:
    chat.send("阳光花园3栋")
    chat.send("不对")
    chat.send("地址")
    asked_for = chat.state
    step = chat.send(ABUSE)
    assert "我们的规定就是这样的" not in chat.texts(step)
    assert (asked_for, chat.state) == (State.CORRECT_AREA, State.CONFIRMING)
    assert chat.data.area == "阳光花园3栋"


def test_a_place_holding_its_districts_name_is_said_once(chat: Chat) -> None:
    step = chat.send("望京花园东区")
    assert "地点：望京花园东区\n" in chat.texts(step)


def test_a_yes_when_asked_for_the_right_place_keeps_the_place(chat: Chat) -> None:
    chat.send("阳光花园3栋")
    chat.send("不对")
    chat.send("地址")
    chat.send("係 啱晒")
    assert chat.data.area == "阳光花园3栋" and chat.state is State.CONFIRMING


@pytest.mark.parametrize(
    ("answer", "restated"),
    [
        ("西城公馆", "西城公馆"),
        ("嗯 是东城国际", "东城国际"),
        ("和平里小区11号楼", "和平里小区11号楼"),
        ("雁塔区丈八东路的绿地世纪城", "雁塔区丈八东路的绿地世纪城"),
        ("不好意思 是万科城市之光 3号楼", "万科城市之光3号楼"),
        ("我住在长安区南门外的翠华苑小区9号楼2单元1203室", "长安区南门外的翠华苑小区9号楼2单元1203室"),
        ("我住在凤城五路的海荣名城 七号楼一单元", "凤城五路的海荣名城七号楼一单元"),
    ],
)
def test_the_place_answer_is_restated_in_the_customers_words_without_a_district_not_said(
    chat: Chat, answer: str, restated: str
) -> None:
    step = chat.send(answer)
    assert f"地点：{restated}\n" in chat.texts(step)
    assert chat.data.area == restated


@pytest.mark.parametrize(
    ("message", "restated"),
    [
        ("电梯坏了三天了，我住在长安区南门外的翠华苑小区9号楼2单元1203室", "长安区南门外的翠华苑小区9号楼2单元1203室"),
        ("电梯坏了，我住在凤城五路的海荣名城 七号楼一单元", "凤城五路的海荣名城七号楼一单元"),
        ("我要投诉，和平里小区11号楼电梯坏了", "和平里小区11号楼"),
    ],
)
def test_a_place_in_the_problems_message_is_restated_whole(
    conversation_engine: ConversationEngine, message: str, restated: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(message)
    step = chat.send("13800138079")
    assert f"地点：{restated}\n" in chat.texts(step)


@pytest.mark.parametrize(
    ("message", "restated"),
    [
        ("万达世纪城停水了", "万达世纪城"),
        ("我住绿地新都会 停水了", "绿地新都会"),
        ("恒大绿洲3期停电", "恒大绿洲3期"),
        ("龙湖天街地下车库漏水", "龙湖天街地下车库"),
        ("融创九棠府物业不作为", "融创九棠府"),
        ("碧桂园凤凰城5栋停水", "碧桂园凤凰城5栋"),
        ("保利花园二期的电梯坏了", "保利花园二期"),
    ],
)
def test_an_estate_named_after_its_developer_in_the_problems_message_is_restated_whole(
    conversation_engine: ConversationEngine, message: str, restated: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(message)
    step = chat.send("13800138079")
    assert f"地点：{restated}\n" in chat.texts(step)
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == restated


@pytest.mark.parametrize(
    ("answer", "restated"),
    [
        ("万达世纪城", "万达世纪城"),
        ("我住绿地新都会", "绿地新都会"),
        ("恒大绿洲3期停电", "恒大绿洲3期"),
        ("融创九棠府物业不作为", "融创九棠府"),
        ("龙湖天街地下车库", "龙湖天街地下车库"),
    ],
)
def test_an_estate_named_after_its_developer_answering_the_place_question_is_restated_whole(
    chat: Chat, answer: str, restated: str
) -> None:
    step = chat.send(answer)
    assert f"地点：{restated}\n" in chat.texts(step)
    assert chat.data.area == restated


def test_the_developers_company_at_the_place_question_is_more_of_the_problem_not_the_place(chat: Chat) -> None:
    step = chat.send("恒大的物业太差了")
    assert chat.data.area is None and chat.state is State.AWAIT_AREA
    assert chat.phrase_ids(step)[-1] == PhraseId.ASK_AREA.value
    assert "恒大的物业太差了" in chat.data.description


@pytest.mark.parametrize("particle", ["在", "嗯 在", "在的。"])
def test_a_lone_particle_is_no_place_nor_the_start_of_the_next_one(
    conversation_engine: ConversationEngine, particle: str
) -> None:
    """Over SMS (the phone known) "在" answering the place question is asked again, and the place
    told next is restated as told, with no "在" before it."""
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("楼道灯坏了")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(particle)
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA_AGAIN.value] and chat.data.area is None
    step = chat.send("翠湖花园8栋1单元502")
    assert "地点：翠湖花园8栋1单元502" in chat.texts(step).splitlines()
    assert chat.data.area == "翠湖花园8栋1单元502"


@pytest.mark.parametrize("first", ["我是5栋的李阿姨 楼道灯坏了三天了", "5号楼电梯坏了三天了"])
def test_a_building_alone_is_asked_which_estate_it_is_in(conversation_engine: ConversationEngine, first: str) -> None:
    """ "我是5栋的李阿姨": the bot asks, once, which estate 5栋 is in; the answer completes the place."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(first)
    step = chat.send("13900001111")
    building = chat.data.area
    assert chat.phrase_ids(step) == [PhraseId.ASK_ESTATE.value] and chat.state is State.AWAIT_AREA
    assert chat.texts(step) == f"请问{building}是哪个小区的呢？请您告诉我小区名称，例如“阳光花园”。"
    step = chat.send("翠湖花园")
    assert f"地点：翠湖花园{building}" in chat.texts(step).splitlines()


@pytest.mark.parametrize("answer", ["不知道", "嗯"])
def test_a_building_whose_estate_is_not_told_goes_on_as_told(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我是5栋的李阿姨 楼道灯坏了三天了")
    chat.send("13900001111")
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert "地点：5栋" in chat.texts(step).splitlines()


def test_a_building_in_an_english_conversation_is_asked_its_estate_in_english(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("The lift in 5栋 has been broken for three days")
    step = chat.send("13900001111")
    assert (
        chat.texts(step)
        == 'Which residential community is 5栋 in? Please tell me its name, for example "Sunshine Garden".'
    )
