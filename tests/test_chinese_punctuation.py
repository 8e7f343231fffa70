"""Chinese text the bot says uses Chinese punctuation (issue 15): "，？：！；（）" between Chinese
characters, never the ASCII ",?:!;()" a Chinese reader sees as a typo. Times (10:30), numbers and
placeholders keep theirs."""

from __future__ import annotations

import re

from bot.config import ServiceConfig

ASCII_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”][,?:!;()]|[,?:!;()][\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”]"
)
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _misplaced(text: str) -> list[str]:
    # A placeholder stands in Chinese text, so it counts as a Chinese character here.
    return ASCII_IN_CHINESE.findall(PLACEHOLDER.sub("字", text))


def _chinese_texts(config: ServiceConfig) -> dict[str, str]:
    book = config.phrases["zh-CN"]
    words = book.time_words
    texts = {f"phrases.{phrase_id.value}": text for phrase_id, text in book.phrases.items()}
    for name in ("today", "tomorrow", "day_after_tomorrow", "date", "time", "time_on_the_hour", "combine"):
        texts[f"time_words.{name}"] = getattr(words, name)
    texts.update({f"faq.{entry.id}": entry.answer.zh_cn for entry in config.faq.entries})
    texts.update({f"forbidden.{item.text}.instead": item.instead for item in config.forbidden.forbidden})
    return texts


def test_every_chinese_text_the_bot_says_uses_chinese_punctuation(service_config: ServiceConfig) -> None:
    texts = _chinese_texts(service_config)
    assert len(texts) > 100
    wrong = {name: _misplaced(text) for name, text in texts.items() if _misplaced(text)}
    assert wrong == {}
    # The restatement joins the customer's clauses with a Chinese comma too.
    assert service_config.classification.form.summary_joiner.zh_cn == "，"


def test_the_check_tells_chinese_from_ascii_context() -> None:
    assert _misplaced("请问有什么可以帮您吗?") == ["吗?"]
    assert _misplaced("{salutation},{organisation}") == ["字,"]
    assert _misplaced("每个工作日8:30至17:30，") == []  # a time keeps its colon
    assert _misplaced("请回复序号：1. 问题描述") == []
