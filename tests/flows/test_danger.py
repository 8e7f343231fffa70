"""Danger now (gas, fire, someone trapped or hurt) and talk of self-harm: how to stay safe and
whom to call first, then the duty supervisor at once, with a reply promised within the hour at
any time of day (紧急优先, seed 002; the violent type's "supervisor, safety")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from opencc import OpenCC

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from bot.understanding.understander import Understander
from tests.flows.chat import SHANGHAI, Chat

SATURDAY_EARLY = dt.datetime(2026, 12, 5, 7, 25, tzinfo=SHANGHAI)
"""Outside service hours on a weekend: a business-hours promise would be Monday or later."""
SAFETY_ADVICE = frozenset(
    {
        "safety_first",
        "safety_electric",
        "safety_fire",
        "safety_gas",
        "safety_lift",
        "safety_water",
        "safety_locked_out",
        "safety_life_support",
        "safety_injured",
        "safety_child",
        "safety_child_water",
        "safety_violence",
        "safety_manhole",
    }
)
"""The safety advice, one for each kind of danger (``classification.safety_advice``) and the general one."""


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


@pytest.mark.parametrize(
    ("message", "place", "advice"),
    [
        ("楼道里煤气味特别大 是不是漏气了 我电话13512340000 朝阳区潘家园华威里10号楼", None, "safety_gas"),
        ("电梯里现在有人被困住了 按警铃没人应 快来人啊 我电话13512340000", "锦绣华庭5号楼", "safety_lift"),
        ("電梯困人半小時了，快來人！電話13512340000", "錦繡華庭5號樓", "safety_lift"),
    ],
)
def test_danger_is_told_how_to_stay_safe_first_and_promised_within_the_hour(
    engine: ConversationEngine, message: str, place: str | None, advice: str
) -> None:
    """The duty supervisor is alerted at once; the time is promised once the place is known, after
    the restatement (with the place given in the first message: in the first reply)."""
    chat = Chat(engine, now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send(message)
    phrases = chat.phrase_ids(step)
    assert phrases[0] == advice
    assert "119" in step.replies[0].text
    assert phrases[1] == "urgent_handoff"
    assert "escalated_supervisor" not in phrases
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")
    assert step.complaint is not None and Signal.DANGER.value in step.complaint.signals
    # Within the hour on a Saturday morning, not Monday: 07:25 + 1 h, rounded up to 08:30.
    assert step.complaint.deadline_at == SATURDAY_EARLY.replace(hour=8, minute=30)
    if place is not None:
        assert phrases[2:] == ["urgent_ask_place"]
        step = chat.send(place)
        phrases = chat.phrase_ids(step)
    assert phrases[-4:] == ["restate", "promise_urgent", "case_number", "restated_check"]
    assert re.search("1小[时時][内內]（今天上午8[点點]半前）", chat.texts(step))
    assert chat.data.phone == "13512340000"


def test_danger_late_at_night_is_promised_within_the_hour_by_a_time_that_keeps_it(engine: ConversationEngine) -> None:
    """At 23:10 the hour is up at 0:10: "1小时内（明天凌晨0点10分前）". The table's 30-minute step
    would say 0点30分, an hour and twenty minutes, which "1小时内" beside it would not keep: a
    promise of an hour is rounded up by a sixth of it at most (deadlines.yaml round_to_minutes)."""
    saturday_late = dt.datetime(2026, 12, 5, 23, 10, tzinfo=SHANGHAI)
    chat = Chat(engine, now=saturday_late)
    chat.send(Started())
    record = chat.send("楼道里煤气味特别大 是不是漏气了 我电话13512340000").complaint
    assert record is not None and record.deadline_at == dt.datetime(2026, 12, 6, 0, 10, tzinfo=SHANGHAI)
    step = chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(step)[-3:] == ["promise_urgent", "case_number", "restated_check"]
    assert "1小时内（明天凌晨0点10分前）" in chat.texts(step)


def test_an_english_danger_is_promised_an_answer_within_an_hour_in_plain_english(engine: ConversationEngine) -> None:
    """ "within an hour", never "within 1 hours"."""
    chat = Chat(engine, locale="en", now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send("hi, the hallway smells like gas, my phone is 13512340000")
    step = chat.send("Building 3, Green Court, Haidian")
    assert "promise_urgent" in chat.phrase_ids(step)
    assert "within an hour (by 8:30 am today)" in chat.texts(step) and "1 hours" not in chat.texts(step)


def test_a_threat_of_violence_is_answered_within_the_hour_too(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("再不修好我就拿刀去物业办公室把你们砍了")
    assert step.complaint is not None and step.complaint.deadline_at == SATURDAY_EARLY.replace(hour=8, minute=30)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)


def test_talk_of_self_harm_hears_care_and_a_helpline_not_an_apology_for_inconvenience(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send("楼上天天半夜吵 我已经一个月没睡好了 我不想活了")
    phrases = chat.phrase_ids(step)
    assert phrases[:2] == ["self_harm_care", "urgent_handoff"]
    assert "12356" in step.replies[0].text
    assert "不便" not in chat.texts(step)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    # Care and a person, not thanks for the feedback and a case number; the supervisor has the case.
    assert phrases == ["self_harm_care", "urgent_handoff"]
    assert "意见" not in chat.texts(step) and "编号" not in chat.texts(step)
    assert step.complaint is not None and "不想活了" in step.complaint.description


def test_danger_told_at_the_place_question_is_not_taken_for_the_place(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了")
    chat.send("13800138000")
    step = chat.send("我真的要崩溃了 不想活了")
    assert chat.phrase_ids(step)[0] == "self_harm_care"
    assert chat.state is State.HANDED_OFF
    assert chat.data.area is None


def test_danger_after_the_hand_off_raises_the_case_and_safety_is_said_once(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("楼道的灯坏了")
    chat.send("阳光花园3栋")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    step = chat.send("现在楼道里冒烟了，好像着火了")
    # Danger now on the case: its reply time is danger's, within the hour, and said.
    assert chat.phrase_ids(step) == ["safety_fire", "urgent_handoff", "escalated_within_an_hour"]
    assert "1小时内（今天下午3点前）" in chat.texts(step) and str(chat.data.case_number) in chat.texts(step)
    assert step.handoff is not None and (step.handoff.priority, step.handoff.reason) == (0, "danger")
    assert step.escalated_deadline is not None
    again = chat.send("烟越来越大了，着火了")
    assert chat.phrase_ids(again) == ["urgent_handoff"] and again.escalated_deadline is None


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("再不修好我就拿刀去物业办公室把你们砍了", Signal.VIOLENCE),
        ("There is a gas leak in the basement", Signal.DANGER),
        ("someone is trapped in the lift", Signal.DANGER),
        ("I don't want to live anymore", Signal.SELF_HARM),
        ("楼上扔下来个花盆砸到我头了 现在在流血", Signal.DANGER),
        ("再不修我就把你们物业的车点了", Signal.VIOLENCE),
        ("路灯旁边的井盖也没了 很危险 晚上有人差点掉下去", Signal.DANGER),
        ("我家水管爆了水漫金山了快来人啊", Signal.DANGER),
        ("小区门口的电线掉下来了", Signal.DANGER),
        ("电梯里困了人 快来", Signal.DANGER),
        ("电梯卡住了 我妈在里面出不来", Signal.DANGER),
        ("升降機困咗人", Signal.DANGER),
        ("lift stopped, my son is trapped inside", Signal.DANGER),
    ],
)
def test_the_signals_are_read(understander: Understander, text: str, signal: Signal) -> None:
    assert signal in understander.understand(text, "zh-CN").signals


@pytest.mark.parametrize(
    "text",
    [
        "一直被噪音困扰，晚上睡不着",
        "小区门口的树被砍了",
        "楼道里有人抽烟",
        "热得想死，空调坏了",
        "The manager should fire that guard",
        "电梯坏了 还好没困人",
        "被这个问题困扰很久了 电梯老坏",
    ],
)
def test_everyday_words_near_danger_are_not_danger(understander: Understander, text: str) -> None:
    signals = understander.understand(text, "zh-CN").signals
    assert not signals & {Signal.DANGER, Signal.SELF_HARM, Signal.VIOLENCE}


def test_danger_without_a_place_asks_where_and_the_place_goes_on_the_case(engine: ConversationEngine) -> None:
    """Handed over at once, a gas leak has no place yet: the bot asks where, and the address given
    after the hand-off (with the phone, or alone) goes on the case."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("楼道里煤气味特别大 是不是漏气了")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_ask_phone"]
    case_number = chat.data.case_number
    step = chat.send("13800001117 朝阳区劲松八区5号楼")
    assert chat.phrase_ids(step) == [
        "escalation_phone_noted",
        "restate",
        "promise_urgent",
        "case_number",
        "restated_check",
    ]
    assert step.contact is not None
    assert (step.contact.case_number, step.contact.phone) == (case_number, "13800001117")
    assert step.contact.area is not None and "劲松八区5号楼" in step.contact.area
    assert chat.data.area == step.contact.area


def test_the_place_before_the_phone_asked_for_is_noted_and_the_phone_asked_again(engine: ConversationEngine) -> None:
    """Not "值班主管会在这里与您联系", as if the customer had refused a phone; the first phone
    then is noted, not "更正"."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道里煤气味特别大")
    step = chat.send("朝阳区望京西园三区305号楼2单元")
    assert chat.phrase_ids(step) == ["place_noted_ask_phone"]
    assert step.contact is not None and step.contact.area is not None and "望京西园三区" in step.contact.area
    step = chat.send("13700002222")
    assert chat.phrase_ids(step) == [
        "escalation_phone_noted",
        "restate",
        "promise_urgent",
        "case_number",
        "restated_check",
    ]
    assert step.contact is not None and step.contact.phone == "13700002222"
    assert "更正" not in chat.texts(step)


@pytest.mark.parametrize(
    ("locale", "emergency", "place"),
    [
        ("zh-TW", "電梯裡有人被困住了", "新北市板橋區文化路一段52號"),  # a place the gazetteer does not know
        ("en", "there is a gas leak in our building", "Building 3, Green Court, Haidian"),
        ("zh-TW", "樓梯間有很濃的瓦斯味 我好怕", "沙田第一城15座"),  # kept whole, and in traditional
    ],
)
def test_the_place_of_an_emergency_is_kept_in_any_language(
    engine: ConversationEngine, locale: str, emergency: str, place: str
) -> None:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(emergency)
    step = chat.send(place)
    assert chat.phrase_ids(step) == ["place_noted_ask_phone"]
    assert step.contact is not None and step.contact.area is not None
    assert step.contact.area in place or step.contact.area in OpenCC("t2s").convert(place)
    assert chat.data.traditional == (locale == "zh-TW")  # a place the same in both scripts keeps traditional


def test_a_place_alone_after_the_hand_off_is_noted_on_a_case_without_one(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800001117"))
    chat.send(Started())
    chat.send("楼道里煤气味特别大")
    step = chat.send("海淀区苏州街3号院2号楼501")
    assert chat.phrase_ids(step) == ["restate", "promise_urgent", "case_number", "restated_check"]
    assert step.contact is not None and step.contact.phone is None
    assert step.contact.area is not None and "苏州街3号院2号楼501" in step.contact.area


def test_talk_of_self_harm_without_a_phone_is_asked_for_one_without_apologising_for_inconvenience(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("我真的不想活了")
    phrases = chat.phrase_ids(step)
    assert phrases[0] == "self_harm_care"
    assert "urgent_ask_phone" in phrases and "escalation_ask_phone" not in phrases
    assert "不便" not in chat.texts(step)


def test_talk_of_self_harm_is_not_asked_for_a_place_to_rush_to(engine: ConversationEngine) -> None:
    """Asking where to rush to ("为了尽快赶到现场…") is for danger at a place; a customer at the
    end of their tether over a broadband fault is cared for and called."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("宽带断了一个礼拜 我在家办公 被你们逼得活不下去了")
    assert chat.phrase_ids(step)[0] == "self_harm_care"
    assert "urgent_ask_place" not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("message", "advice"),
    [
        ("插座冒火星了 电表箱那边还有烧焦的味道", "safety_electric"),
        ("电梯突然往下掉了好几层 我妈还在里面", "safety_lift"),
        ("楼道里全是烟 呛死人了 不知道哪家着了", "safety_fire"),
        ("天然气管道漏了 嘶嘶响", "safety_gas"),
        ("hi, the hallway smells like gas", "safety_gas"),
        ("there's smoke coming out of the electrical room", "safety_electric"),
    ],
)
def test_sparks_smoke_a_falling_lift_or_a_gas_leak_hear_how_to_stay_safe_first(
    engine: ConversationEngine, message: str, advice: str
) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == [advice, "urgent_handoff"]
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority, step.handoff.reason) == (
        "supervisor",
        0,
        "danger",
    )


@pytest.mark.parametrize("message", ["楼道里一股烟味 邻居天天在楼道抽烟", "电梯下来得很慢"])
def test_a_neighbour_s_smoke_or_a_slow_lift_is_an_ordinary_complaint(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert not SAFETY_ADVICE & set(chat.phrase_ids(step))
    assert chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize(
    ("locale", "emergency", "chaser"),
    [
        ("zh-CN", "救命 电梯卡住了 我和孩子被困在里面了", "快点啊"),
        ("zh-CN", "配电箱冒火花了 还有烧焦的味道", "你们快点来人啊"),
        ("zh-CN", "井盖没了 晚上有人差点掉下去", "怎么还不来人"),
        ("zh-CN", "楼道里全是烟", "好的"),
        ("zh-CN", "地下车库着火了 好多烟", "人都跑出来了 你们快派人"),
        ("en", "the hallway smells like gas, really strong", "hurry up please"),
        ("zh-TW", "電梯卡住了 我媽在裡面出不來 怎麼辦", "快點"),
    ],
)
def test_a_chaser_after_an_emergency_is_reassured_and_the_phone_asked_again_not_taken_as_no_phone(
    engine: ConversationEngine, locale: str, emergency: str, chaser: str
) -> None:
    """ "快点啊" after "请您留下…电话…" urges us on: it refuses nothing and is no place. The customer
    is reassured and asked for the phone again; the address next; with nothing left to ask, the
    restatement and the time promised."""
    chat = Chat(engine, locale=locale, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send(emergency)
    step = chat.send(chaser)
    assert chat.phrase_ids(step) == ["escalation_reassure", "ask_phone"]
    assert chat.data.area is None
    step = chat.send(chaser)
    assert chat.phrase_ids(step) == ["escalation_reassure", "urgent_ask_place"]
    step = chat.send(chaser)
    # The same questions not a third time: the restatement and the promise.
    assert chat.phrase_ids(step) == [
        "escalation_reassure",
        "restate",
        "promise_urgent",
        "case_number",
        "restated_check",
    ]
    step = chat.send("13900001234")
    assert chat.phrase_ids(step) == ["escalation_phone_noted"]
    assert chat.data.phone == "13900001234"


def test_a_phone_after_a_chaser_is_noted_and_the_address_asked_again(engine: ConversationEngine) -> None:
    chat = Chat(engine, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send("救命 电梯卡住了 我和孩子被困在里面了")
    chat.send("快点啊")
    step = chat.send("13900001234")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "urgent_ask_place"]
    step = chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(step) == ["restate", "promise_urgent", "case_number", "restated_check"]
    assert chat.line(step, "地点：") == "地点：锦绣华庭5号楼"


def test_the_phone_of_an_emergency_is_noted_and_the_address_asked_next(engine: ConversationEngine) -> None:
    chat = Chat(engine, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send("楼道里全是烟")
    step = chat.send("电话一三九零零零零一二三四")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "urgent_ask_place"]
    step = chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(step) == ["restate", "promise_urgent", "case_number", "restated_check"]


def test_a_refused_phone_in_an_emergency_asks_the_address_and_restates_the_answer_comes_here(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send("楼道里全是烟")
    step = chat.send("不想留电话")
    assert chat.phrase_ids(step) == ["escalation_without_phone", "urgent_ask_place"]
    step = chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(step) == ["restate", "promise_urgent", "case_number", "restated_check"]
    assert chat.line(step, "电话：") == "电话：未留电话，通过本次对话的渠道与您联系"
    assert "保持电话畅通" not in chat.texts(step)


@pytest.mark.parametrize(
    ("message", "advice"),
    [
        # A hand caught in the lift's door: hurt, not trapped (no lift-rescue advice: the injured's).
        ("电梯门夹到我女儿的手了 流了好多血", "safety_injured"),
        ("我们小区已经停电8个小时了 家里还有个瘫痪的老人 呼吸机用不了", "safety_life_support"),
        # Shut out in freezing cold: danger now, not a routine 12-hour case; where to wait, kept warm.
        ("物业电话一直打不通 小区大门的门禁卡失灵了 进不了门 现在人在门口站着 外面零下五度", "safety_locked_out"),
        ("保安打人了 我要报警 就在小区门口", "safety_violence"),
        # A tree or a pole about to fall on live lines: keep away from the wires.
        ("小区里有棵大树快倒了 压着电线 很危险", "safety_electric"),
        ("电线杆快倒了", "safety_electric"),
    ],
)
def test_bleeding_a_stopped_ventilator_freezing_outside_or_a_beating_now_are_danger(
    engine: ConversationEngine, message: str, advice: str
) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send(message)
    phrases = chat.phrase_ids(step)
    assert phrases[:2] == [advice, "urgent_handoff"]
    assert "120" in step.replies[0].text
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority, step.handoff.reason) == (
        "supervisor",
        0,
        "danger",
    )
    assert step.complaint is not None and step.complaint.deadline_at == SATURDAY_EARLY.replace(hour=8, minute=30)
    assert phrases[-1] == "urgent_ask_place"


def test_a_beating_now_asks_the_place_and_the_place_goes_on_the_case(engine: ConversationEngine) -> None:
    """As for any danger: the place sent next is noted on the case, not the generic acknowledgement."""
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("保安打人了 我要报警 就在小区门口")
    assert chat.phrase_ids(step)[0] == "safety_violence" and chat.phrase_ids(step)[-1] == "urgent_ask_place"
    assert "110" in step.replies[0].text and "燃气" not in step.replies[0].text
    assert step.complaint is not None and Signal.VIOLENCE.value in step.complaint.signals
    step = chat.send("金泰假日花城")
    assert chat.phrase_ids(step) == ["restate", "promise_urgent", "case_number", "restated_check"]
    assert step.contact is not None and step.contact.area is not None and "金泰假日花城" in step.contact.area
    assert chat.data.area == step.contact.area


@pytest.mark.parametrize(
    "message",
    [
        "上周我妈被夹了手",
        "上周电梯门夹了我妈的手",
        "上周电梯门夹到我女儿的手流了好多血",
        "上个月停电呼吸机用不了 物业也不管",
        "冬天零下十度 暖气不热 冻死了",
        "再不修我就打人了",  # a threat (violence), not a beating happening now
        "你们不处理 否则我就打人了",
        # Broken for a week: nobody is shut in the lift now, the stairs are the trouble.
        "The lift in building 3 has been broken for a week and my elderly mother cannot get out",
    ],
)
def test_bleeding_or_a_stopped_ventilator_told_as_past_or_plain_cold_is_not_danger(
    understander: Understander, message: str
) -> None:
    assert Signal.DANGER not in understander.understand(message, "zh-CN").signals


def test_a_beating_told_as_past_is_a_complaint_for_the_supervisor_without_safety_first(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"), now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("上周保安打人了")
    assert not SAFETY_ADVICE & set(chat.phrase_ids(step))
    assert step.handoff is not None and step.handoff.reason == "threat"


def test_a_pinched_hand_last_week_is_an_ordinary_complaint(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("上周电梯门夹了我妈的手")
    assert not SAFETY_ADVICE & set(chat.phrase_ids(step))
    assert chat.state is State.AWAIT_PHONE


def test_danger_told_again_and_worse_later_hears_the_safety_advice_again(engine: ConversationEngine) -> None:
    """c11: "煤气味越来越重了" a quarter of an hour on heard only "已作为紧急情况…", not to leave,
    switch nothing and call 119; told again within ``timers.safety_repeat_after`` it is not repeated."""
    chat = Chat(engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send("楼道里煤气味好重啊 怎么办"))[0] == "safety_gas"
    chat.send("保利花园二期 5栋3单元")
    chat.send("电话13811112222")
    soon = chat.send("煤气味还是很重")
    assert not SAFETY_ADVICE & set(chat.phrase_ids(soon))
    chat.wait(engine.config.timers.safety_repeat_after)
    step = chat.send("都十几分钟了 到底什么时候来人 煤气味越来越重了")
    assert chat.phrase_ids(step)[0] == "safety_gas"
    assert "119" in chat.texts(step) and "不要开关电灯和电器" in chat.texts(step)


def test_talk_of_self_harm_then_never_mind_hears_care_again_and_no_form_question(engine: ConversationEngine) -> None:
    """c19: "算了 没事了 你们别管了" after "不想活了" was asked where it happened and told the
    supervisor would write here."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我真的不想活了")
    step = chat.send("算了 没事了 你们别管了")
    assert chat.phrase_ids(step) == ["self_harm_care"]
    assert "12356" in chat.texts(step)
    assert "哪个小区" not in chat.texts(step) and chat.state is State.HANDED_OFF


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("URGENT water is pouring into the electrical box in the basement carpark!!! sparks everywhere", "en"),
        ("there is smoke coming from the socket in my kitchen", "en"),
        ("exposed live wires hanging in the corridor", "en"),
        ("a burning smell from the wiring in the meter box", "en"),
        ("the basement is flooded right by the electrical room", "en"),
        ("配电箱进水了 还在冒火花", "zh-CN"),
        ("插座冒烟了", "zh-CN"),
        ("電箱入咗水 仲爆火花", "zh-TW"),
        ("插蘇冒煙呀", "zh-TW"),
        ("電線露咗出嚟 好危險", "zh-TW"),
        ("有陣燶味 好似電線燒緊", "zh-TW"),
    ],
)
def test_water_sparks_smoke_or_bare_wires_in_the_electrics_are_danger_and_a_complex_repair(
    understander: Understander, text: str, locale: str
) -> None:
    understood = understander.understand(text, locale)
    assert Signal.DANGER in understood.signals
    assert (understood.category, understood.grade) == ("engineering_repair", "complex")


@pytest.mark.parametrize(
    "text", ["i smell gas", "我家厨房好大的煤气味", "there is a gas leak in the basement", "燃气泄漏了"]
)
def test_a_gas_leak_is_a_complex_repair_not_other(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER in understood.signals
    assert (understood.category, understood.grade) == ("engineering_repair", "complex")


@pytest.mark.parametrize("text", ["燃气费太贵了", "gas bill too high", "the water meter box is broken", "插座坏了"])
def test_a_gas_bill_or_a_broken_socket_is_no_danger(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER not in understood.signals


@pytest.mark.parametrize(
    ("locale", "emergency", "question", "advice"),
    [
        (
            "en",
            "URGENT water is pouring into the electrical box in the basement carpark!!! sparks everywhere",
            "what should i do",
            "safety_electric",
        ),
        ("zh-CN", "配电箱进水了 还在冒火花", "怎么办啊", "safety_electric"),
        ("zh-TW", "插蘇冒煙呀", "點算", "safety_electric"),
        ("zh-CN", "我家厨房好大的煤气味", "怎么办", "safety_gas"),
        ("zh-TW", "水管爆咗 成個廚房都係水", "點算呀", "safety_water"),
    ],
)
def test_asking_what_to_do_in_an_emergency_hears_its_safety_advice_again_not_the_phone_question_alone(
    engine: ConversationEngine, locale: str, emergency: str, question: str, advice: str
) -> None:
    chat = Chat(engine, locale=locale, now=SATURDAY_EARLY)
    chat.send(Started())
    assert chat.phrase_ids(chat.send(emergency))[:2] == [advice, "urgent_ask_phone"]
    step = chat.send(question)
    assert chat.phrase_ids(step) == [advice, "ask_phone"]
    assert chat.data.phone is None and chat.data.area is None
    # With the phone and the place given, asked again: the advice, and nothing asked.
    chat.send("13900001234")
    chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(chat.send(question)) == [advice]


def test_a_burst_pipe_flooding_a_kitchen_hears_water_advice_not_the_lift_s_or_the_gas_s(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine, locale="zh-TW", now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("水管爆咗 成個廚房都係水")
    assert chat.phrase_ids(step)[0] == "safety_water"
    advice = step.replies[0].text
    assert "總閥" in advice and "插座" in advice
    assert not any(word in advice for word in ("電梯", "燃氣", "煤氣"))
    assert step.complaint is not None and (step.complaint.category, step.complaint.grade) == (
        "engineering_repair",
        "complex",
    )


@pytest.mark.parametrize(
    "message",
    [
        "天天被楼上吵 投诉了八百遍没用 再不解决我就不活了",
        "你们再不管 我就死给你们看",
        "楼上漏水一个月了 我真的活不下去了",
        "逼得我没法活了 楼下天天烧烤",
        "再这样下去我就去跳楼",
    ],
)
def test_a_life_threatened_in_any_words_hears_care_and_the_helpline_never_its_words_back(
    engine: ConversationEngine, message: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["self_harm_care", "urgent_ask_phone"]
    assert "12356" in step.replies[0].text
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    chat.send("13512340000")
    chat.send("锦绣华庭5号楼")
    said = "\n".join(chat.texts(step) for step in chat.steps)
    assert not any(words in said for words in ("不活", "死给", "活不下去", "没法活", "跳楼"))


def test_a_sale_at_a_price_to_jump_for_is_no_self_harm(understander: Understander) -> None:
    assert Signal.SELF_HARM not in understander.understand("楼下超市天天跳楼价甩卖 喇叭吵死了", "zh-CN").signals
