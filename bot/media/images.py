"""Image checks: the type comes from the content, never from a name or a declared type.

An accepted image is decoded and re-encoded by Pillow: what is stored is only pixels, so a
polyglot (an HTML or script payload after valid image bytes) and EXIF data (a phone's GPS
position) never reach a browser.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

THUMB_SIZE = (320, 320)
MAX_PIXELS = 25_000_000
"""Larger images are refused before decoding (a decompression bomb is a small file of huge size):
the default of ``channels.max_image_megapixels``. A 24-megapixel phone photo is taken; a PNG of
29 megapixels took ~87 MB decoded and several times that re-encoding, ten at once 873 MB."""
MAX_DECODED_BYTES = 120 * 1024 * 1024
"""Nor is one whose pixels would take more memory than this once decoded: 40 megapixels of RGBA
are 160 MB, and a small PNG of one colour can ask for that (a 48-megapixel phone photo, RGB, is
about 140 MB... and refused; a 24-megapixel one, 72 MB, is taken)."""
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3}

_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


class NotAnImage(ValueError):
    """The bytes are not a JPEG, PNG, GIF or WebP image that decodes; the message says why."""


@dataclass(frozen=True, slots=True)
class ImageHeader:
    content_type: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class PreparedImage:
    content_type: str
    data: bytes
    thumb: bytes
    thumb_type: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The image type the leading bytes announce (JPEG, PNG, GIF or WebP), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_header(data: bytes, max_pixels: int = MAX_PIXELS) -> ImageHeader:
    """What the image's header says, checked without decoding a pixel: the type announced by the
    leading bytes and confirmed by Pillow's reading of the header, and a size within
    ``max_pixels`` and ``MAX_DECODED_BYTES``. Cheap (no pixel data is read, so no decode slot is
    needed for it; call it in a thread, as a PNG's compressed text chunks are inflated on opening).
    Raises :class:`NotAnImage`."""
    with _opened(data, max_pixels) as (image, content_type):
        return ImageHeader(content_type, image.width, image.height)


def prepare(data: bytes, max_pixels: int = MAX_PIXELS) -> PreparedImage:
    """Check ``data`` is an accepted image of at most ``max_pixels`` and re-encode it with a
    thumbnail (CPU bound: call it in a thread, in a decode slot). Raises :class:`NotAnImage`."""
    with _opened(data, max_pixels) as (image, content_type):
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise NotAnImage("the image has too many pixels") from error
        except (OSError, SyntaxError, ValueError) as error:
            raise NotAnImage("the image cannot be read") from error
        return PreparedImage(
            content_type=content_type,
            data=_encode(image, content_type, len(data)),
            thumb=_thumbnail(image),
            thumb_type="image/png" if _has_alpha(image) else "image/jpeg",
            width=image.width,
            height=image.height,
        )


@contextlib.contextmanager
def _opened(data: bytes, max_pixels: int) -> Iterator[tuple[Image.Image, str]]:
    """The image with only its header read, and its type, once both agree and its size is
    within the limits; closed after the block."""
    sniffed = sniff(data)
    if sniffed is None:
        raise NotAnImage("only JPEG, PNG, GIF and WebP images are accepted")
    try:
        # Opening reads only the header; the size is checked before any pixel is decoded.
        # (warnings.catch_warnings is not used to turn Pillow's bomb warning into an error: it
        # changes process-wide state and this runs in threads; MAX_PIXELS is below that limit.)
        # No copy of the decoded pixels is made: at tens of megabytes each, copies are what an
        # upload of a large image of one colour costs in memory.
        image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise NotAnImage("the image has too many pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise NotAnImage("the image cannot be read") from error
    with image:
        if _FORMATS.get(image.format or "") != sniffed:
            raise NotAnImage("the image's content does not match its type")
        pixels = image.width * image.height
        if pixels > max_pixels or pixels * _BYTES_PER_PIXEL.get(image.mode, 4) > MAX_DECODED_BYTES:
            raise NotAnImage("the image has too many pixels")
        yield image, sniffed


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _encode(image: Image.Image, content_type: str, upload_size: int) -> bytes:
    """The image re-encoded: the first of its type's encodings no more than ``MAX_GROWTH`` times
    the upload's size, else the smallest of them. A photo sent at a lower quality than ours grew
    2.3 times re-encoded at ours; kept at its own quality (a JPEG's own quantisation tables) it
    stays the size it came."""
    smallest: bytes | None = None
    for encode in _ENCODINGS[content_type]:
        data = encode(image)
        if len(data) <= upload_size * MAX_GROWTH:
            return data
        if smallest is None or len(data) < len(smallest):
            smallest = data
    assert smallest is not None
    return smallest


def _saved(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _jpeg(quality: int) -> Callable[[Image.Image], bytes]:
    return lambda image: _saved(image.convert("RGB"), "JPEG", quality=quality)


def _jpeg_as_sent(image: Image.Image) -> bytes:
    """At the upload's own quality: its quantisation tables and subsampling, when it can be kept
    (a CMYK JPEG is converted, and has none left to keep)."""
    if isinstance(image, JpegImageFile) and image.mode in ("RGB", "L"):
        return _saved(image, "JPEG", quality="keep")
    return _saved(image.convert("RGB"), "JPEG", quality=LOWER_QUALITY)


def _webp(quality: int) -> Callable[[Image.Image], bytes]:
    return lambda image: _saved(image, "WEBP", quality=quality)


MAX_GROWTH = 1.1
"""How much larger than its upload a stored photo may be, when a smaller encoding is at hand."""
QUALITY = 90
LOWER_QUALITY = 75

_ENCODINGS: dict[str, tuple[Callable[[Image.Image], bytes], ...]] = {
    "image/jpeg": (_jpeg(QUALITY), _jpeg_as_sent, _jpeg(LOWER_QUALITY)),
    "image/png": (
        lambda image: _saved(image, "PNG", optimize=False),
        lambda image: _saved(image, "PNG", optimize=True),
    ),
    "image/gif": (lambda image: _saved(image, "GIF"),),  # the first frame only: a photo, not an animation
    "image/webp": (_webp(QUALITY), _webp(LOWER_QUALITY)),
}
"""Each type's encodings, in order of preference (only pixels are written: no metadata)."""


def _thumbnail(image: Image.Image) -> bytes:
    scale = min(THUMB_SIZE[0] / image.width, THUMB_SIZE[1] / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    thumb = image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    if _has_alpha(image):
        thumb.convert("RGBA").save(out, "PNG")
    else:
        thumb.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()
