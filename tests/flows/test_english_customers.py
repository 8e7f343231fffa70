"""An English-speaking customer, as an angry Hong Kong or mainland expat writes: a flat and an
estate in lower case read as the place ("unit 2301 the harbourside"), a floor put right at the
restatement ("no, it's 15/F not 5/F") without touching the problem, a phone given with a few words
around it, a place copied in Chinese characters answered in English, typos read as meant."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def restated(engine: ConversationEngine, first: str, *answers: str) -> Chat:
    """An English chat brought to the restatement by ``first`` and ``answers``."""
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for text in (first, *answers):
        chat.send(text)
    assert chat.state is State.CONFIRMING, chat.texts(chat.steps[-1])
    return chat


@pytest.mark.parametrize(
    ("first", "place", "problem"),
    [
        (
            "water leaking from my ceiling since yesterday, unit 2301 the harbourside",
            "unit 2301 the harbourside",
            "water leaking from my ceiling since yesterday",
        ),
        ("rm 1502 tower 3 the belcher's, water leaking from ceiling", "rm 1502 tower 3 the belcher's", None),
        ("The lift is broken AGAIN!!! Flat 12B, the Victoria Towers", "Flat 12B, the Victoria Towers", None),
        (
            "my flat is unit 2301 the harbourside and the pipe is leaking",
            "unit 2301 the harbourside",
            None,
        ),
        (
            "the lift at tower 3 lohas park broken since 2 days, my mum 80 yrs old cannot go down",
            "tower 3 lohas park",
            None,
        ),
    ],
)
def test_a_lower_case_estate_after_the_flat_is_the_place_and_not_asked_again(
    engine: ConversationEngine, first: str, place: str, problem: str | None
) -> None:
    chat = restated(engine, first, "9123 4567")
    step = chat.steps[-1]
    assert chat.line(step, "Place: ") == f"Place: {place}"
    assert chat.data.area == place
    assert PhraseId.ASK_AREA not in chat.phrase_ids(step)
    if problem is not None:
        assert chat.line(step, "Problem: ").startswith(f"Problem: {problem} (")


@pytest.mark.parametrize(
    "answer", ["unit 2301 the harbourside", "i live in unit 2301 the harbourside", "Unit 2301 The Harbourside"]
)
def test_a_lower_case_estate_answering_where_is_stored_whole_without_the_words_before_it(
    engine: ConversationEngine, answer: str
) -> None:
    chat = restated(engine, "pipe leaking in my bathroom", "9123 4567", answer)
    assert chat.data.area is not None and chat.data.area.lower() == "unit 2301 the harbourside"


@pytest.mark.parametrize("text", ["room 12 the toilet is blocked", "flat 5 the ceiling, water everywhere"])
def test_a_thing_after_the_flat_is_no_estate(engine: ConversationEngine, text: str) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send(text)
    assert chat.data.area is None


def test_a_phone_beside_the_place_is_the_phone(engine: ConversationEngine) -> None:
    chat = restated(engine, "pipe leaking in my bathroom", "rm 1502 tower 3 the belcher's 91234567")
    assert (chat.data.area, chat.data.phone) == ("rm 1502 tower 3 the belcher's", "+85291234567")


@pytest.mark.parametrize(
    "answer",
    ["it's 9123 4567", "sure, 9123 4567", "ok 91234567", "whatsapp me 9123 4567", "i told you already, 91234567"],
)
def test_a_phone_answered_with_a_few_words_is_the_phone(engine: ConversationEngine, answer: str) -> None:
    chat = restated(engine, "WHY IS THERE NO WATER AGAIN?? 3 DAYS NOW!!!", answer, "Block 2, Taikoo Shing")
    assert chat.data.phone == "+85291234567"


@pytest.mark.parametrize(
    ("correction", "place"),
    [
        ("no, it's 15/F not 5/F", "15/F Block 2 Taikoo Shing"),
        ("no it's 15/F", "15/F Block 2 Taikoo Shing"),
        ("wrong floor, 15/F", "15/F Block 2 Taikoo Shing"),
    ],
)
def test_a_floor_put_right_at_the_restatement_changes_the_place_and_not_the_problem(
    engine: ConversationEngine, correction: str, place: str
) -> None:
    chat = restated(engine, "my 水管 is leaking since yesterday!!!", "98765432", "5/F Block 2 Taikoo Shing")
    step = chat.send(correction)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "Place: ") == f"Place: {place}"
    assert chat.line(step, "Problem: ") == "Problem: my 水管 is leaking since yesterday (Engineering and repairs)"
    done = chat.send("yes")
    assert done.state is State.HANDED_OFF and "case number" in chat.texts(done)


def test_a_flat_put_right_keeps_the_rest_of_the_place(engine: ConversationEngine) -> None:
    chat = restated(engine, "pipe leaking", "98765432", "Flat 12C, 8/F, the harbourside")
    step = chat.send("no, flat 12B not 12C")
    assert chat.line(step, "Place: ") == "Place: Flat 12B, 8/F, the harbourside"


def test_a_floor_said_again_as_it_is_changes_nothing(engine: ConversationEngine) -> None:
    chat = restated(engine, "pipe leaking", "98765432", "15/F Block 2 Taikoo Shing")
    step = chat.send("no, it's 15/F not 5/F")
    assert chat.line(step, "Place: ") == "Place: 15/F Block 2 Taikoo Shing"
    assert chat.line(step, "Problem: ") == "Problem: pipe leaking (Engineering and repairs)"


@pytest.mark.parametrize(
    "first",
    [
        "the elevater is broke agian, 3rd time this month",
        "the aircon broke down",
        "no electricty since morning",
        "water dripping from upstairs aircon onto my window",
    ],
)
def test_a_broken_thing_typed_in_a_hurry_is_a_repair(engine: ConversationEngine, first: str) -> None:
    chat = restated(engine, first, "9123 4567", "Flat 5C, 12/F, Block 2, Taikoo Shing")
    assert chat.line(chat.steps[-1], "Problem: ").endswith("(Engineering and repairs)")


def test_a_phone_for_the_supervisor_answered_with_words_is_the_phone(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("I want to speak to a manager")
    step = chat.send("just call me!!! 9123 4567")
    assert chat.data.phone == "+85291234567"
    assert "9123 4567" in chat.texts(step)


@pytest.mark.parametrize(
    ("answer", "place"), [("太古城 金星閣 15樓 B室", "太古城金星閣15樓B室"), ("15樓 B室 金星閣 太古城", None)]
)
def test_a_place_copied_in_chinese_characters_keeps_the_conversation_in_english(
    engine: ConversationEngine, answer: str, place: str | None
) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("my neighbour upstairs drilling every day 8am!!! cannot sleep!!!")
    chat.send("9123 4567")
    step = chat.send(answer)
    assert chat.locale == "en" and step.locale is None
    assert "請" not in chat.texts(step) and "请" not in chat.texts(step), chat.texts(step)
    if place is not None:
        assert chat.line(step, "Place: ") == f"Place: {place}"


@pytest.mark.parametrize(
    "correction", ["no, the phone is wrong, it's 9876 5433 not 9876 5432", "not 9876 5432, should be 9876 5433"]
)
def test_a_phone_put_right_at_the_restatement_is_the_right_number(engine: ConversationEngine, correction: str) -> None:
    chat = restated(engine, "my toilet blocked!!!", "9876 5432", "Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing")
    step = chat.send(correction)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "Phone: ") == "Phone: 9876 5433"


def test_a_second_number_at_the_restatement_is_one_to_try_too(engine: ConversationEngine) -> None:
    chat = restated(engine, "my toilet blocked!!!", "9876 5432", "Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing")
    step = chat.send("you can also call my wife 6123 4567")
    assert chat.line(step, "Phone: ") == "Phone: 9876 5432 (or 6123 4567)"


def test_a_block_and_the_estate_it_is_in_are_the_place_whole(engine: ConversationEngine) -> None:
    chat = restated(engine, "my toilet blocked!!!", "9876 5432", "Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing")
    assert chat.line(chat.steps[-1], "Place: ") == "Place: Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing"


def test_a_problem_told_after_asking_for_a_manager_is_the_supervisors_case(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("I want to speak to a manager")
    told = chat.send("water dripping from upstairs aircon onto my window for 2 weeks, nobody cares")
    assert chat.data.description == ["water dripping from upstairs aircon onto my window for 2 weeks, nobody cares"]
    assert "what happened" not in chat.texts(told)
    chat.send("its flat 8D 20/F block 3 the riverside")
    assert chat.data.area == "flat 8D 20/F block 3 the riverside"


def test_call_me_with_a_title_is_how_the_customer_is_addressed(engine: ConversationEngine) -> None:
    chat = restated(
        engine,
        "the security guard SHOUTED at my kid today, so rude!!!",
        "call me Mr Chan, 6123 4567",
        "Block 3, the Riverside",
    )
    assert (chat.data.honorific, chat.data.surname, chat.data.phone) == ("Mr", "Chan", "+85261234567")
    assert chat.line(chat.steps[-1], "Name: ") == "Name: Mr Chan"


@pytest.mark.parametrize(
    "place",
    [
        "Room 1202, No. 5 Building, Yangguang Garden",
        "No. 5 Building, Room 1202, Yangguang Garden",
        "Room 1202, Building No. 5, Yangguang Garden",
        "Room 1202, Building 5, Yangguang Garden",
    ],
)
def test_a_chinese_address_put_in_english_smallest_first_is_the_place_whole(
    engine: ConversationEngine, place: str
) -> None:
    chat = restated(engine, f"the lift is broken again, {place}", "9123 4567")
    assert chat.line(chat.steps[-1], "Place: ") == f"Place: {place}"


def test_a_unit_and_a_part_of_an_estate_name_no_estate_and_the_estate_is_asked(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send("the lights in unit 5 the car park are off")
    step = chat.send("9123 4567")
    assert chat.state is State.AWAIT_AREA and chat.phrase_ids(step) == ["ask_area"]
    assert chat.data.area is None


def test_an_estate_named_in_many_words_before_its_block_is_the_place_whole(engine: ConversationEngine) -> None:
    chat = restated(engine, "The lift at Taikoo Shing Kam Sing Mansion broke again", "9123 4567")
    step = chat.steps[-1]
    assert chat.line(step, "Place: ") == "Place: Taikoo Shing Kam Sing Mansion"
    assert chat.data.area == "Taikoo Shing Kam Sing Mansion"
    assert chat.line(step, "Problem: ") == "Problem: The lift broke again (Engineering and repairs)"


@pytest.mark.parametrize(
    ("first", "phone", "place"),
    [
        (
            "my balcony drain is blocked, water everywhere 9876 1234, Flat 3A, 8/F, Block 1, City One Shatin",
            "9876 1234",
            "Flat 3A, 8/F, Block 1, City One Shatin",
        ),
        ("toilet leaking, 9222 3333, Block 1, Kornhill", "9222 3333", "Block 1, Kornhill"),
    ],
)
def test_a_hong_kong_mobile_typed_in_english_without_a_phone_word_is_the_phone(
    engine: ConversationEngine, first: str, phone: str, place: str
) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    step = chat.send(first)
    assert chat.state is State.CONFIRMING, chat.texts(step)  # never asked for the phone again
    assert chat.line(step, "Phone: ") == f"Phone: {phone}"
    assert chat.line(step, "Place: ").startswith("Place: ") and "1234" not in chat.line(step, "Place: ")
    assert place.split(",")[-1].strip() in chat.line(step, "Place: ")
