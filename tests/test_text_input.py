"""Customer text at the edge: what is refused (web chat), what is cleaned (provider channels)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.text_input import TRUNCATION_MARK, TextRejected, check_text, clean_inbound, clean_text, is_blank
from bot.core.messages import ChannelName, InboundMessage, MessageKind

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ANY_CHARACTER = st.characters(codec=None, categories=None)


def inbound(text: str, kind: MessageKind = MessageKind.TEXT, name: str | None = None, raw: str = "") -> InboundMessage:
    return InboundMessage(
        channel=ChannelName.SMS,
        sender_id="+8613800138000",
        provider_message_id="SM1",
        text=text,
        sent_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        kind=kind,
        sender_name=name,
        raw=raw,
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("电梯\x00坏了", "control"),
        ("bell\x07", "control"),
        ("lone \ud800 surrogate", "surrogate"),
        ("", "blank"),
        (" \t\n\u3000", "blank"),
        ("\u200b\u200c\u200d\u2060\ufeff", "blank"),
        ("\u3164\u2800", "blank"),
        ("x" * 2001, "longer than 2000"),
        (42, "string"),
    ],
)
def test_web_chat_text_is_refused_with_the_reason(text: object, reason: str) -> None:
    with pytest.raises(TextRejected, match=reason):
        check_text(text, 2000)


@pytest.mark.parametrize("text", ["电梯坏了", "line one\r\nline two\tend", "👍", "x" * 2000, "a\u200bb"])
def test_web_chat_text_that_can_be_stored_is_kept_as_sent(text: str) -> None:
    assert check_text(text, 2000) == text


def test_provider_text_is_cleaned_cut_and_dropped_when_nothing_is_left() -> None:
    cleaned = clean_inbound(inbound("电梯\x00坏了\ud800", name="Li\x00 \udc00", raw="Body=\x00x"), 2000)
    assert cleaned is not None
    assert (cleaned.text, cleaned.sender_name, cleaned.raw) == ("电梯坏了", "Li", "Body=x")
    long = clean_inbound(inbound("长" * 100_000), 2000)
    assert long is not None and len(long.text) == 2000 and long.text.endswith(TRUNCATION_MARK)
    assert clean_inbound(inbound("\x00\u200b \ud800"), 2000) is None
    start = clean_inbound(inbound("", kind=MessageKind.START), 2000)
    assert start is not None and start.kind is MessageKind.START


@pytest.mark.parametrize(
    "text", ["\u202e道知不我\u202c", "\u2067道知不我\u2069", "\u202a\u202b\u202d道知不我\u202c\u2066\u2068"]
)
def test_direction_controls_are_removed_so_what_is_stored_reads_as_shown(text: str) -> None:
    assert check_text(text, 2000) == "道知不我"
    cleaned = clean_inbound(inbound(text, name="\u202eyrraH\u202c"), 2000)
    assert cleaned is not None and (cleaned.text, cleaned.sender_name) == ("道知不我", "yrraH")


def test_text_of_direction_controls_alone_is_blank() -> None:
    with pytest.raises(TextRejected, match="blank"):
        check_text("\u202e\u202c", 2000)
    assert clean_inbound(inbound("\u202e\u2066"), 2000) is None


def test_a_surrogate_pair_is_joined_not_dropped() -> None:
    assert clean_text("\ud83d\ude00") == "😀"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ANY_CHARACTER, max_size=60), st.integers(min_value=10, max_value=40))
def test_whatever_arrives_what_is_accepted_can_be_stored(text: str, max_chars: int) -> None:
    try:
        accepted = check_text(text, max_chars)
    except TextRejected:
        pass
    else:
        assert accepted == DIRECTION_CONTROLS.sub("", text) and not UNSTORABLE.search(text)
        assert not is_blank(accepted) and len(accepted) <= max_chars
    cleaned = clean_inbound(inbound(text, raw=text, name=text), max_chars)
    if cleaned is None:
        assert is_blank(clean_text(text))
    else:
        assert len(cleaned.text) <= max_chars and not is_blank(cleaned.text)
        for value in (cleaned.text, cleaned.raw, cleaned.sender_name or ""):
            assert not UNSTORABLE.search(value)
        for value in (cleaned.text, cleaned.sender_name or ""):
            assert not DIRECTION_CONTROLS.search(value)
            value.encode("utf-8")  # what both databases need


@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u061c"])
def test_direction_marks_are_removed_so_a_phone_reads_in_the_order_typed(mark: str) -> None:
    text = f"{mark}138 0013 8000"
    assert check_text(text, 2000) == "138 0013 8000"
    cleaned = clean_inbound(inbound(text, name=f"{mark}Li Lei"), 2000)
    assert cleaned is not None and (cleaned.text, cleaned.sender_name) == ("138 0013 8000", "Li Lei")
    assert check_text(f"电话{mark}138{mark}0013 8000", 2000) == "电话1380013 8000"
