"""Hypothesis strategies for what could arrive, correctly signed, at ``POST /channels/wechat``:
WeChat message XML with every field present, missing, empty, oversized, repeated or of the
wrong type, and bodies that are not XML at all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

from bot.channels.text_input import clean_text, is_blank

ABSENT = None
XML_ILLEGAL = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


@dataclass(frozen=True)
class Push:
    """One generated push: its body; for a well-formed text message the text it carries, its
    sender and its dedupe key when it has a MsgId."""

    body: bytes
    expected_text: str | None = None
    sender: str | None = None
    msg_key: str | None = None


def xml_legal(text: str) -> bool:
    return not any(ch in XML_ILLEGAL or "\ud800" <= ch <= "\udfff" for ch in text)


def element(name: str, value: str) -> str:
    """``value`` as WeChat writes it: in CDATA (a ``]]>`` inside split across two sections)."""
    return f"<{name}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{name}>"


texts = st.text(max_size=60) | st.sampled_from(["", " ", "None", "\r\n", "]]>", "<b>x</b>", "²", "١٢", "9" * 40])
legal_texts = st.text(
    st.characters(exclude_characters=XML_ILLEGAL, exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(["", " ", "None", "\r\n", "]]>", "<b>x</b>", "²", "١٢", "\u200b", "9" * 40])
"""Text an XML document can carry; ``texts`` also holds what it cannot (NUL, lone surrogates)."""
odd_numbers = st.integers(min_value=-(10**12), max_value=10**40).map(str) | texts
VALID: dict[str, st.SearchStrategy[str | None]] = {
    "ToUserName": st.just("gh_account"),
    "FromUserName": st.from_regex(r"\Ao[A-Za-z0-9_-]{27}\Z"),
    "CreateTime": st.integers(min_value=1, max_value=2**32 - 1).map(str),
    "MsgType": st.sampled_from(["text", "text", "text", "image", "voice", "location", "link", "event", "shortvideo"]),
    "Content": legal_texts,
    "MsgId": st.none() | st.integers(min_value=0, max_value=2**64 - 1).map(str),
    "Event": st.none() | st.sampled_from(["subscribe", "unsubscribe", "CLICK", "SCAN"]),
    "Location_X": st.none() | st.floats(min_value=-90, max_value=90).map(str),
    "Location_Y": st.none() | st.floats(min_value=-180, max_value=180).map(str),
    "Label": st.none() | legal_texts,
    "Title": st.none() | legal_texts,
    "Url": st.none() | legal_texts,
    "Recognition": st.none() | legal_texts,
}
ODD: st.SearchStrategy[str | None] = st.none() | texts | odd_numbers | st.floats().map(str)


@st.composite
def wechat_xml(draw: st.DrawFn) -> Push:
    """A message as WeChat's XML, each field mostly valid, else odd or missing; sometimes a field
    repeated or with children."""
    fields = {name: draw(ODD if draw(st.integers(0, 19)) == 0 else valid) for name, valid in VALID.items()}
    parts = [element(name, value) for name, value in fields.items() if value is not ABSENT]
    odd = draw(st.sampled_from(["none"] * 7 + ["repeat", "nest", "bare"]))
    if odd == "repeat" and parts:
        parts.append(draw(st.sampled_from(parts)))
    elif odd == "nest":
        parts.append("<Content><b>x</b></Content>")
    elif odd == "bare":
        parts.append(f"<Content>{draw(texts)}</Content>")
    body = "<xml>" + "".join(draw(st.permutations(parts))) + "</xml>"
    expected = _expected_text(fields) if odd == "none" else None
    if expected is None:
        return Push(body.encode("utf-8", errors="surrogatepass"))
    msg_id = int(fields["MsgId"] or 0)
    sender = fields["FromUserName"]
    return Push(body.encode(), expected, sender, f"msg:{sender}:{msg_id}" if msg_id else None)


def _expected_text(fields: dict[str, str | None]) -> str | None:
    """The stored text when this is a well-formed text message with text, else None."""
    sender, created, msg_id, content = (fields[name] for name in ("FromUserName", "CreateTime", "MsgId", "Content"))
    well_formed = (
        fields["MsgType"] == "text"
        and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", fields["ToUserName"] or "")
        and sender is not None
        and len(sender) == 28
        and sender.startswith("o")
        and created is not None
        and created.isascii()
        and created.isdigit()
        and 0 < int(created) < 2**32
        and (msg_id is None or (msg_id.isascii() and msg_id.isdigit() and len(msg_id) <= 20))
        and content is not None
        and all(xml_legal(value) for value in fields.values() if value is not None)
    )
    if not well_formed or content is None:
        return None
    # Stored as every provider's text is (bot.channels.text_input has its own tests): cleaned, and not
    # stored at all when nothing visible is left.
    text = clean_text(content.replace("\r\n", "\n").replace("\r", "\n").strip())
    return None if is_blank(text) else text


pushes = st.integers(0, 4).flatmap(
    lambda pick: (
        wechat_xml()
        if pick > 1
        else st.binary(max_size=200).map(Push)
        if pick
        else texts.map(lambda text: Push(text.encode("utf-8", errors="surrogatepass")))
    )
)
"""Mostly message XML, else bytes or text that is not XML."""
