"""The forbidden-phrase guard's folding: what a browser shows as the forbidden phrase is caught,
whatever invisible characters or stacked marks are typed between its characters."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from bot.config import ServiceConfig
from bot.understanding.guard import ForbiddenGuard, fold
from tests.cpu_time import cpu_seconds
from tests.understanding.chat_server import TO_SIMPLIFIED

# Default_Ignorable_Code_Point in Unicode 15.1's DerivedCoreProperties.txt, written out here
# rather than taken from the code under test.
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]


@pytest.fixture
def guard(service_config: ServiceConfig) -> ForbiddenGuard:
    return ForbiddenGuard(service_config.forbidden, TO_SIMPLIFIED)


@pytest.mark.parametrize(
    ("typed", "forbidden"),
    [
        pytest.param("我\u180b不知道", "我不知道", id="mongolian-free-variation-selector"),
        pytest.param("我\u180f不知道", "我不知道", id="mongolian-free-variation-selector-four"),
        pytest.param("我\u17b4不知道", "我不知道", id="khmer-inherent-vowel"),
        pytest.param("我不\u3164知道", "我不知道", id="hangul-filler"),
        pytest.param("我\u115f不知道", "我不知道", id="hangul-choseong-filler"),
        pytest.param("我\uffa0不知道", "我不知道", id="halfwidth-hangul-filler"),
        pytest.param("我\u0301不知道", "我不知道", id="combining-accent-on-a-han-character"),
        pytest.param("我\u20dd不知道", "我不知道", id="enclosing-circle"),
        pytest.param("您激\u180b动什么呀", "您激动什么呀", id="another-phrase"),
        pytest.param("您激\u0301\u0301\u0301动什么呀", "您激动什么呀", id="stacked-accents"),
        pytest.param("cálm down", "calm down", id="precomposed-accent"),
        pytest.param("ca\u0301lm down", "calm down", id="combining-accent-on-a-latin-letter"),
        pytest.param("I d\u043en't know", "I don't know", id="cyrillic-o"),
        pytest.param("c\u0430lm down", "calm down", id="cyrillic-a"),
        pytest.param("calm d\u03bfwn", "calm down", id="greek-omicron"),
        pytest.param("that\u02bcs impossible", "that's impossible", id="modifier-apostrophe"),
        pytest.param("I d\u0585n't know", "I don't know", id="armenian-oh"),
        pytest.param("c\u0251lm down", "calm down", id="latin-alpha"),
        pytest.param("that's \u0131mpossible", "that's impossible", id="dotless-i"),
        pytest.param("calm d\u1d0fwn", "calm down", id="small-capital-o"),
        pytest.param("\u13a0on't know", None, id="cherokee-a-is-not-d"),
        pytest.param("喂,大声\u30fc点儿", "喂,大声一点儿", id="katakana-prolonged-mark-for-yi"),
        pytest.param("喂,大声\u31d0点儿", "喂,大声一点儿", id="cjk-stroke-for-yi"),
    ],
)
def test_invisible_characters_and_marks_do_not_hide_a_forbidden_phrase(
    guard: ForbiddenGuard, typed: str, forbidden: str | None
) -> None:
    hit = guard.check(typed)
    assert (hit.forbidden if hit is not None else None) == forbidden


def test_every_default_ignorable_code_point_is_ignored(guard: ForbiddenGuard) -> None:
    missed = [
        f"U+{code:04X}"
        for first, last in DEFAULT_IGNORABLE
        for code in range(first, last + 1)
        if guard.fold(f"我{chr(code)}不知道") != "我不知道"
    ]
    assert missed == []


def test_every_non_spacing_and_enclosing_mark_is_ignored(guard: ForbiddenGuard) -> None:
    marks = (chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) in ("Mn", "Me"))
    missed = [f"U+{ord(mark):04X}" for mark in marks if guard.fold(f"我{mark}不知道") != "我不知道"]
    assert missed == []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("好的，我这就去帮您查询", "好的我这就去帮您查询"),
        ("我們的規定", "我们的规定"),
        ("한국어 고객", "한국어고객"),  # Hangul syllables come back composed
        ("Café", "cafe"),
    ],
)
def test_folding_keeps_the_words(text: str, folded: str) -> None:
    assert fold(text, TO_SIMPLIFIED) == folded


def test_a_clean_reply_is_clean(guard: ForbiddenGuard) -> None:
    assert guard.check("好的，我这就去帮您查询\u200b") is None
    assert guard.check("我知道了，马上为您处理") is None


def _written_in_chinese(ch: str) -> bool:
    """In GB2312 or Big5, the simplified and the traditional Chinese character sets."""
    for codec in ("gb2312", "big5"):
        try:
            ch.encode(codec)
            return True
        except UnicodeEncodeError:
            continue
    return False


def test_lookalikes_never_change_ascii_or_chinese_characters(guard: ForbiddenGuard) -> None:
    plain = "".join(chr(code) for code in range(0x20, 0x7F))
    assert fold(plain, TO_SIMPLIFIED) == "".join(ch for ch in plain.lower() if ch.isalnum())
    chinese = "".join(ch for ch in map(chr, range(0x4E00, 0x9FA6)) if _written_in_chinese(ch))
    # the folding itself; the guard then reads the configured equivalents (你 as 您) on top
    assert fold(chinese, TO_SIMPLIFIED) == TO_SIMPLIFIED(chinese)
    assert len(chinese) > 15_000  # GB2312 and Big5 together, the characters both hold counted once


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param("応", "应", id="japanese-form-of-ying"),
        pytest.param("様", "样", id="japanese-form-of-yang"),
        pytest.param("発", "发", id="japanese-form-of-fa"),
        pytest.param("㑹", "会", id="variant-of-hui-in-extension-a"),
        pytest.param("ɪᴅᴏɴᴛᴋɴᴏᴡʙʀʏʟʜ", "idontknowbrylh", id="small-capitals"),
        pytest.param("ɗ", "d", id="letter-with-a-hook"),
        pytest.param("芸欠台", "芸欠台", id="a-chinese-character-that-is-also-a-japanese-form-stays"),
    ],
)
def test_variants_of_chinese_characters_and_latin_letters_read_as_them(typed: str, read: str) -> None:
    assert fold(typed, TO_SIMPLIFIED) == read


def test_direction_controls_are_named_once_each_and_marks_are_not() -> None:
    from bot.understanding.guard import direction_controls

    assert direction_controls("\u202e道知不我\u202c\u202e") == ["U+202E", "U+202C"]
    assert direction_controls("".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))) == [
        f"U+{code:04X}" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    ]
    assert direction_controls("好的\u200e\u200f\u061c") == []


@pytest.mark.parametrize(
    ("text", "words", "found"),
    [
        ("我 不 知 道 什么时候能修好", "我不知道", "我 不 知 道"),
        ("喂，說話呀！快点", "喂,说话呀", "喂，說話呀"),
        ("这个我\u180b不知道", "我不知道", "我\u180b不知道"),
        ("ＷＯ 我不懂", "我不懂", "我不懂"),
    ],
)
def test_the_span_is_the_forbidden_words_as_typed(guard: ForbiddenGuard, text: str, words: str, found: str) -> None:
    span = guard.span(text, words)
    assert span is not None and text[span[0] : span[1]] == found


def test_words_the_text_does_not_hold_have_no_span(guard: ForbiddenGuard) -> None:
    assert guard.span("一切正常", "我不知道") is None
    assert guard.span("一切正常", "！") is None


@pytest.mark.parametrize(
    ("typed", "caught"),
    [
        ("你激动啥呀", "您激动什么呀"),
        ("你冲我发什么火啊", "您冲我发什么火呀"),
        ("我也不清楚，不是我受理的", "不清楚不是我受理的"),
        ("有这种事？不可能的", "有这种事不可能"),
        ("应该是你手机的问题", "应该是你手机的问题"),
        ("这个我哪知道啊，您问别人吧", "我哪知道"),
        ("政策就是这样的，没办法", "政策就是这样的"),
    ],
)
def test_variants_of_a_forbidden_phrase_are_caught_and_shown_as_typed(
    guard: ForbiddenGuard, typed: str, caught: str
) -> None:
    hit = guard.check(typed)
    assert hit is not None, typed
    assert hit.forbidden == caught
    span = guard.span(typed, hit.forbidden)
    assert span is not None and guard.fold(typed[span[0] : span[1]]) == guard.fold(caught)


@pytest.mark.parametrize(
    ("typed", "caught"),
    [
        ("大概是您弄错了", "大概是您弄错"),
        ("也许是您弄错了", "也许是您弄错"),
        ("估计您弄错了吧", "估计您弄错"),
        ("应该是您的手机有问题", "应该是您的手机有问题"),
        ("我也不清楚", "我也不清楚"),
        ("可能是您弄鍺了", "可能是您弄错了"),
        ("可能是您弄𝐞错了", "可能是您弄错了"),
        ("可能是您弄<b></b>错了", "可能是您弄错了"),
        ("可能是您弄<span style='color:red'>x</span>错了", "可能是您弄错了"),
    ],
)
def test_hedged_blame_lookalikes_and_markup_do_not_get_a_forbidden_phrase_through(
    guard: ForbiddenGuard, typed: str, caught: str
) -> None:
    hit = guard.check(typed)
    assert hit is not None, typed
    assert guard.fold(hit.forbidden) == guard.fold(caught)
    assert guard.span(typed, hit.forbidden) is not None
    assert guard.spans(typed)


@pytest.mark.parametrize(
    "said",
    [
        "请打开App设置",
        "请访问 https://example.com/help 查看",
        "您可以在APP里查看进度",
        "请用iPhone的设置，<b>重启</b>一下路由器",
        "好的，我清楚了，马上为您处理",
        "您说的情况我已经清楚",
    ],
)
def test_replies_with_english_words_urls_or_markup_stay_clean(guard: ForbiddenGuard, said: str) -> None:
    assert guard.check(said) is None


@pytest.mark.parametrize(
    "said",
    ["您好，请问有什么可以帮您？", "不要着急，让我来帮您。", "您反映的情况我已记录下来", "您看这个解决方案如何？"],
)
def test_the_words_read_as_one_leave_polite_replies_clean(guard: ForbiddenGuard, said: str) -> None:
    assert guard.check(said) is None
    assert guard.check(said.replace("您", "你").replace("什么", "啥")) is None


@pytest.mark.parametrize(
    ("typed", "forbidden", "found"),
    [
        ("我不1知道", "我不知道", "我不1知道"),
        ("我不abcd知道", "我不知道", "我不abcd知道"),
        ("我不 a1b2c3d4e5 知道怎么办", "我不知道", "我不 a1b2c3d4e5 知道"),
        ("这个 我bu知道", "我不知道", "我bu知道"),
        ("我bu4知道", "我不知道", "我bu4知道"),
        ("wo不知道", "我不知道", "wo不知道"),
        ("我不dong", "我不懂", "我不dong"),
        ("你ji动啥啊", "您激动什么呀", "你ji动啥啊"),
        ("I d0n't kn0w", "I don't know", "I d0n't kn0w"),
        ("Sorry, 1 d0n7 kn0w", "I don't know", "1 d0n7 kn0w"),
        ("c4lm d0wn please", "calm down", "c4lm d0wn"),
    ],
)
def test_digits_letters_or_pinyin_inside_a_phrase_do_not_hide_it(
    guard: ForbiddenGuard, typed: str, forbidden: str, found: str
) -> None:
    hit = guard.check(typed)
    assert hit is not None and hit.forbidden == forbidden, typed
    assert [each.forbidden for each in guard.check_all(typed)][:1] == [forbidden]
    span = guard.span(typed, hit.forbidden)
    assert span is not None and typed[span[0] : span[1]] == found
    assert [typed[start:end] for start, end in guard.spans(typed)] == [found]


@pytest.mark.parametrize(
    "said",
    [
        "好的，我知道了，3天内给您回复",
        "您的工单号TS20261205ABC234已记录，请拨打12345查询",
        "请访问 https://example.com/help/wo-bu-zhi-dao 查看",
        "I know, your order 10 will arrive on day 3",
        "wobuzhidao",  # pinyin alone, every character: any English could spell syllables
        "Please don't worry, we know the 5 steps",
        "您可以在App里查看，我们4点前回复",
    ],
)
def test_numbers_english_words_and_pinyin_outside_a_phrase_stay_clean(guard: ForbiddenGuard, said: str) -> None:
    assert guard.check(said) is None
    assert guard.spans(said) == []


def test_a_long_text_of_almost_disguised_phrases_is_read_at_once(guard: ForbiddenGuard) -> None:
    texts = [("我" + "bu1") * 1600, "我" + "buzhi" * 1000, ("我不" + "a1" * 10) * 250]
    checked: list[object] = []

    def read_all() -> None:
        for text in texts:
            checked.append(guard.check(text))
            guard.spans(text)

    assert cpu_seconds(read_all) < 1.5
    assert checked == [None] * len(texts)


@pytest.mark.parametrize("text", ["喂，说话！", "喂 说话", "喂？你说话啊", "喂喂 说话！", "喂？说话呀"])
def test_the_silent_line_rebuke_is_caught_with_or_without_its_particle_and_with_you(
    guard: ForbiddenGuard, text: str
) -> None:
    hit = guard.check(text)
    assert hit is not None and hit.forbidden == "喂,说话呀"
    assert guard.spans(text)


def test_a_phrase_without_its_final_particle_is_the_phrase_and_shown_as_typed(guard: ForbiddenGuard) -> None:
    hit = guard.check("您冲我发啥火")
    assert hit is not None and hit.forbidden == "您冲我发什么火呀"
    assert guard.span("您冲我发啥火", hit.forbidden) == (0, 6)


@pytest.mark.parametrize("text", ["您说话的声音有点小，麻烦再说一遍好吗？", "喂，您好！请问有什么能够帮助您？"])
def test_speaking_of_speaking_without_the_rebuke_is_clean(guard: ForbiddenGuard, text: str) -> None:
    assert guard.check(text) is None
