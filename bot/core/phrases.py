"""Rendering phrases from ``config/phrases/<locale>.yaml``, by id."""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol

from bot.config import PhraseBook, PhraseId, ServiceConfig, TimeWords
from bot.core.counted import counted
from bot.core.messages import Option, OutboundMessage


class Phrases:
    def __init__(self, config: ServiceConfig) -> None:
        self._books: dict[str, PhraseBook] = dict(config.phrases)
        self._default = config.service.default_locale

    def locale(self, requested: str | None) -> str:
        return requested if requested in self._books else self._default

    def book_for(self, locale: str) -> str | None:
        """The phrase book a message in ``locale`` is answered from: its own, else one of the same
        language (zh-TW is answered from zh-CN); None when there is none."""
        if locale in self._books:
            return locale
        language = locale.split("-")[0]
        return next((book for book in self._books if book.split("-")[0] == language), None)

    def render(self, phrase_id: PhraseId, locale: str, **variables: object) -> str:
        """The phrase in ``locale`` (the default locale when unknown), with ``variables`` filled."""
        return self.fill(self._books[self.locale(locale)].phrases[phrase_id], locale, **variables)

    def fill(self, template: str, locale: str, **variables: object) -> str:
        """``template``, written in ``locale``, with ``variables`` filled and the noun after a
        number said for that number ("1 hour", "2 hours": the book's ``singulars``)."""
        return counted(template, self._books[self.locale(locale)].singulars, variables).format(**variables)

    def time_words(self, locale: str) -> TimeWords:
        return self._books[self.locale(locale)].time_words

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._books)


class Converter(Protocol):
    """Simplified to traditional Chinese (``opencc.OpenCC("s2tw")``)."""

    def convert(self, text: str) -> str: ...


TRADITIONAL_REGIONS = frozenset({"tw", "hk", "mo"})

_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s，。！？；：、“”‘’（）《》【】「」<>\"']+", re.IGNORECASE)
"""A web address in a staff member's text, up to a space or Chinese punctuation: its path may
hold Chinese ("https://example.com/投诉"), which must reach the customer as typed."""


def asks_for_traditional(language_tag: str | None) -> bool:
    """Whether a language tag names Chinese in traditional characters ("zh-TW", "zh-HK",
    "zh-Hant", "zh-Hant-TW"): what a browser in Taiwan, Hong Kong or Macau asks for."""
    parts = (language_tag or "").lower().replace("_", "-").split("-")
    return parts[0] == "zh" and len(parts) > 1 and (parts[1] == "hant" or parts[1] in TRADITIONAL_REGIONS)


class TraditionalScript:
    """A reply in traditional characters, for a customer who writes them: the same configured
    phrase, character for character in the customer's script (OpenCC ``s2tw``, no change of words),
    so what was checked against the forbidden phrases is what they read."""

    def __init__(self, converter: Converter | None = None) -> None:
        if converter is None:
            import opencc

            converter = opencc.OpenCC("s2tw")
        self._converter = converter

    @staticmethod
    def applies(locale: str) -> bool:
        """Whether a reply in ``locale`` is converted: one from a simplified Chinese book (a
        ``zh-TW`` book, where a manager adds one, is used as written)."""
        return locale.startswith("zh") and locale != "zh-TW"

    def text(self, text: str, locale: str) -> str:
        """``text``, said in ``locale``, in traditional characters."""
        return self._converter.convert(text) if self.applies(locale) else text

    def _converted_around(self, text: str, verbatim: tuple[str, ...]) -> str:
        """``text`` converted, but for the first place each of ``verbatim`` stands in it."""
        for words in sorted((words for words in verbatim if words), key=len, reverse=True):
            before, found, after = text.partition(words)
            if found:
                return self._converted_around(before, verbatim) + words + self._converted_around(after, verbatim)
        return self._converter.convert(text)

    def written(self, text: str) -> str:
        """A staff member's own words (an agent's reply, a photo's caption), typed in simplified
        characters, for a customer who writes traditional ones: the same conversion as the
        phrases'. Web addresses stay as typed; digits (phones, case numbers) and Latin letters
        are never converted."""
        return self._converted_around(text, tuple(found.group(0) for found in _WEB_ADDRESS.finditer(text)))

    def reply(self, message: OutboundMessage, locale: str) -> OutboundMessage:
        """``message``, said in ``locale``, in traditional characters."""
        if not self.applies(locale):
            return message
        convert = self._converter.convert
        return dataclasses.replace(
            message,
            text=self._converted_around(message.text, message.verbatim),
            # A pressed button sends its value as the customer's words: in their script too.
            options=tuple(Option(convert(option.label), convert(option.value)) for option in message.options),
            options_text=convert(message.options_text),
        )
