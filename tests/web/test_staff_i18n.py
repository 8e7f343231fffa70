"""The staff pages' English catalogue (issue 15) has every message the pages show and nothing
else; the markup leaves no text outside it; each English message fills the same {n} blanks."""

from __future__ import annotations

import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
PAGES = ["console.html", "manager.html"]
CATALOGUE = STATIC / "i18n" / "staff.en.js"
CHINESE = re.compile(r"[\u3400-\u9fff]")
MESSAGE = re.compile(r'\bT\(("(?:[^"\\]|\\.)*")')
ENTRY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"): ("(?:[^"\\]|\\.)*"),$', re.MULTILINE)


def staff_scripts() -> list[Path]:
    """The scripts the staff pages load from this folder."""
    names = {name for page in PAGES for name in re.findall(r'src="/static/([^"]+\.js)"', (STATIC / page).read_text())}
    return [STATIC / name for name in sorted(names) if not name.startswith(("vendor/", "i18n/"))]


def english() -> dict[str, str]:
    return {json.loads(key): json.loads(value) for key, value in ENTRY.findall(CATALOGUE.read_text(encoding="utf-8"))}


def messages_in_markup(page: str) -> set[str]:
    source = (STATIC / page).read_text(encoding="utf-8")
    found = {text.strip() for text in re.findall(r"data-i18n>([^<]+)<", source)}
    for tag in re.findall(r"<[^>]*data-i18n-attr=[^>]*>", source):
        for name in re.search(r'data-i18n-attr="([^"]+)"', tag).group(1).split():  # type: ignore[union-attr]
            found.add(re.search(rf'{name}="([^"]*)"', tag).group(1))  # type: ignore[union-attr]
    found.add(re.search(r"<title>([^<]*)</title>", source).group(1))  # type: ignore[union-attr]
    return found


def messages() -> set[str]:
    found = {json.loads(m) for path in staff_scripts() for m in MESSAGE.findall(path.read_text(encoding="utf-8"))}
    return found.union(*(messages_in_markup(page) for page in PAGES))


def test_every_message_has_its_english_and_the_catalogue_no_stale_entries() -> None:
    catalogue, used = english(), messages()
    assert len(used) > 300
    assert sorted(used - catalogue.keys()) == [], "messages shown in Chinese to English readers"
    assert sorted(catalogue.keys() - used) == [], "English for messages no page shows"
    assert [message for message, text in catalogue.items() if not text.strip()] == []


def test_each_message_has_one_english_only() -> None:
    keys = [json.loads(key) for key, _ in ENTRY.findall(CATALOGUE.read_text(encoding="utf-8"))]
    assert sorted({key for key in keys if keys.count(key) > 1}) == [], "the later English silently wins"


def test_english_fills_the_same_blanks() -> None:
    blanks = re.compile(r"\{\d+\}")
    wrong = {m: t for m, t in english().items() if sorted(blanks.findall(m)) != sorted(blanks.findall(t))}
    assert wrong == {}


def test_the_markup_has_no_text_outside_the_catalogue() -> None:
    """Chinese in the staff pages' markup is a message (data-i18n), never "中文 English"."""
    for page in PAGES:
        source = re.sub(r"<!--.*?-->", "", (STATIC / page).read_text(encoding="utf-8"), flags=re.DOTALL)
        for tag, attrs, text in re.findall(r"<(\w+)([^>]*)>([^<]*)", source):
            if CHINESE.search(text) and tag != "title":
                assert "data-i18n" in attrs.split("data-i18n-attr")[0], (page, tag, text)
            for name, value in re.findall(r'([\w-]+)="([^"]*)"', attrs):
                if CHINESE.search(value):
                    assert name in re.search(r'data-i18n-attr="([^"]*)"', attrs).group(1).split(), (page, name)  # type: ignore[union-attr]
