"""Customer text at the edge: what every channel checks before a message reaches storage.

Two ways to use it, by whether the sender can be told:

* :func:`check_text` (web chat): refuse text with a reason the client can show.
* :func:`clean_inbound` (provider webhooks: SMS, Telegram, WeChat): a provider cannot fix a
  message and retries what it thinks failed, so the text is cleaned instead, cut to the limit,
  and a message with no text left is not stored at all.

Either way, what is stored never holds NUL or other control characters (tab, line feed and
carriage return excepted), nor unpaired UTF-16 surrogates: PostgreSQL refuses NUL, both
databases refuse unpaired surrogates, and the control characters are never meant. Nor does it
hold bidirectional embedding, override or isolate controls (U+202A–202E, U+2066–2069) nor the
invisible direction marks (left-to-right and right-to-left marks U+200E, U+200F, the Arabic letter
mark U+061C): both functions remove them, so the text stored is the text the console shows, in the
order its characters were typed ("\u202e道知不我\u202c" is stored and shown as 道知不我, never
shown as 我不知道; "\u200f138 0013 8000" as 138 0013 8000, never as 8000 0013 138).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from bot.core.messages import InboundMessage, MessageKind

TRUNCATION_MARK = "…"

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Letters that render as nothing; whitespace and format characters (zero-width space and
# joiners, word joiner, BOM, bidi marks, soft hyphen) are recognised by their category.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class TextRejected(ValueError):
    """Text that cannot be accepted; the message says why, for the sender."""


def clean_text(text: str) -> str:
    """``text`` without control characters (but tab, line feed, carriage return), direction
    controls and marks, and unpaired surrogates; a surrogate pair is joined into the character it encodes."""
    if _SURROGATES.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _DIRECTION_CONTROLS.sub("", _CONTROLS.sub("", text))


def is_blank(text: str) -> bool:
    """True when nothing would be seen: empty, or only whitespace and zero-width characters."""
    return all(ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Cc", "Cs") for ch in text)


def check_text(text: object, max_chars: int, name: str = "text") -> str:
    """``text`` as given, without direction controls and marks, if it may be stored as a customer's message.

    Raises :class:`TextRejected` naming the problem: not a string, control characters or
    unpaired surrogates, nothing visible, or longer than ``max_chars`` characters.
    """
    if not isinstance(text, str):
        raise TextRejected(f"'{name}' must be a string")
    if _SURROGATES.search(text):
        raise TextRejected(f"'{name}' contains an unpaired surrogate (not valid Unicode)")
    if _CONTROLS.search(text):
        raise TextRejected(f"'{name}' contains NUL or other control characters")
    # Removed, not refused: the customer meant the letters, and the stored order is what is shown.
    text = _DIRECTION_CONTROLS.sub("", text)
    if is_blank(text):
        raise TextRejected(f"'{name}' must not be empty or blank")
    if len(text) > max_chars:
        raise TextRejected(f"'{name}' is longer than {max_chars} characters")
    return text


def clean_inbound(message: InboundMessage, max_chars: int) -> InboundMessage | None:
    """A provider's message made storable: text, sender name and raw payload cleaned, the text
    cut to ``max_chars`` characters (ending with ``…``).

    Returns None for a text message with no visible text left (nothing to store or answer);
    messages of other kinds (a start, an image) are kept whatever their text.
    """
    text = clean_text(message.text)
    if message.kind is MessageKind.TEXT and is_blank(text):
        return None
    if len(text) > max_chars:
        text = text[: max_chars - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    name = clean_text(message.sender_name).strip() if message.sender_name else None
    return dataclasses.replace(
        message,
        text=text,
        sender_name=name or None,
        raw=_UNSTORABLE.sub("", message.raw),
    )


def has_unstorable(value: str) -> bool:
    """True when ``value`` holds characters no database column takes (for ids and names)."""
    return bool(_UNSTORABLE.search(value))


__all__ = ["TRUNCATION_MARK", "TextRejected", "check_text", "clean_inbound", "clean_text", "has_unstorable", "is_blank"]
