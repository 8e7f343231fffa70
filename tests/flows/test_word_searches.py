"""The flow's word-list searches (``Turn.says_any``) find what looking for each word would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.turn import WordSearches, holds_any_of

_CHARS = st.sampled_from(list("电梯坏了停水楼道灯abcAB 12"))
_WORDS = st.lists(st.text(_CHARS, min_size=1, max_size=4), min_size=0, max_size=30)
_TEXTS = st.text(_CHARS, max_size=20)


@given(words=_WORDS, text=_TEXTS)
@settings(max_examples=300, deadline=None)
def test_a_word_list_is_found_in_a_text_as_looking_for_each_word_finds_it(words: list[str], text: str) -> None:
    matchable = text.lower()
    assert holds_any_of(tuple(words))(matchable) == any(word.lower() in matchable for word in words)


def test_lists_made_for_one_question_never_answer_for_another() -> None:
    searches = WordSearches()
    for round_ in range(3 * WordSearches.REMEMBERED):
        words = [f"词{round_}"]  # a new list each time, as "[*a, *b]" at a call site makes one
        assert searches.holds_any(words)(f"这里有词{round_}")
        assert not searches.holds_any(words)(f"这里有词{round_ + 1}x")


def test_a_list_is_searched_for_what_it_holds_when_asked() -> None:
    searches = WordSearches()
    story = ["昨天", "前天", "上周", "上个月", "那天", "当时", "后来", "然后", "结果"]
    assert searches.holds_any(story)("结果还是没人来")
    assert not searches.holds_any(story)("电梯坏了")
    assert searches.holds_any(tuple(story))("上周就坏了")
