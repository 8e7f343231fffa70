"""Angry English customers played: a bone broken told without whose it is ("son broke arm on broken stairs") or
with "cause" for "because" is someone hurt, not a repair of an arm; "thanks for nothing" is no thanks; "WHERE IS
YOUR MANAGER" asks for the supervisor; "in charge" and a "charging point" name no bill; the floor, flat or
building typed on after an English place ("block 3 sunshine garden, 5th floor", "Sunshine Garden bldg 2 #1502",
"Sunshine Garden 3 502") and the estate before its named block ("Taikoo Shing, Kam Sing Mansion 15/F flat B")
are kept; a long problem beside a health condition is cut before "and", never leaving "…and water"."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat
from tests.flows.held_cases import held


def english_chat(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


@pytest.mark.parametrize(
    "told",
    [
        "son broke arm on broken stairs",
        "my son has a broken arm because of your broken stairs",
        "my boy broke his arm cause the step on the staircase is broken",
        "MY SON BROKE HIS ARM ON YOUR BROKEN STAIRS!!!",
    ],
)
def test_a_bone_broken_on_the_stairs_is_someone_hurt(conversation_engine: ConversationEngine, told: str) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send(told)
    assert chat.phrase_ids(step)[:2] == ["safety_injured", "urgent_ask_phone"]
    assert "call 120 (ambulance)" in chat.texts(step)
    chat.send("13800138000")
    restated = chat.send("Sunshine Garden block 3")
    assert "stair" in chat.line(restated, "Problem:").lower()
    assert chat.line(restated, "Problem:").endswith("(Engineering and repairs)")
    assert "promise_urgent" in chat.phrase_ids(restated)


def test_a_thing_s_arm_broken_is_a_repair_and_nobody_hurt(conversation_engine: ConversationEngine) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send("the barrier arm is broken")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE


def test_thanks_for_nothing_after_the_hand_off_is_the_wait_complained_of(
    conversation_engine: ConversationEngine,
) -> None:
    chat = english_chat(conversation_engine, "The lift is broken", "13800138000", "Sunshine Garden block 3", "yes")
    assert chat.state is State.HANDED_OFF
    step = chat.send("thanks for nothing")
    assert "customer_thanked" not in chat.phrase_ids(step)
    assert chat.phrase_ids(step) == ["status_apology", "status_answer"]
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)


@pytest.mark.parametrize(
    "told", ["WHERE IS YOUR MANAGER", "WHERE IS YOUR MANAGER i want to speak to a real person NOW"]
)
def test_asked_where_the_manager_is_the_supervisor_is_asked_for(
    conversation_engine: ConversationEngine, told: str
) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send(told)
    assert chat.phrase_ids(step) == ["supervisor_ask_details"]


def test_asked_where_the_supervisor_is_while_an_agent_holds_the_case(conversation_engine: ConversationEngine) -> None:
    chat = held(conversation_engine, locale="en")
    step = chat.send("where's your supervisor??")
    assert chat.phrase_ids(step)[0] == "supervisor_told"


@pytest.mark.parametrize(
    ("told", "category"),
    [
        ("the staff in charge of cleaning never shows up", "(Property service)"),
        ("the ev charging point in the car park is broken", "(Engineering and repairs)"),
    ],
)
def test_in_charge_and_a_charging_point_name_no_bill(
    conversation_engine: ConversationEngine, told: str, category: str
) -> None:
    chat = english_chat(conversation_engine, told, "13800138000")
    restated = chat.send("Sunshine Garden block 3")
    assert chat.line(restated, "Problem:") == f"Problem: {told} {category}"


def test_someone_in_charge_asked_for_is_the_supervisor_not_a_bill(conversation_engine: ConversationEngine) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send("i want to talk to someone in charge")
    assert chat.phrase_ids(step) == ["supervisor_ask_details"]


@pytest.mark.parametrize(
    "place",
    [
        "block 3 sunshine garden, 5th floor",
        "Sunshine Garden bldg 2 #1502",
        "Sunshine Garden 3 502",
        "Sunshine Garden 3-502",
        "Taikoo Shing, Kam Sing Mansion 15/F flat B",
    ],
)
def test_the_whole_english_place_answered_is_restated(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, "lift broken", "13800138000")
    restated = chat.send(place)
    assert chat.line(restated, "Place:") == f"Place: {place}"


def test_the_flat_typed_after_the_place_with_the_phone_is_kept(conversation_engine: ConversationEngine) -> None:
    chat = english_chat(conversation_engine, "the water heater leaks")
    restated = chat.send("ph: 13800138000, addr: Sunshine Garden bldg 2 #1502")
    assert chat.line(restated, "Place:") == "Place: Sunshine Garden bldg 2 #1502"
    assert chat.line(restated, "Phone:") == "Phone: 13800138000"


def test_the_building_and_flat_answered_to_the_duty_supervisor_s_place_question_are_kept(
    conversation_engine: ConversationEngine,
) -> None:
    chat = english_chat(conversation_engine, "someone keeps parking in my spot and security does NOTHING. i'll sue you")
    chat.send("13800138000")
    restated = chat.send("Sunshine Garden 3 502")
    assert chat.line(restated, "Place:") == "Place: Sunshine Garden 3 502"


def test_a_long_problem_beside_a_health_condition_is_cut_before_a_clause(
    conversation_engine: ConversationEngine,
) -> None:
    chat = english_chat(
        conversation_engine,
        "theres a huge crack in the ceiling and water dripping on my bed, my daughter has asthma and the mold is "
        "making it worse",
        "13800138000",
    )
    restated = chat.send("Sunshine Garden block 3")
    assert chat.line(restated, "Problem:") == (
        "Problem: theres a huge crack in the ceiling and water dripping on my bed, my daughter has asthma… "
        "(Engineering and repairs)"
    )


def test_a_long_problem_alone_is_cut_before_a_clause(conversation_engine: ConversationEngine) -> None:
    chat = english_chat(
        conversation_engine,
        "hi, the water heater leaks and the kitchen light flickers and nobody answers the phone at the management "
        "office",
    )
    restated = chat.send("ph: 13800138000, addr: Sunshine Garden bldg 2")
    assert chat.line(restated, "Problem:") == (
        "Problem: the water heater leaks and the kitchen light flickers… (Engineering and repairs)"
    )
