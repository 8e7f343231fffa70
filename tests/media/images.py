"""Test images made with Pillow."""

from __future__ import annotations

import io

from PIL import Image


def photo(fmt: str = "PNG", size: tuple[int, int] = (640, 480), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()
