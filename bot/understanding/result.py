"""The typed result of understanding one message, shared by the rules, the model and their merge."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Grade, Intent, Signal


@dataclass(frozen=True, slots=True)
class Slots:
    """What the customer told us about themselves, from any message at any step."""

    phone: str | None = None
    """E.164 ("+8613912345678"), or the digits of a local landline as typed ("88123456") when no
    ``service.local_area_code`` is set to complete it."""
    phone_extension: str | None = None
    """The extension typed right after ``phone``, a landline ("0755-26881234转8021" gives "8021")."""
    second_phone: str | None = None
    """Another number in the same message ("电话138… 打不通就打我老婆的139…"): an alternative
    contact. A number the message denies ("不是138… 是139…", "是139…不是138…") is in neither slot:
    ``phone`` is the right one."""
    second_phone_extension: str | None = None
    """The extension typed right after ``second_phone``, a landline ("或者打010-62345678转8021")."""
    name: str | None = None
    surname: str | None = None
    honorific: str | None = None
    address: str | None = None
    district: str | None = None
    district_said: bool = field(default=False, compare=False)
    """The customer said ``district``; otherwise it is only where the gazetteer puts the estate or
    street they named, and the place said back to them does not add it. Not compared: the slots
    are the same either way."""
    withheld: bool = field(default=False, compare=False)
    """A name or a place was read but held a forbidden phrase ("Rm 3, You Must Be Wrong Building"),
    so it is not among the slots (``SaidBack``): the question is asked again, the words are no more
    of the problem."""
    region: str | None = None
    """The province and city written before the district or the address ("广东省深圳市" of
    广东省深圳市南山区粤海街道…): said back with the place, never as the problem. The rules find it;
    the model does not."""
    district_words: str | None = field(default=None, compare=False)
    """``district`` as the customer said it when that is not its name ("海淀" for 海淀区, "浦东" for
    浦东新区): said back in its place, as the customer wrote it. The rules find it; the model does not."""

    def as_dict(self) -> dict[str, str | None]:
        """The slots the optional model fills too (not ``second_phone``)."""
        return {
            "phone": self.phone,
            "name": self.name,
            "surname": self.surname,
            "honorific": self.honorific,
            "address": self.address,
            "district": self.district,
        }


@dataclass(frozen=True, slots=True)
class Understanding:
    """One message understood. ``category`` and ``grade`` are ``None`` when nothing points at one."""

    text: str
    locale: str
    intents: frozenset[Intent] = frozenset()
    category: str | None = None
    grade: Grade | None = None
    signals: frozenset[Signal] = frozenset()
    slots: Slots = field(default_factory=Slots)
    other_categories: tuple[str, ...] = ()
    """Categories of other problems the message tells besides ``category`` ("停水两天了 …
    物业根本不管": property service besides the repair), in the order told; for the staff only."""
    vague: bool = False
    """A complaint that says only whom or what it is about, not what went wrong ("你们物业到底管不管事":
    its category rests on ``weak_keywords`` alone, no problem or symptom word)."""
    sarcastic: bool = False
    """Praise or thanks not meant ("呵呵 你们真是太棒了", "你们效率真高啊 三天了都没人来"): neither intent is
    read, the emotional signal is; the model's praise or thanks is not added to it."""
    suggested_signals: frozenset[Signal] = frozenset()
    """Signals only the model found, without a hint of them in the customer's words
    (``model_trust``): shown to the staff, acted on by nothing."""
    suggested_intents: frozenset[Intent] = frozenset()
    """Intents of ``model_trust.intent_hints`` only the model found, without a hint: as above."""

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "locale": self.locale,
            "intents": sorted(intent.value for intent in self.intents),
            "category": self.category,
            "other_categories": list(self.other_categories),
            "grade": self.grade.value if self.grade is not None else None,
            "signals": sorted(signal.value for signal in self.signals),
            "slots": {**self.slots.as_dict(), "second_phone": self.slots.second_phone},
            "suggested_signals": sorted(signal.value for signal in self.suggested_signals),
            "suggested_intents": sorted(intent.value for intent in self.suggested_intents),
        }
