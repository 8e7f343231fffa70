"""Whole-word keyword search on jieba's segmentation: keywords match words, not the inside of other words."""

from __future__ import annotations

import jieba

from bot.config import ServiceConfig
from bot.understanding.normalise import Converter, normalise
from bot.understanding.rules import Rules
from bot.understanding.tokens import Dictionary, KeywordIndex, Segmenter, english_forms, negated
from tests.understanding.corpus import load_corpus


def _index(converter: Converter, *keywords: str) -> KeywordIndex[str]:
    return KeywordIndex(((keyword, keyword) for keyword in keywords), lambda text: normalise(text, converter).text)


def _found(segmenter: Segmenter, index: KeywordIndex[str], converter: Converter, text: str) -> list[str]:
    return [hit.keyword for hit in index.find(segmenter.segment(normalise(text, converter).text))]


def test_an_english_keyword_does_not_match_inside_a_word(jieba_dictionary: Dictionary, converter: Converter) -> None:
    index = _index(converter, "app")
    segmenter = Segmenter(jieba_dictionary, index.keywords(), inside=index.keywords())
    assert _found(segmenter, index, converter, "I am not happy with your service") == []
    assert _found(segmenter, index, converter, "your APP keeps crashing") == ["app"]
    assert _found(segmenter, index, converter, "I sent it on whatsapp") == []


def test_english_keywords_match_as_word_sequences(jieba_dictionary: Dictionary, converter: Converter) -> None:
    index = _index(converter, "real person", "don't call me")
    segmenter = Segmenter(jieba_dictionary, index.keywords())
    assert _found(segmenter, index, converter, "I want a REAL  person now") == ["real person"]
    assert _found(segmenter, index, converter, "a realperson") == []
    assert _found(segmenter, index, converter, "please don’t call me") == ["don't call me"]
    assert _found(segmenter, index, converter, "please don't call me") == ["don't call me"]


def test_english_forms_only_for_words_long_enough_to_have_them() -> None:
    assert {"leaks", "leaked", "leaking"} <= english_forms("leak")
    assert {"charged", "charging", "charges"} <= english_forms("charge")
    assert {"burst pipes"} <= english_forms("burst pipe")
    assert english_forms("hi") == {"hi"}
    assert english_forms("漏水") == {"漏水"}


def test_a_chinese_keyword_of_several_words_matches_however_jieba_cuts_it(
    jieba_dictionary: Dictionary, converter: Converter
) -> None:
    index = _index(converter, "上不了网")
    without = Segmenter(jieba_dictionary, [])
    with_keyword = Segmenter(jieba_dictionary, index.keywords())
    text = "家里宽带上不了网了"
    assert "上不了网" not in without.segment(text).words
    assert "上不了网" in with_keyword.segment(text).words
    assert _found(without, index, converter, text) == ["上不了网"]
    assert _found(with_keyword, index, converter, text) == ["上不了网"]


def test_a_keyword_that_is_a_longer_keyword_s_beginning_does_not_match_inside_it(
    jieba_dictionary: Dictionary, converter: Converter
) -> None:
    index = _index(converter, "停车", "停车费")
    segmenter = Segmenter(jieba_dictionary, index.keywords(), inside=index.keywords())
    assert _found(segmenter, index, converter, "停车费又涨了") == ["停车费"]
    assert _found(segmenter, index, converter, "小区停车太难了") == ["停车"]


def test_keywords_are_found_inside_longer_dictionary_words_except_whole_words(
    jieba_dictionary: Dictionary, converter: Converter
) -> None:
    index = _index(converter, "法院", "气死", "谢谢", "人工")
    segmenter = Segmenter(jieba_dictionary, index.keywords(), inside=index.keywords(), whole_words=["人工智能"])
    assert _found(segmenter, index, converter, "我去人民法院告你们") == ["法院"]
    assert _found(segmenter, index, converter, "气死我了") == ["气死"]
    assert _found(segmenter, index, converter, "谢谢您") == ["谢谢"]
    assert _found(segmenter, index, converter, "你们的人工智能客服听不懂") == []


def test_a_thing_and_what_is_wrong_with_it_written_together_are_cut_between_them(
    jieba_dictionary: Dictionary, converter: Converter
) -> None:
    """jieba reads "门禁用不了" as 门/禁用/不了 (禁用 is a word of its own): the door entry is lost."""
    index = _index(converter, "门禁", "用不了", "电梯", "不能用")
    keywords = index.keywords()
    without = Segmenter(jieba_dictionary, keywords, inside=keywords)
    apart = Segmenter(jieba_dictionary, keywords, inside=keywords, apart=[("门禁", "用不了"), ("电梯", "不能用")])
    assert without.segment("门禁用不了了").words == ("门", "禁用", "不了", "了")
    assert apart.segment("门禁用不了了").words == ("门禁", "用不了", "了")
    assert _found(apart, index, converter, "門禁用不了") == ["门禁", "用不了"]
    for text in ("账号被禁用了", "电梯不能用", "小区的门禁卡用不了"):
        assert apart.segment(text).words == without.segment(text).words


def test_negation_right_before_a_keyword(jieba_dictionary: Dictionary, converter: Converter) -> None:
    index = _index(converter, "投诉", "不", "不是", "not", "happy")
    segmenter = Segmenter(jieba_dictionary, index.keywords())

    def is_negated(text: str, keyword: str, window: int = 1) -> bool:
        segmented = segmenter.segment(normalise(text, converter).text)
        hits = index.find(segmented)
        ends = frozenset(hit.last for hit in hits if hit.owner in ("不", "不是", "not"))
        return negated(next(hit for hit in hits if hit.owner == keyword), ends, segmented, window)

    assert is_negated("不是投诉", "投诉")
    assert is_negated("我不是来投诉的", "投诉")
    assert not is_negated("我不是来投诉的", "投诉", window=0)
    assert not is_negated("不,投诉", "投诉")
    assert not is_negated("我要投诉", "投诉")
    assert is_negated("I am not happy", "happy")
    assert is_negated("not very happy", "happy")


def test_the_segmenter_leaves_jieba_s_global_tokenizer_and_the_shared_dictionary_alone(
    jieba_dictionary: Dictionary,
) -> None:
    Segmenter(jieba_dictionary, ["宽带没网啦"])
    assert "宽带没网啦" not in jieba_dictionary.frequencies
    assert "宽带没网啦" not in jieba.dt.FREQ


def test_the_segmenter_cuts_every_corpus_message_as_jieba_itself_does_with_the_same_words_added(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    """jieba-rs does the cutting: the rules were written against pure-Python jieba's words."""

    def comparable(text: str) -> str:
        return normalise(text, converter).text

    keywords = Rules(service_config.classification, comparable).keywords_inside_words()
    whole_words = [comparable(word) for word in service_config.classification.whole_words]
    reference = jieba.Tokenizer()
    reference.FREQ = dict(jieba_dictionary.frequencies)
    reference.total = jieba_dictionary.total
    reference.initialized = True
    for word in sorted(keywords | set(whole_words)):
        # Only words with Chinese characters become dictionary words ("app" must not match in "happy").
        if any("\u4e00" <= char <= "\u9fd5" for char in word) and all(
            "\u4e00" <= char <= "\u9fd5" or (char.isascii() and char.isalnum()) for char in word
        ):
            reference.add_word(word)
    segmenter = Segmenter(jieba_dictionary, keywords, whole_words=whole_words)
    categories = [category.id for category in service_config.classification.categories]
    texts = [comparable(item.text) for item in load_corpus(categories)]
    assert len(texts) > 400
    differing = [
        (text, segmenter.segment(text).words)
        for text in texts
        if segmenter.segment(text).words != tuple(reference.cut(text, HMM=False))
    ]
    assert differing == []
