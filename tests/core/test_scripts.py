"""Places compared in one script: what the flows and storage compare places with."""

from __future__ import annotations

from bot.core.scripts import place_within, places_overlap, same_place


def test_a_place_is_the_same_in_either_script_width_case_and_spacing() -> None:
    assert same_place("陽光花園5棟", "阳光花园5栋")
    assert same_place("太古城 金星閣 15樓 B室", "太古城金星阁15楼B室")
    assert same_place("Flat 5C, 12/F, Taikoo Shing", "flat 5c, 12/f, taikoo shing")
    assert same_place("阳光花园５栋", "阳光花园5栋")
    assert not same_place("陽光花園5棟", "阳光花园3栋")
    assert not same_place("阳光花园5栋", None) and same_place(None, None)


def test_a_part_of_a_place_is_within_it_in_either_script() -> None:
    assert place_within("陽光花園", "阳光花园5栋")
    assert not place_within("阳光花园5栋", "陽光花園")
    assert places_overlap("阳光花园5栋", "陽光花園") and places_overlap("陽光花園", "阳光花园5栋")
    assert not places_overlap("金地广场", "陽光花園5棟")
