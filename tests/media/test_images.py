"""What the image check accepts, and what it stores: pixels only, in the type the content has."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from bot.media.images import ImageHeader, NotAnImage, check_header, prepare, sniff
from tests.media.images import photo


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_each_accepted_format_is_kept_in_its_type(fmt: str, content_type: str) -> None:
    prepared = prepare(photo(fmt, (400, 300)))
    assert prepared.content_type == content_type == sniff(prepared.data)
    assert (prepared.width, prepared.height) == (400, 300)
    with Image.open(io.BytesIO(prepared.thumb)) as thumb:
        assert thumb.size == (320, 240)


def test_gps_exif_is_not_kept() -> None:
    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 27.0)}  # GPSInfo: a latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (100, 100), "red").save(out, "JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    prepared = prepare(out.getvalue())
    assert b"PhoneMaker" not in prepared.data
    with Image.open(io.BytesIO(prepared.data)) as stored:
        assert not stored.getexif()


def test_a_transparent_png_gets_a_png_thumbnail() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 255, 0)).save(out, "PNG")
    assert prepare(out.getvalue()).thumb_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.7\n",
        b"\xff\xd8\xff\xe0" + b"\0" * 100,  # a JPEG header with nothing decodable after it
        photo("BMP"),
    ],
)
def test_what_is_not_an_accepted_image_is_refused(data: bytes) -> None:
    with pytest.raises(NotAnImage):
        prepare(data)


def test_a_png_header_on_jpeg_bytes_is_refused() -> None:
    with pytest.raises(NotAnImage):
        prepare(b"\x89PNG\r\n\x1a\n" + photo("JPEG")[8:])


@pytest.mark.parametrize("side", [7_000, 10_000])  # 49 megapixels (over MAX_PIXELS), 100 (over Pillow's own limit)
def test_a_decompression_bomb_is_refused_before_decoding(side: int) -> None:
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")  # megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(NotAnImage, match="too many pixels"):
        prepare(out.getvalue())


def test_an_image_too_big_to_hold_decoded_is_refused_though_under_the_pixel_limit() -> None:
    """6300 × 6300 RGBA (40 megapixels) is 160 MB once decoded: a PNG of one colour asks
    for it in a few hundred kilobytes, and a handful of them at once took gigabytes."""
    out = io.BytesIO()
    Image.new("RGBA", (6_300, 6_300), (200, 30, 30, 255)).save(out, "PNG")
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(NotAnImage, match="too many pixels"):
        prepare(out.getvalue())


def test_a_png_of_29_megapixels_is_refused_by_its_header_and_a_24_megapixel_photo_is_not() -> None:
    big, phone = io.BytesIO(), io.BytesIO()
    Image.new("L", (6_000, 4_850)).save(big, "PNG")  # 29.1 megapixels, 87 MB decoded, in a few kilobytes
    Image.new("L", (6_000, 4_000)).save(phone, "PNG")  # a 24-megapixel camera's size
    with pytest.raises(NotAnImage, match="too many pixels"):
        check_header(big.getvalue())
    assert check_header(phone.getvalue()).width == 6_000
    with pytest.raises(NotAnImage, match="too many pixels"):
        check_header(phone.getvalue(), max_pixels=20_000_000)


def test_a_large_photo_keeps_its_size_and_gets_a_small_thumbnail() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4_000, 3_000), (10, 120, 60)).save(out, "JPEG")
    prepared = prepare(out.getvalue())
    assert (prepared.width, prepared.height) == (4_000, 3_000)
    with Image.open(io.BytesIO(prepared.thumb)) as thumb:
        assert thumb.size == (320, 240)


@pytest.mark.parametrize(("size", "mode"), [((10_000, 10_000), "1"), ((6_300, 6_300), "RGBA")])
def test_the_header_check_refuses_a_bomb_without_decoding_a_pixel(
    size: tuple[int, int], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")

    def no_decoding(image: ImageFile.ImageFile) -> None:
        raise AssertionError("a pixel was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(NotAnImage, match="too many pixels"):
        check_header(out.getvalue())


def test_the_header_check_tells_type_and_size_without_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = photo("JPEG", (400, 300))

    def no_decoding(image: ImageFile.ImageFile) -> None:
        raise AssertionError("a pixel was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert check_header(data) == ImageHeader("image/jpeg", 400, 300)
    with pytest.raises(NotAnImage):
        check_header(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
