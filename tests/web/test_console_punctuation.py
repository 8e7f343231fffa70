"""The consoles' Chinese uses Chinese punctuation: "，：（）？！；" beside Chinese characters, never the
ASCII ",:()?!;" a Chinese reader takes for a typo ("有 2 条紧急通知未读,确定全部标为已读?"). Every
string of the staff pages' scripts and markup is read (the English catalogue's keys are those
strings); times (10:30), code, English text and placeholders keep theirs."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import PROJECT_ROOT

STATIC = PROJECT_ROOT / "bot" / "web" / "static"
CUSTOMER_PAGES = {"chat.js", "chat.html", "widget.js"}
"""The customer's web chat speaks the configured phrases, checked with them (tests/test_chinese_punctuation.py)."""

CHINESE = "\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”「」"
ASCII_BESIDE_CHINESE = re.compile(f"[{CHINESE}][,?:!;()]|[,?:!;()][{CHINESE}]")
PLACEHOLDER = re.compile(r"\{\d+\}")
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
MARKUP_TEXT = re.compile(r">([^<>]*)<")


def _misplaced(text: str) -> list[str]:
    if not re.search(f"[{CHINESE}]", text):
        return []  # English, code: its own punctuation
    # A placeholder stands in Chinese text, so it counts as a Chinese character here.
    return ASCII_BESIDE_CHINESE.findall(PLACEHOLDER.sub("字", text))


def _staff_pages() -> list[Path]:
    pages = [*STATIC.glob("*.js"), *STATIC.glob("*.html"), *STATIC.glob("i18n/*.js")]
    return sorted(page for page in pages if page.name not in CUSTOMER_PAGES)


def _strings(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    found = [match.group(1) for match in STRING.finditer(text)]
    if page.parent.name == "i18n":  # the Chinese keys only: the values are English
        found = [match.group(1) for match in STRING.finditer(text) if text[match.end() : match.end() + 1] == ":"]
    if page.suffix == ".html":
        found += [match.group(1) for match in MARKUP_TEXT.finditer(text)]
    return found


def test_the_consoles_chinese_uses_chinese_punctuation() -> None:
    pages = _staff_pages()
    assert {"console.js", "manager.js", "standards.js", "console.html", "staff.en.js"} <= {page.name for page in pages}
    strings = {page.name: _strings(page) for page in pages}
    assert sum(len(found) for found in strings.values()) > 1000
    wrong = {name: [text for text in found if _misplaced(text)] for name, found in strings.items()}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_check_tells_chinese_from_code_and_english() -> None:
    assert _misplaced("有 {0} 条紧急通知未读,确定全部标为已读?") == ["读,", "读?"]
    assert _misplaced("等待认领({0})") == ["领(", "字)"]
    assert _misplaced("统计时段 8:30 至 17:30") == []  # a time keeps its colon
    assert _misplaced("Waiting (unclaimed): {0}, see the queue?") == []
    assert _misplaced("含有服务忌语「{0}」，请改用：{1}") == []
