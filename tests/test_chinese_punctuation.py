"""Chinese text the bot says uses Chinese punctuation (issue 15): "，？：！；（）" between Chinese
characters, never the ASCII ",?:!;()" a Chinese reader sees as a typo. Times (10:30), numbers and
placeholders keep theirs."""

from __future__ import annotations

import re

from bot.config import PhraseId, ServiceConfig
from bot.core.phrases import TraditionalScript

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


def test_no_text_the_bot_says_reads_wrong_in_traditional_characters(service_config: ServiceConfig) -> None:
    """OpenCC converts phrase by phrase: "回复数字" is read as 回 + 复数 (plural) and comes out
    "回複數字", a word no reader in Taiwan or Hong Kong writes; the phrases are worded around it."""
    script = TraditionalScript()
    said = {name: script.text(text, "zh-CN") for name, text in _chinese_texts(service_config).items()}
    assert {name: text for name, text in said.items() if "回複" in text or "答複" in text} == {}
    assert script.text(service_config.phrases["zh-CN"].phrases[PhraseId.OPTIONS_LIST], "zh-CN") == "請您回覆數字："
