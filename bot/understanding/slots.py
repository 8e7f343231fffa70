"""Slots from any message at any step: phone, name, surname, honorific, address and district.

Build one :class:`SlotExtractor` from the configuration at start-up and call ``extract`` on every
message. Raw text is fine: full-width characters are folded (NFKC) and traditional Chinese is
read as simplified. Slots come back in simplified Chinese, except the name, which keeps the
characters the customer typed (OpenCC would turn 王乾 into 王干).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from bot.config import ServiceConfig
from bot.understanding.english_places import EnglishPlaceFinder
from bot.understanding.names import NameFinder, Person
from bot.understanding.phones import (
    DeniedNumbers,
    ExtensionFinder,
    TailPutRight,
    find_local_landline,
    find_phone,
    find_phones,
    find_unprefixed_mobile,
    find_with_country_code,
    unprefixed_mobiles,
)
from bot.understanding.places import DivisionFinder, Place, PlaceFinder
from bot.understanding.result import Slots
from bot.understanding.rules import keywords
from bot.understanding.tokens import Dictionary

_LATIN = re.compile("[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")


class Converter(Protocol):
    """Traditional to simplified Chinese (``opencc.OpenCC("t2s")``)."""

    def convert(self, text: str) -> str: ...


class SlotExtractor:
    """Everything slot extraction needs, compiled once."""

    def __init__(
        self,
        names: NameFinder,
        places: PlaceFinder,
        simplifier: Converter,
        region: str = "CN",
        english_places: EnglishPlaceFinder | None = None,
        traditional_regions: Sequence[str] = (),
        local_area_code: str | None = None,
        local_number_words: Sequence[str] = (),
        landline_words: Sequence[str] = (),
        tail_put_right: TailPutRight | None = None,
        extensions: ExtensionFinder | None = None,
        denied: DeniedNumbers | None = None,
        english_address_words: Sequence[str] = (),
        english_regions: Sequence[str] | None = None,
    ) -> None:
        self._names = names
        self._places = places
        self._english_places = english_places
        self._simplifier = simplifier
        self._region = region
        self._traditional_regions = tuple(traditional_regions)
        self._english_regions = self._traditional_regions if english_regions is None else tuple(english_regions)
        # A number written with its country code may be of any region accepted.
        self._regions = tuple(dict.fromkeys((*self._traditional_regions, *self._english_regions)))
        self._local_area_code = local_area_code
        self._local_number_words = tuple(word.lower() for word in local_number_words)
        self._landline_words = tuple(word.lower() for word in landline_words)
        self._tail_put_right = tail_put_right
        self._extensions = extensions
        self._denied = denied
        self._english_address_words = tuple(word.lower() for word in english_address_words)

    @classmethod
    def from_config(
        cls, config: ServiceConfig, divisions: DivisionFinder | None = None, dictionary: Dictionary | None = None
    ) -> SlotExtractor:
        """The extractor for ``config``; ``divisions`` defaults to the cpca address parser; ``dictionary``
        (jieba's) tells an estate's name from everyday words where no estate word says it is one
        ("…坏了好久了 翠湖天地"): without it, such a name is no place."""
        import opencc

        from bot.understanding.divisions import CpcaDivisions

        simplifier = opencc.OpenCC("t2s")
        # Every word the rules read, and Cantonese's ("成日跳掣"): never an estate's name.
        said_words = [word for word in keywords(config.classification) if len(word) > 1]
        said_words += [simplifier.convert(marker) for marker in config.classification.cantonese_markers if marker]
        return cls(
            names=NameFinder(config.names, insults=config.classification.form.abuse()),
            places=PlaceFinder(
                config.gazetteer,
                divisions if divisions is not None else CpcaDivisions(),
                _problem_words(config),
                said_words=said_words,
                common_words=dictionary.frequencies if dictionary is not None else None,
            ),
            simplifier=simplifier,
            english_places=EnglishPlaceFinder(config.gazetteer),
            traditional_regions=config.service.traditional_phone_regions,
            local_area_code=config.service.local_area_code,
            local_number_words=config.classification.form.local_number_words,
            landline_words=config.classification.form.landline_words,
            tail_put_right=TailPutRight.from_config(config),
            extensions=ExtensionFinder(
                config.classification.form.phone_extension_words,
                [*config.gazetteer.unit_suffixes, *config.gazetteer.floor_suffixes],
            ),
            denied=DeniedNumbers.from_config(config),
            english_address_words=[*config.gazetteer.english_unit_words, *config.gazetteer.english_floor_words],
            english_regions=config.service.english_phone_regions,
        )

    def extract(self, text: str, traditional: bool = False, english: bool = False) -> Slots:
        """The slots ``text`` gives; the rest are ``None``. ``traditional``: the conversation is
        written in traditional characters, though this message may have none ("0912345678");
        ``english``: the message is read as English ("81234567" in an English conversation)."""
        folded = unicodedata.normalize("NFKC", text)
        try:
            simplified = self._simplifier.convert(folded)
        except UnicodeEncodeError:
            # OpenCC takes UTF-8 only; a lone surrogate becomes "?", keeping every position.
            folded = folded.encode("utf-8", "replace").decode("utf-8")
            simplified = self._simplifier.convert(folded)
        return self.extract_prepared(folded, simplified, traditional, english)

    def estates_named(self, text: str) -> list[str]:
        """The estates' names starting a clause of ``text``, in simplified characters
        (:meth:`PlaceFinder.estates_named`)."""
        folded = unicodedata.normalize("NFKC", text).encode("utf-8", "replace").decode("utf-8")
        return self._places.estates_named(self._simplifier.convert(folded))

    def asked_phones(self, text: str) -> list[str]:
        """The Hong Kong or Macao mobiles typed without their country code anywhere in an answer to
        the phone question ("i told you already, 98765432"), as E.164: asked for, eight digits of a
        mobile are a phone with no word before them."""
        folded = unicodedata.normalize("NFKC", text)
        found = unprefixed_mobiles(folded, self._traditional_regions)
        # "it's 9876 5433 not 9876 5432": the one denied is never the phone.
        return self._denied.right_ones(folded, found) if self._denied is not None else found

    def _said_names(self, person: Person) -> set[str]:
        """How ``person`` was named, in simplified characters: the name, with its honorific or not, and the
        surname with it."""
        told = [person.name, person.surname]
        told += [f"{said}{person.honorific}" for said in told if said and person.honorific]
        return {self._simplifier.convert(said) for said in told if said}

    def extract_prepared(self, folded: str, simplified: str, traditional: bool = False, english: bool = False) -> Slots:
        """Like :meth:`extract`, for a caller that has already NFKC-folded the text (``folded``)
        and converted that to simplified Chinese (``simplified``)."""
        # Written in English, a mobile without its country code is of the English customers' regions.
        regions = self._english_regions if english and not _HAN.search(folded) else self._traditional_regions
        if self._tail_put_right is not None:
            # "…零三一不对是零三二": the number meant, for the phone and for where the place starts.
            folded, simplified = self._tail_put_right.apply(folded, simplified)
        person = self._names.find(simplified, typed=folded)
        place = self._places.find(simplified)
        if person == Person() and (bare := self._names.bare(simplified, typed=folded)) is not None:
            named, said = bare
            if not self._places.reads_as_words(said, person=True):
                person = named  # "楼上漏水好几天了 欧阳娜娜 139…": a name, never the place
        if place.address is not None and person != Person() and place.address in self._said_names(person):
            place = Place(None, None)  # "电梯坏了 上官先生": who they are, not where
        address = place.address
        if address is None and self._english_places is not None and _LATIN.search(folded):
            address = self._english_places.find(folded)
        elif address is not None and self._english_places is not None and _LATIN.search(folded):
            address = self._english_places.with_units_before(folded, address)
        # The phone words are looked for in simplified Chinese ("屋企電話 2345 6789" says 电话); the
        # digits are the same in both.
        local_view = simplified if len(simplified) == len(folded) else folded
        phones = find_phones(folded, self._region)
        if self._denied is not None:
            # "是136…1111不是136…1112", "不是136…1112 是136…1111": the number denied is not the phone.
            phones = self._denied.right_ones(local_view, phones, self._region)
        phone = phones[0] if phones else None
        if phone is None:
            phone = find_with_country_code(folded, self._regions)  # "+852 9111 2222"
        if phone is None and (traditional or simplified != folded):
            # Written in traditional characters: perhaps a Hong Kong, Macao or Taiwan number.
            candidates = (find_phone(folded, region, mobile_only=True) for region in self._traditional_regions)
            phone = next(filter(None, candidates), None)
        local_words = self._local_number_words
        if phone is None and self._local_area_code is not None:
            phone = find_local_landline(local_view, self._local_area_code, local_words, self._region)
        if phone is None:
            # "9123 4567" alone or after a phone word, in any script: a Hong Kong or Macao mobile;
            # written in traditional characters, their landlines too ("屋企電話 2345 6789").
            landlines = simplified != folded  # "8866 5544" alone is no Macao landline
            phone = find_unprefixed_mobile(local_view, regions, local_words, landlines, self._landline_words)
        if phone is None and address and address in local_view:
            # "rm 1502 tower 3 the belcher's 91234567": the number stands alone beside the place.
            beside = local_view.replace(address, " ", 1)
            phone = find_unprefixed_mobile(beside, regions, local_words, simplified != folded, self._landline_words)
        if phone is None and self._local_area_code is None:
            phone = find_local_landline(local_view, None, local_words, self._region)  # "88123456", kept as typed
        if phone is None and _LATIN.search(folded) and not _HAN.search(folded):
            # "drain blocked… 9876 1234, Flat 3A, 8/F, Block 1, City One": in English a Hong Kong or Macao
            # mobile needs no phone word before it; never the digits after a flat's, a block's or a floor's word.
            beside = local_view.replace(address, " ", 1) if address else local_view
            mobiles = unprefixed_mobiles(beside, regions, self._english_address_words)
            if self._denied is not None:
                mobiles = self._denied.right_ones(beside, mobiles)
            phone = mobiles[0] if mobiles else None
        if phone is not None and not phones and self._denied is not None:
            # "it's 9876 5433 not 9876 5432": of the mobiles typed without a country code, the denied one is not it.
            mobiles = unprefixed_mobiles(local_view, regions)
            right = self._denied.right_ones(local_view, mobiles)
            if phone in mobiles and phone not in right:
                phone = right[0]
        extension = second_extension = None
        if phone is not None and phones and phone == phones[0] and self._extensions is not None:
            extension = self._extensions.find(folded, phone, self._region)
        if len(phones) > 1 and self._extensions is not None:
            second_extension = self._extensions.find(folded, phones[1], self._region)
        return Slots(
            phone=phone,
            phone_extension=extension,
            second_phone=phones[1] if len(phones) > 1 else None,
            second_phone_extension=second_extension,
            name=person.name,
            surname=person.surname,
            honorific=person.honorific,
            address=address,
            district=place.district,
            district_said=place.district_said,
            region=place.region,
            district_words=place.district_words,
        )


def _problem_words(config: ServiceConfig) -> list[str]:
    """The words telling a problem (the categories' keywords, ``complaint.problem_words`` and
    ``symptom_words``) of two characters or more: no estate's name said before its building holds one."""
    classification = config.classification
    words = [
        *(keyword for category in classification.categories for keyword in category.keywords),
        *classification.complaint.problem_words,
        *classification.complaint.symptom_words,
    ]
    return [word for word in words if len(word) > 1]
