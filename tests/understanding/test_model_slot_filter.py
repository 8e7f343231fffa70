"""The model's slots are said back only when they pass what the rules' own values pass."""

from __future__ import annotations

import pytest

from bot.understanding.result import Slots
from bot.understanding.understander import Understander


@pytest.mark.parametrize(
    ("slots", "kept"),
    [
        (Slots(name="王芳", surname="王", honorific="女士"), Slots(name="王芳", surname="王", honorific="女士")),
        (Slots(name="傻逼物业", surname="傻逼", honorific="先生"), Slots()),
        (Slots(name="垃圾物业"), Slots()),
        (Slots(surname="Bastard", honorific="Mr"), Slots()),
        (Slots(name="Cassandra Lee", surname="Lee"), Slots(name="Cassandra Lee", surname="Lee")),
        (Slots(address="我们会赔偿您5000元"), Slots()),
        (Slots(address="楼上漏水三天了"), Slots()),
        (Slots(address="阳光花园5栋"), Slots(address="阳光花园5栋")),
        (Slots(address="西门口"), Slots(address="西门口")),
        (Slots(address="Sunshine Garden Block 3"), Slots(address="Sunshine Garden Block 3")),
        (Slots(phone="13912345678", address="您的投诉已解决"), Slots(phone="13912345678")),
        (Slots(address="Rm 3, 5/F, You Must Be Wrong Building"), Slots()),
        (Slots(name="冷静点"), Slots()),
        (Slots(name="Calm Down", surname="Down", honorific="Mr"), Slots()),
    ],
)
def test_what_the_rules_would_not_say_back_is_dropped(understander: Understander, slots: Slots, kept: Slots) -> None:
    assert understander.model_slots(slots, "zh-CN") == kept


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Rm 3, 5/F, You Must Be Wrong Building", Slots(withheld=True)),
        ("Flat 5C, 12/F, Calm Down Court", Slots(withheld=True)),
        ("Flat 5C, 12/F, Sunny Court", Slots(address="Flat 5C, 12/F, Sunny Court")),
    ],
)
def test_the_rules_own_places_holding_a_forbidden_phrase_are_withheld(
    understander: Understander, text: str, kept: Slots
) -> None:
    slots = understander.understand(text, "en").slots
    assert (slots, slots.withheld) == (kept, kept.withheld)
