"""Markup typed or pasted into a message ("<script>alert(2)</script>", "<b>电梯坏了</b>"): code,
no word of any language, and no problem told."""

from __future__ import annotations

import re

_CODE = re.compile(r"<(script|style)\b[^<>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
"""A script or style element with what it holds ("alert(2)" is code, not words); one left open
runs to the end of the message."""
_TAG = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
"""A markup tag ("<script>", "</b>", "<img src=x>")."""


def without_markup(text: str) -> str:
    """``text`` with its markup tags, and the code of its script and style elements, put as spaces."""
    return _TAG.sub(" ", _CODE.sub(" ", text))
