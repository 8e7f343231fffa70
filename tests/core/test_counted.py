"""A number filled into English text said with its noun in the right form: "1 hour", "1 minute",
"1 working hour", never "1 hours"; Chinese phrases filled as written."""

from __future__ import annotations

import pytest

from bot.config import PhraseId, ServiceConfig
from bot.core.phrases import Phrases


@pytest.mark.parametrize(
    ("phrase", "values", "said"),
    [
        (PhraseId.QUEUE_POSITION, {"position": 1, "minutes": 1}, "an estimated wait of about 1 minute."),
        (PhraseId.QUEUE_POSITION, {"position": 3, "minutes": 2}, "an estimated wait of about 2 minutes."),
        (PhraseId.WAIT_TIME, {"hours": "1", "deadline": "by 4 pm today"}, "1 hour (by 4 pm today)"),
        (PhraseId.WAIT_TIME, {"hours": "1.5", "deadline": "by 4 pm today"}, "1.5 hours (by 4 pm today)"),
        (PhraseId.PROMISE, {"hours": "1", "deadline": "by 4 pm today"}, "within 1 hour (by 4 pm today)"),
    ],
)
def test_a_number_filled_into_english_says_its_noun_for_that_number(
    service_config: ServiceConfig, phrase: PhraseId, values: dict[str, object], said: str
) -> None:
    assert said in Phrases(service_config).render(phrase, "en", **values)


def test_a_chinese_phrase_is_filled_as_written(service_config: ServiceConfig) -> None:
    assert "预计等待约1分钟" in Phrases(service_config).render(PhraseId.QUEUE_POSITION, "zh-CN", position=1, minutes=1)


def test_an_english_faq_answer_says_one_working_hour_in_the_singular(service_config: ServiceConfig) -> None:
    phrases = Phrases(service_config)
    assert phrases.fill("within {simple_hours} working hours", "en", simple_hours="1") == "within 1 working hour"
    assert phrases.fill("within {simple_hours} working hours", "en", simple_hours="12") == "within 12 working hours"
