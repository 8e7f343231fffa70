"""Dangers a player found taken as routine complaints ("您反映的情况，我已记录下来…"): talk of jumping from a
height, someone fallen and hurt, a child in water or out of a window, a fight or a knife now, water in the
electrics, an open manhole, a burning smell inside a wall. Each hears first the advice fitting it (or care and
the 12356 helpline), goes to the duty supervisor at once and is due within the hour; what only sounds like
them ("楼下有人吵架", "井盖响", "我妈上次摔倒过 所以想装扶手") stays an ordinary complaint."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView
from tests.flows.chat import MONDAY_2PM, Chat

IN_AN_HOUR = MONDAY_2PM + dt.timedelta(hours=1)


def _first_answer(
    engine: ConversationEngine, message: str, locale: str = "zh-CN"
) -> tuple[Chat, list[str | None], str]:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), locale=locale)
    chat.send(Started())
    step = chat.send(message)
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")
    assert step.complaint is not None and step.complaint.deadline_at == IN_AN_HOUR
    return chat, chat.phrase_ids(step), step.replies[0].text


@pytest.mark.parametrize(
    "message",
    [
        "物业再不处理我就从楼上跳下去",
        "我要从18楼跳下去",
        "我想从楼上跳下去",
        "逼死我算了",
        "电梯坏了 我跳下去算了",
        "我真係唔想再住落去 我要由天台跳落去",
        "i'm going to jump off the roof if nobody fixes this",
    ],
)
def test_talk_of_jumping_or_being_driven_to_death_hears_care_and_the_helpline(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat, phrases, first = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["self_harm_care", "urgent_handoff"]
    assert "12356" in first
    assert "给您造成" not in chat.texts(chat.steps[-1]) and "我已记录下来" not in chat.texts(chat.steps[-1])


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("my elderly mother fell in the lobby, she can't get up, theres blood", "en"),
        ("my dad fell down the stairs and is not moving", "en"),
        ("my grandma collapsed in the lift lobby and is unconscious", "en"),
        ("我爸在家摔倒了 叫不醒", "zh-CN"),
        ("我妈在楼道里摔倒了 起不来了 流血了", "zh-CN"),
        ("我爸从梯子上摔下来了 头破了 在流血", "zh-CN"),
        ("老人在电梯里晕倒了", "zh-CN"),
        ("我老婆在浴室滑倒了 头撞到了 流血不止", "zh-CN"),
        ("老人从楼梯上滚下来了 不能动了", "zh-CN"),
        ("小孩从楼上掉下来了", "zh-CN"),
        ("有人从楼上跳下来了", "zh-CN"),
        ("我媽喺大堂跌親 起唔到身 流緊血", "zh-TW"),
        ("我老豆喺屋企暈低咗 叫極都唔醒", "zh-TW"),
    ],
)
def test_someone_fallen_and_hurt_now_hears_call_120_and_do_not_move_them(
    conversation_engine: ConversationEngine, message: str, locale: str
) -> None:
    _, phrases, first = _first_answer(conversation_engine, message, locale)
    assert phrases[:2] == ["safety_injured", "urgent_handoff"]
    assert "120" in first
    assert any(words in first for words in ("不要随意搬动", "不要隨意搬動", "do not move them"))


@pytest.mark.parametrize(
    "message",
    [
        "有小孩掉进小区水池了",
        "孩子在小区游泳池溺水了",
        "my son fell into the pond in the estate",
        "有个小孩在河边掉下去了",
    ],
)
def test_a_child_in_water_hears_the_advice_for_water(conversation_engine: ConversationEngine, message: str) -> None:
    _, phrases, first = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["safety_child_water", "urgent_handoff"]
    assert "110" in first and "120" in first
    assert not any(words in first for words in ("窗外", "空调外机", "out of a window"))


@pytest.mark.parametrize(
    "message",
    [
        "小孩从窗户爬出去了 在空调外机上",
        "有個細路爬咗出窗 企喺冷氣機上面",
        "a kid climbed out of the window on the 5th floor and is on the ledge",
        "我家孩子爬到窗台外面去了 快来",
        "隔壁小孩站在窗户外面的窗台上 很危险",
    ],
)
def test_a_child_out_of_a_window_hears_only_the_window_s_advice(
    conversation_engine: ConversationEngine, message: str
) -> None:
    """Not first how to save a child from drowning: only the advice for the danger told."""
    _, phrases, first = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["safety_child", "urgent_handoff"]
    assert any(words in first for words in ("不要大声惊吓孩子", "不要大聲驚嚇孩子", "do not startle them"))
    assert "119" in first and "110" in first
    assert not any(words in first for words in ("落水", "救生圈", "fallen into water"))


@pytest.mark.parametrize(
    "message",
    [
        "小区门口有人在打架 拿着刀 保安也不管",
        "someone is fighting with a knife downstairs",
        "有人拿刀在楼下砍人",
        "樓下有人打交 仲揸住把刀",
        "there is a fight going on in the car park, one guy has a knife",
        "有人被砍了 在小区门口 流了好多血",
    ],
)
def test_a_fight_or_a_knife_now_hears_get_away_and_call_110(
    conversation_engine: ConversationEngine, message: str
) -> None:
    _, phrases, first = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["safety_violence", "urgent_handoff"]
    assert "110" in first
    assert any(words in first for words in ("远离", "遠離", "Get away"))


@pytest.mark.parametrize(
    "message",
    [
        "楼上漏水 漏到我家电箱里了 啪啪响",
        "水漏进电表箱 滋滋响",
        "配电房被水淹了",
        "電錶箱入晒水",
        "water is leaking into the fuse box and it's crackling",
        "家里有股烧焦味…好像是墙里面",
        "屋企有陣燶味 好似係牆入面傳出嚟",
        "there is a burning smell coming from inside the wall",
    ],
)
def test_water_in_the_electrics_or_a_burning_smell_in_the_wall_hears_the_electrics_advice(
    conversation_engine: ConversationEngine, message: str
) -> None:
    _, phrases, _ = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["safety_electric", "urgent_handoff"]


@pytest.mark.parametrize(
    "message",
    [
        "小区里井盖没了 晚上有人差点掉下去",
        "沙井蓋冇咗 好危險",
        "the manhole cover is missing outside block 3, someone almost fell in",
    ],
)
def test_an_open_manhole_hears_keep_away_and_mark_it_not_the_lift_s_advice(
    conversation_engine: ConversationEngine, message: str
) -> None:
    _, phrases, first = _first_answer(conversation_engine, message)
    assert phrases[:2] == ["safety_manhole", "urgent_handoff"]
    assert "电梯" not in first and "電梯" not in first and "lift" not in first


@pytest.mark.parametrize(
    "message",
    [
        "楼下有人吵架",
        "井盖响",
        "电箱门坏了",
        "我妈上次摔倒过 所以想装扶手",
        "my mum fell last month and now she needs a handrail",
        "我家孩子上次在小区水池边摔倒了 希望加个护栏",
        "孩子说空调外机太吵了",
        "楼下天天有人打架 吵死了",
        "昨天保安睡觉叫不醒",
        "楼上漏水 漏到我家卫生间了",
        "小孩在阳台上玩",
        "我家的刀被保安拿走了",
        "儿子的玩具掉进水池了",
        "水池没有护栏 怕小孩掉进去",
        "小区河边的栏杆坏了 孩子容易掉下去",
        "我爸去年摔倒了 起不来 后来住院了",
        "保安在门口跟人吵架",
        "房东逼死我了 押金不退",
        "电表箱的锁坏了",
    ],
)
def test_what_only_sounds_like_these_dangers_stays_an_ordinary_complaint(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    assert step.handoff is None
    assert not any(phrase and phrase.startswith(("safety_", "self_harm")) for phrase in chat.phrase_ids(step))
    assert not {Signal.DANGER, Signal.SELF_HARM} & set(chat.data.signals)


def test_a_fall_told_and_then_how_bad_it_is_hears_the_injured_s_advice_at_the_second_message(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send("我妈摔倒了")
    assert first.handoff is None
    step = chat.send("起不来了")
    assert chat.phrase_ids(step) == ["safety_injured", "urgent_ask_phone"]
    assert step.handoff is not None and step.handoff.reason == "danger"
    step = chat.send("怎么办啊")
    assert chat.phrase_ids(step)[0] == "safety_injured"


def test_someone_seen_falling_from_a_height_is_no_talk_of_self_harm(conversation_engine: ConversationEngine) -> None:
    """A witness ("有人从楼上跳下来了") hears how to help the one who fell, not care for their own despair."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("有人从楼上跳下来了")
    assert "self_harm_care" not in chat.phrase_ids(step)
    assert Signal.SELF_HARM not in chat.data.signals
