"""A phone told in pieces, one message each, while it is asked for ("电话是", "一三九", "一二三四",
"五六七八"; "138", "0013", "8000"), put together and taken once it makes a number, never more of
the problem nor a refusal; and Hong Kong numbers after a word, in English or Cantonese (customer
testers' report: elderly and fast typists, English-speaking Hong Kong customers)."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat

ASK_PHONE = "请您留下可以联系到您的电话号码，好吗？"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.fixture
def english_chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine, locale="en")
    started.send(Started())
    return started


def asked_for_the_phone(chat: Chat, problem: str, place: str) -> None:
    chat.send(problem)
    chat.send(place)
    assert chat.state is State.AWAIT_PHONE, chat.texts(chat.steps[-1])


ELDERLY = ["电话是", "一三九", "一二三四", "五六七八"]


@pytest.mark.parametrize(
    ("problem", "place", "pieces", "phone"),
    [
        ("楼道灯坏了好久了 晚上黑乎乎的", "朝阳区望京西园三区4号楼", ELDERLY, "13912345678"),
        ("楼上空调滴水滴到我家阳台", "富力城 A区 2栋", ["我的手机号是一三九", "零零零零", "一一一一"], "13900001111"),
        ("单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋", ["138", "0013", "8000"], "13800138000"),
        ("樓上冷氣滴水滴到我屋企露台", "沙田第一城5座", ["我個電話係", "九一二三", "四五六七"], "+85291234567"),
        ("樓道燈壞咗好耐", "沙田第一城5座", ["電話是", "一三九", "一二三四", "五六七八"], "13912345678"),
    ],
)
def test_a_phone_told_in_pieces_is_taken_whole_and_is_no_part_of_the_problem(
    chat: Chat, problem: str, place: str, pieces: list[str], phone: str
) -> None:
    asked_for_the_phone(chat, problem, place)
    for piece in pieces[:-1]:
        step = chat.send(piece)
        assert step.replies == [], (piece, chat.texts(step))  # heard out, not asked again nor "recorded"
        chat.wait(20)
    step = chat.send(pieces[-1])
    assert chat.data.phone == phone, chat.texts(step)
    assert chat.data.phone_refusals == 0
    assert chat.data.description == [problem]
    restated = chat.texts(step).splitlines()
    assert any(line.startswith(("问题：", "問題：")) and line.endswith("）") for line in restated)
    assert any(line.startswith(("电话：", "電話：")) for line in restated)


def test_a_yes_after_the_pieces_confirms_the_restatement(chat: Chat) -> None:
    asked_for_the_phone(chat, "楼道灯坏了好久了 晚上黑乎乎的", "朝阳区望京西园三区4号楼")
    for piece in ELDERLY:
        chat.send(piece)
    assert "电话：13912345678" in chat.texts(chat.steps[-1])
    step = chat.send("对的")
    assert step.complaint is not None and chat.data.phone == "13912345678"
    assert "case_number" in chat.phrase_ids(step)


def test_english_pieces_are_put_together_too(english_chat: Chat) -> None:
    asked_for_the_phone(english_chat, "The gate of the car park is broken", "Parkvale Village, block 3")
    english_chat.send("138")
    english_chat.send("0013")
    step = english_chat.send("8000")
    assert english_chat.data.phone == "13800138000"
    assert "Phone: 13800138000" in english_chat.texts(step)


def test_words_after_a_piece_end_it_and_are_read_as_ever(chat: Chat) -> None:
    asked_for_the_phone(chat, "单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋")
    assert chat.send("138").replies == []
    step = chat.send("我不想留电话")
    assert chat.data.phone is None and chat.data.phone_pieces == ()
    assert chat.data.phone_refusals == 1, chat.texts(step)


def test_digits_that_can_begin_no_number_are_answered_as_a_number_that_is_none(chat: Chat) -> None:
    asked_for_the_phone(chat, "单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋")
    chat.send("139")
    chat.send("1234")
    step = chat.send("56789")  # twelve digits: a mobile one digit long, said so
    assert chat.data.phone is None and chat.data.phone_pieces == ()
    assert PhraseId.PHONE_DIGIT_LONG.value in chat.phrase_ids(step)
    assert chat.data.description == ["单元门的门锁坏了 谁都能进"]


def test_pieces_far_apart_start_the_number_afresh(chat: Chat, conversation_engine: ConversationEngine) -> None:
    asked_for_the_phone(chat, "单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋")
    chat.send("一三九")
    chat.wait(conversation_engine.config.timers.phone_pieces_within + 1)
    chat.send("138")
    chat.send("0013")
    chat.send("8000")
    assert chat.data.phone == "13800138000"


def test_the_duty_supervisor_s_phone_told_in_pieces_is_taken_and_no_refusal(chat: Chat) -> None:
    step = chat.send("电梯困人了！！我老伴在里面出不来 天河区猎德花园7栋")
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    for piece in ["一三八", "零零", "一三"]:
        step = chat.send(piece)
        assert step.replies == [], (piece, chat.texts(step))
    step = chat.send("八零零零")
    assert chat.data.phone == "13800138000" and not chat.data.contact_by_channel
    said = chat.texts(step)
    assert "13800138000" in said and "值班主管会在这里与您联系" not in said


@pytest.mark.parametrize(
    ("said", "phone"),
    [
        ("my mobile is 5123 8888", "+85251238888"),
        ("MY NO 9345 6789", "+85293456789"),
        ("the phone is 9876 5433", "+85298765433"),
    ],
)
def test_a_hong_kong_mobile_after_english_words_is_the_phone(english_chat: Chat, said: str, phone: str) -> None:
    asked_for_the_phone(english_chat, "Hi, water leaking from ceiling in my flat", "Flat 12B, Block 3, Whampoa Garden")
    step = english_chat.send(said)
    assert english_chat.data.phone == phone, english_chat.texts(step)
    assert english_chat.data.description == ["Hi, water leaking from ceiling in my flat"]


def test_a_hong_kong_landline_after_a_cantonese_word_is_the_phone(chat: Chat) -> None:
    asked_for_the_phone(chat, "樓上冷氣滴水滴到我屋企露台", "沙田第一城5座")
    step = chat.send("屋企電話 2345 6789")
    assert chat.data.phone == "+85223456789", chat.texts(step)
    assert "電話：2345 6789" in chat.texts(step)


def test_a_phone_put_right_at_the_restatement_replaces_the_old_one(english_chat: Chat) -> None:
    asked_for_the_phone(english_chat, "Third time reporting the broken gate", "Parkvale Village, block 3")
    english_chat.send("9876 5432")
    assert english_chat.state is State.CONFIRMING
    english_chat.send("no")
    step = english_chat.send("the phone is 9876 5433")
    assert english_chat.data.phone == "+85298765433", english_chat.texts(step)
    assert "Phone: 9876 5433" in english_chat.texts(step)
    english_chat.send("whatever, I'll just go to the Ombudsman")
    assert english_chat.data.phone == "+85298765433"


def test_a_phone_put_right_in_pieces_replaces_the_old_one(chat: Chat) -> None:
    chat.send("楼下麻将馆太吵")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    chat.send("不对")
    chat.send("电话")
    assert chat.state is State.CORRECT_PHONE
    for piece in ELDERLY[1:3]:
        assert chat.send(piece).replies == []
    step = chat.send(ELDERLY[3])
    assert chat.data.phone == "13912345678"
    assert "电话：13912345678" in chat.texts(step)


ASK_THE_REST = "好的，请继续告诉我您的完整手机号码。"


def prompt_due(chat: Chat, engine: ConversationEngine) -> Step:
    """The wait for the next piece ends: the pieces' timer fires as the worker would fire it."""
    chat.wait(engine.config.timers.phone_pieces_prompt_after)
    return chat.send(chat.timer(TimerKind.PHONE_PIECES_PROMPT))


def test_a_customer_who_stops_after_a_piece_is_asked_for_the_rest_once_and_the_piece_is_kept(
    chat: Chat, conversation_engine: ConversationEngine
) -> None:
    asked_for_the_phone(chat, "楼道灯坏了好久了 晚上黑乎乎的", "朝阳区望京西园三区4号楼")
    assert chat.send("电话是").replies == []
    assert chat.send("一三九").replies == []
    step = prompt_due(chat, conversation_engine)
    assert chat.texts(step) == ASK_THE_REST
    assert chat.state is State.AWAIT_PHONE and chat.data.phone_pieces == ("", "139")
    assert chat.send("一二三四").replies == []
    assert TimerKind.PHONE_PIECES_PROMPT not in chat.data.timers  # asked once, not after every piece
    step = chat.send("五六七八")
    assert chat.data.phone == "13912345678" and "电话：13912345678" in chat.texts(step)
    assert ASK_THE_REST not in chat.texts(step)


def test_a_number_finished_in_time_hears_nothing_more(chat: Chat, conversation_engine: ConversationEngine) -> None:
    asked_for_the_phone(chat, "单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋")
    chat.send("138")
    late = chat.timer(TimerKind.PHONE_PIECES_PROMPT)
    chat.send("0013")
    chat.send("8000")
    assert chat.data.phone == "13800138000" and TimerKind.PHONE_PIECES_PROMPT not in chat.data.timers
    chat.wait(conversation_engine.config.timers.phone_pieces_prompt_after)
    assert chat.send(late).replies == []


def test_words_after_a_piece_are_read_as_ever_and_the_rest_is_not_asked_for(
    chat: Chat, conversation_engine: ConversationEngine
) -> None:
    asked_for_the_phone(chat, "单元门的门锁坏了 谁都能进", "阳光城 丽景湾 9栋")
    chat.send("138")
    late = chat.timer(TimerKind.PHONE_PIECES_PROMPT)
    step = chat.send("我不想留电话")
    assert chat.data.phone_refusals == 1 and ASK_THE_REST not in chat.texts(step)
    chat.wait(conversation_engine.config.timers.phone_pieces_prompt_after)
    assert chat.send(late).replies == []


@pytest.mark.parametrize(
    ("locale", "problem", "place", "piece", "asked"),
    [
        ("zh-CN", "樓上冷氣滴水滴到我屋企露台", "沙田第一城5座", "我個電話係", "好的，請繼續告訴我您的完整手機號碼。"),
        (
            "en",
            "The gate of the car park is broken",
            "Parkvale Village, block 3",
            "138",
            "OK, please go on and tell me the rest of your phone number.",
        ),
    ],
)
def test_the_rest_is_asked_for_in_the_customers_own_writing(
    conversation_engine: ConversationEngine, locale: str, problem: str, place: str, piece: str, asked: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    asked_for_the_phone(chat, problem, place)
    assert chat.send(piece).replies == []
    assert chat.texts(prompt_due(chat, conversation_engine)) == asked


def test_the_duty_supervisor_s_phone_stopped_half_way_is_asked_for_too(
    chat: Chat, conversation_engine: ConversationEngine
) -> None:
    chat.send("电梯困人了！！我老伴在里面出不来 天河区猎德花园7栋")
    assert chat.send("一三八").replies == []
    assert chat.texts(prompt_due(chat, conversation_engine)) == ASK_THE_REST
    chat.send("零零一三")
    step = chat.send("八零零零")
    assert chat.data.phone == "13800138000" and "13800138000" in chat.texts(step)
