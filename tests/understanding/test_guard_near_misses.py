"""Near misses of the forbidden phrases that got past the guard (found by a penetration tester):
"I do not know", "idk", "我不造", "俺不知道", "我不知到", "这是您手机的问题", "不是我们的锅", "关我们什么事",
"发什么火啊你"; Japanese forms and variants of Chinese characters ("您応該去找", "我们不㑹"), small
capitals ("ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ") and the organisation named in a paraphrase ("这不归物业管").
Ordinary replies that merely share their words still pass."""

from __future__ import annotations

import pytest

from bot.config import ForbiddenList, ForbiddenPattern, ServiceConfig
from bot.understanding.guard import ForbiddenGuard
from tests.understanding.chat_server import TO_SIMPLIFIED


@pytest.fixture
def guard(service_config: ServiceConfig) -> ForbiddenGuard:
    return ForbiddenGuard(service_config.forbidden, TO_SIMPLIFIED)


@pytest.mark.parametrize(
    "typed",
    [
        "I do not know",
        "i really don't know, sorry",
        "idk",
        "IDK, sorry",
        "Idk lol",
        "I dunno",
        "wo bu zhi dao",
        "Wo bu dong.",
        "我不造",
        "我也不造啊",
        "俺不知道",
        "我不知到",
        "我不知噵",
        "这是您手机的问题",
        "是你自己手机的毛病",
        "不是我们的锅",
        "这锅我们不背",
        "关我们什么事",
        "关我啥事",
        "发什么火啊你",
        "您応該去找街道办",
        "我们不㑹",
        "ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ",
        "ᴄᴀʟᴍ ᴅᴏᴡɴ",
        "这不归物业管",
        "这不是我们物业的责任",
        "这事我们管不了，找街道办去",
        "找开发商去吧",
        # pen test 2: Cantonese, words inserted around 不, 咱, and paraphrases
        "我唔知",
        "我唔知道",
        "唔知呀",
        "我完全不知道",
        "我并不知道",
        "我不太知道",
        "我们是不会",
        "我们绝不会",
        "咱们不会",
        "咱不知道",
        "俺们不会",
        "我听不懂",
        "我看不懂",
        "这是规定",
        "这是规定，没办法",
        "您得等几天",
        "这事儿不可能",
        "您冷静点",
        "That is not our responsibility",
        "that is impossible",
        "It's impossible",
        "I do not understand",
        "you must be mistaken",
        "I have no idea",
    ],
)
def test_a_near_miss_of_a_forbidden_phrase_is_caught(guard: ForbiddenGuard, typed: str) -> None:
    assert guard.check(typed) is not None
    assert guard.check_all(typed)
    start, end = guard.spans(typed)[0]
    assert end > start  # the console can show where it stands


@pytest.mark.parametrize(
    "typed",
    [
        "您好，请问有什么可以帮您？",
        "我知道了，马上为您处理。",
        "我们已经安排师傅明天上午上门维修。",
        "我们会尽快到达现场",
        "给您造成不便，非常抱歉，我不造成您的困扰了",
        "这是您手机号码吗？",
        "我们马上核实您手机的问题并回复您",
        "锅炉房的问题我们已经上报",
        "有关我们的事宜请致电12345",
        "The kid kicked the door; we did keep your number.",
        "We know the lift is broken; an engineer will come today.",
        "I do know this is frustrating, sorry.",
        "Did Kevin call you?",
        "wobuzhidao",
        "请访问 https://example.com/help/wo-bu-zhi-dao 查看",
        "我们不管多晚都会派师傅上门",
        "我们会找街道办去协调，明天给您回复",
        "这不是您的责任，我们马上处理",
        "这个问题由我们物业负责到底",
        "芸香和欠费的问题我们一起处理",
        "I'm sorry, we'll fix the lift today.",
        # near misses of pen test 2's phrases
        "唔该晒",
        "唔知你几时方便呢？",
        "不知道您什么时候方便在家？",
        "这是规定的维修时间",
        "按照规定，我们会在24小时内回复您",
        "您不用等几天，明天就到",
        "不是您弄错了，是我们的问题",
        "我们一定会尽快解决您的问题",
        "我们还不太确定师傅几点到，确定后马上告诉您",
        "I understand, we will fix it today.",
        "That is our responsibility, sorry.",
        "It's possible we'll be there today.",
        "I want my problem fixed, the customer said.",
        "We have no ideal slot today, tomorrow at 9?",
        "The permit is being processed.",
    ],
)
def test_an_ordinary_reply_passes(guard: ForbiddenGuard, typed: str) -> None:
    assert guard.check(typed) is None
    assert guard.check_all(typed) == []


def test_a_pattern_over_words_kept_apart_checks_its_own_examples(service_config: ServiceConfig) -> None:
    """A manager's ``words`` pattern reads the words apart: its examples are checked so."""
    shipped = service_config.forbidden.model_dump()
    lol = ForbiddenPattern(id="lol", pattern=" lol ", instead="请您对我讲吧！", examples=["lol ok"], words=True)
    forbidden = ForbiddenList.model_validate({**shipped, "patterns": [*shipped["patterns"], lol]})
    guard = ForbiddenGuard(forbidden, TO_SIMPLIFIED)
    assert guard.examples_missed(forbidden) == []
    assert guard.check("LOL, ok") is not None
    assert guard.check("a lollipop") is None
    missed = ForbiddenPattern(id="missed", pattern=" lol ", instead="请您对我讲吧！", examples=["lollipop"], words=True)
    assert guard.examples_missed(ForbiddenList.model_validate({**shipped, "patterns": [missed]})) == [
        "missed: lollipop"
    ]


def test_we_will_not_is_flagged_even_when_it_reassures(guard: ForbiddenGuard) -> None:
    """The standard forbids 我们不会 as it stands and offers 我们一定会尽快解决您的问题: a reply
    that reassures with it ("我们不会让您久等") is shown with that correct expression too (warned;
    the agent may send it)."""
    hit = guard.check("我们不会让您久等")
    assert hit is not None and hit.forbidden == "我们不会" and hit.instead == "我们一定会尽快解决您的问题"


@pytest.mark.parametrize(
    ("typed", "words"),
    [("我完全不知道怎么回事", "我完全不知道"), ("好的，我们是不会收费的", "我们是不会"), ("我不太知道", "我不太知道")],
)
def test_words_inserted_around_the_negation_are_shown_with_the_phrase(
    guard: ForbiddenGuard, typed: str, words: str
) -> None:
    start, end = guard.spans(typed)[0]
    assert typed[start:end] == words
    hit = guard.check(typed)
    assert hit is not None and (found := guard.span(typed, hit.forbidden)) is not None
    assert typed[found[0] : found[1]] == words


@pytest.mark.parametrize(
    "typed",
    [
        "我完全不知道",
        "It's impossible",
        "idk",
        "我bu知道",
        "Calm Down Court",
        "阳光花园3栋502",
        "Flat 5C, 12/F, Sunny Court",
        "唔该晒",
    ],
)
def test_clean_answers_as_check_does_in_one_search(guard: ForbiddenGuard, typed: str) -> None:
    """``clean`` (what every slot value a customer gives is asked) says what ``check`` says."""
    assert guard.clean(typed) is (guard.check(typed) is None)
