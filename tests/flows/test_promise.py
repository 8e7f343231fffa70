"""The promised reply time in conversation (issue 12 item 7): a time inside the service hours,
said the way the manuals say it, and stored as said."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Clock, DeadlineOverride, DeadlineRule, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from bot.understanding.understander import Understander
from tests.flows.chat import SHANGHAI, Chat


def monday(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour, minute, tzinfo=SHANGHAI)


def confirm(
    chat: Chat,
    description: str = "小区楼道的垃圾三天没人清理",
    area: str = "阳光花园3栋",
    yes: str = "对",
) -> Step:
    chat.send(Started())
    chat.send(description)
    chat.send("13800138000")
    chat.send(area)
    return chat.send(yes)


def promised(step: Step) -> dict[str, object]:
    [event] = [event for event in step.audit if event.kind == "promised"]
    return event.detail


def test_a_simple_complaint_at_12_13_is_promised_for_tomorrow_afternoon(
    conversation_engine: ConversationEngine,
) -> None:
    """The issue's case: 12 h at 12:13 was "明天凌晨0点13分前". Seed 000 case 1's model answer
    is a time in the working day: "明天下午3点前给您回复,我的工号是XX"."""
    chat = Chat(conversation_engine, now=monday(12, 13))
    step = confirm(chat)
    text = chat.texts(step)
    assert "并在明天下午3点半前给您明确的答复" in text
    assert "凌晨" not in text and "小时内" not in text
    assert step.complaint is not None
    # What is stored (and what the reminder, apology and breach timers count to) is what was said.
    assert step.complaint.deadline_at == dt.datetime(2026, 11, 24, 15, 30, tzinfo=SHANGHAI)
    assert promised(step)["deadline_at"] == step.complaint.deadline_at.isoformat()
    assert promised(step)["said"] == "明天下午3点半前"
    assert "我的工号是8001" in text  # with the work number, as in the seed
    assert chat.state is State.HANDED_OFF


def test_the_seeds_model_answer_word_for_word(conversation_engine: ConversationEngine) -> None:
    """Seed 000 case 1: "明天下午3点前给您回复": 5.5 service hours today, 6.5 tomorrow."""
    chat = Chat(conversation_engine, now=monday(11, 45))
    step = confirm(chat)
    assert "并在明天下午3点前给您明确的答复" in chat.texts(step)
    assert step.complaint is not None
    assert step.complaint.deadline_at == dt.datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)


def test_english_says_the_time_as_people_do(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en", now=monday(11, 45))
    step = confirm(chat, "The rubbish in our stairwell has not been collected for three days", "Sunny Garden 3", "yes")
    text = chat.texts(step)
    assert "give you a clear answer by 3 pm tomorrow." in text
    assert "hours" not in text


def test_a_complaint_on_friday_evening_is_promised_by_its_weekday_and_date(
    conversation_engine: ConversationEngine,
) -> None:
    friday_evening = dt.datetime(2026, 12, 4, 19, 30, tzinfo=SHANGHAI)
    chat = Chat(conversation_engine, now=friday_evening)
    step = confirm(chat)
    # Nobody works the weekend: 9 service hours on Monday 12/7, 3 on Tuesday 12/8
    assert "并在12月8日（周二）上午11点半前给您明确的答复" in chat.texts(step)
    assert step.complaint is not None
    assert step.complaint.deadline_at == dt.datetime(2026, 12, 8, 11, 30, tzinfo=SHANGHAI)


def test_a_holiday_is_not_promised(conversation_engine: ConversationEngine) -> None:
    eve_of_national_day = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    chat = Chat(conversation_engine, now=eve_of_national_day)
    step = confirm(chat)
    assert "并在10月9日（周五）上午10点前给您明确的答复" in chat.texts(step)


@pytest.fixture
def wall_clock_engine(service_config: ServiceConfig, understander: Understander) -> ConversationEngine:
    deadlines = service_config.deadlines.model_copy(update={"clock": Clock.WALL})
    return ConversationEngine(service_config.model_copy(update={"deadlines": deadlines}), understander)


def test_on_the_wall_clock_a_night_deadline_is_promised_at_the_next_opening(
    wall_clock_engine: ConversationEngine,
) -> None:
    chat = Chat(wall_clock_engine, now=monday(12, 13))
    step = confirm(chat)
    assert "并在明天上午8点半前给您明确的答复" in chat.texts(step)
    assert step.complaint is not None
    assert step.complaint.deadline_at == dt.datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI)


def test_on_the_wall_clock_the_standards_hours_are_said_when_they_are_true(
    wall_clock_engine: ConversationEngine,
) -> None:
    """Seed 001 (21): "并在XX小时内给您明确的答复", when XX hours from now is the time promised."""
    chat = Chat(wall_clock_engine, now=monday(10, 10))
    step = confirm(chat, "卫生间水管漏水,墙面都渗水了")  # complex: 24 h
    assert "并在24小时内（明天上午10点半前）给您明确的答复" in chat.texts(step)


def _promising(engine: ConversationEngine, hours: float) -> ConversationEngine:
    """The engine with every complaint promised ``hours`` on the wall clock at any hour."""
    deadlines = engine.config.deadlines
    rule = DeadlineOverride(deadline=DeadlineRule(hours=hours, clock=Clock.AROUND_THE_CLOCK))
    changed = deadlines.model_copy(update={"overrides": [rule]})
    return ConversationEngine(
        engine.config.model_copy(update={"deadlines": changed}), engine.understander, traditional=engine.traditional
    )


def test_a_promise_under_an_hour_is_said_in_minutes(conversation_engine: ConversationEngine) -> None:
    chat = Chat(_promising(conversation_engine, 0.5), now=monday(10, 10))
    step = confirm(chat)
    assert "并在30分钟内（今天上午10点40分前）给您明确的答复" in chat.texts(step)
    assert "0.5小时" not in chat.texts(step)


def test_an_hour_and_a_half_is_said_in_whole_hours(conversation_engine: ConversationEngine) -> None:
    chat = Chat(_promising(conversation_engine, 1.5), now=monday(10, 0))
    step = confirm(chat)
    assert "并在2小时内（今天上午11点半前）给您明确的答复" in chat.texts(step)


def test_the_timeline_quotes_the_time_as_a_traditional_script_customer_read_it(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, now=dt.datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))
    step = confirm(chat, "社區的垃圾三天沒人清理了，臭得不得了", "陽光花園3棟", "對")
    said = promised(step)["said"]
    assert isinstance(said, str) and said in chat.texts(step)
    assert "週" in said or "點" in said, said
