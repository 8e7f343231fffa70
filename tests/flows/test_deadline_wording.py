"""The promised reply time reads the same wherever the customer hears it: the promise, the status
answer, the greeting of a later conversation, an appeal, an overdue case; in the words of the
phrase file's ``time_words`` (今天/明天 or the configured ``date``), never another format.

The worker's paths (extension, waiting apology) are in ``tests/promises/test_deadline_wording.py``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.config import PHRASE_VARIABLES, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.core.phrases import Phrases
from bot.flows.complaint import Started
from bot.flows.deadline import describe_moment
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, SHANGHAI, Chat

CASE = "TS20261123ABCDEF"
PROBLEM = {
    "zh-CN": "小区楼道的垃圾三天没人清理",
    "en": "The rubbish in our stairwell has not been cleared for three days",
}
PLACE = {"zh-CN": "阳光花园3栋2单元", "en": "Sunny Garden 3"}
YES = {"zh-CN": "对", "en": "yes"}
STATUS_QUESTION = {"zh-CN": "我的投诉处理得怎么样了", "en": "what is the status of my complaint?"}
APPEAL = {"zh-CN": "楼道的垃圾还是没人清理", "en": "the rubbish is still not cleared, nobody came"}
# Monday 14:00: the simple complaint's 12 service hours end on Tuesday at 17:00.
PROMISED = {"zh-CN": "明天下午5点前", "en": "by 5 pm tomorrow"}
NEXT_MORNING = {"zh-CN": "今天下午5点前", "en": "by 5 pm today"}
# Appealed on Tuesday at 9:00: the appeal's 2 service hours (deadlines.yaml appeal) end at 11:00.
APPEAL_TIME = {"zh-CN": "今天上午11点前", "en": "by 11 am today"}
# Extended to Friday noon: later days by the configured date.
FRIDAY_NOON = dt.datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)
BY_DATE = {"zh-CN": "11月27日（周五）中午12点前", "en": "by 12 pm on Friday 27 November"}


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def promised(engine: ConversationEngine, locale: str) -> tuple[Chat, str, dt.datetime]:
    """A customer whose complaint was promised on Monday at 14:00: the chat, the promise's text and
    the stored deadline."""
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    for message in (PROBLEM[locale], "13800138000", PLACE[locale]):
        chat.send(message)
    step = chat.send(YES[locale])
    assert chat.state is State.HANDED_OFF and step.complaint is not None
    return chat, chat.texts(step), step.complaint.deadline_at


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_promise_and_every_later_mention_say_the_time_alike(engine: ConversationEngine, locale: str) -> None:
    chat, promise, deadline = promised(engine, locale)
    assert PROMISED[locale] in promise

    # The status question in the same conversation, the same day.
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, CASE, deadline))
    chat.wait(3600)
    assert PROMISED[locale] in chat.texts(chat.send(STATUS_QUESTION[locale]))

    # A later conversation the next morning: its greeting, a status question, an appeal.
    tuesday = MONDAY_2PM + dt.timedelta(hours=19)
    later = CustomerView(phone="13800138000", open_case=OpenCase(CASE, deadline, category="property_service"))
    greeted = Chat(engine, customer=later, locale=locale, now=tuesday)
    assert NEXT_MORNING[locale] in greeted.texts(greeted.send(Started()))
    asked = Chat(engine, customer=later, locale=locale, now=tuesday)
    asked.send(Started())
    assert NEXT_MORNING[locale] in asked.texts(asked.send(STATUS_QUESTION[locale]))
    appealed = Chat(engine, customer=later, locale=locale, now=tuesday)
    appealed.send(Started())
    step = appealed.send(APPEAL[locale])
    assert "appeal_linked_escalated" in appealed.phrase_ids(step)
    assert APPEAL_TIME[locale] in appealed.texts(step)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_time_days_away_is_said_by_the_configured_date(engine: ConversationEngine, locale: str) -> None:
    chat, _, _ = promised(engine, locale)
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, CASE, FRIDAY_NOON, extended=True))
    chat.wait(3600)
    assert BY_DATE[locale] in chat.texts(chat.send(STATUS_QUESTION[locale]))


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_missed_time_is_said_as_it_was_promised(engine: ConversationEngine, locale: str) -> None:
    _, _, deadline = promised(engine, locale)
    # Wednesday: the time promised for Tuesday is said by its date, as a time long past.
    wednesday = MONDAY_2PM + dt.timedelta(days=2)
    overdue = CustomerView(phone="13800138000", open_case=OpenCase(CASE, deadline, category="property_service"))
    chat = Chat(engine, customer=overdue, locale=locale, now=wednesday)
    missed = {"zh-CN": "原定11月24日（周二）下午5点前给您答复", "en": "by 5 pm on Tuesday 24 November and did not"}
    assert missed[locale] in chat.texts(chat.send(Started()))


def _words(text: str) -> list[str]:
    """Latin words whole, other letters (Chinese characters) one by one."""
    return [word.lower() for word in _WORD.findall(text)]


_WORD = re.compile(r"[A-Za-z]+|[^\W\dA-Za-z_]")


def test_no_phrase_says_a_word_of_the_time_twice(service_config: ServiceConfig) -> None:
    """The time brings its own words ("by", "前"): "by {deadline}" would read "by by 5 pm tomorrow",
    "在{deadline}前" "明天下午5点前前"."""
    phrases = Phrases(service_config)
    samples = {name: f"<{name}>" for names in PHRASE_VARIABLES.values() for name in names}
    now = MONDAY_2PM
    for locale, book in service_config.phrases.items():
        moments = (now + dt.timedelta(hours=3), now + dt.timedelta(hours=19, minutes=30), FRIDAY_NOON)
        for said in (describe_moment(moment, now, SHANGHAI, book.time_words) for moment in moments):
            for phrase_id, text in book.phrases.items():
                if "{deadline}" not in text:
                    continue
                rendered = phrases.render(phrase_id, locale, **{**samples, "deadline": said})
                before, _, after = rendered.partition(said)
                time_words, ahead, behind = _words(said), _words(before), _words(after)
                assert not ahead or ahead[-1] != time_words[0], (locale, phrase_id, rendered)
                assert not behind or behind[0] != time_words[-1], (locale, phrase_id, rendered)
