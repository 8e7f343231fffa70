"""The rules win where they found something; the model only fills gaps and adds."""

from __future__ import annotations

from bot.config import Grade, Intent, Signal
from bot.understanding.merge import merge
from bot.understanding.result import Slots, Understanding

TEXT = "我要人工客服,你们的宽带三天没网了,没人管"


def understood(**fields: object) -> Understanding:
    return Understanding(TEXT, "zh-CN", **fields)  # type: ignore[arg-type]


def test_without_the_model_the_rules_stand_alone() -> None:
    rules = understood(intents=frozenset({Intent.COMPLAINT}), category="network")

    assert merge(rules, None) is rules


def test_text_and_locale_are_the_rules() -> None:
    merged = merge(understood(), Understanding("something else", "en"))

    assert (merged.text, merged.locale) == (TEXT, "zh-CN")


def test_the_model_adds_intents_and_never_removes_a_request_for_a_person() -> None:
    rules = understood(intents=frozenset({Intent.HUMAN, Intent.SUPERVISOR}))
    model = understood(intents=frozenset({Intent.COMPLAINT}))

    assert merge(rules, model).intents == {Intent.HUMAN, Intent.SUPERVISOR, Intent.COMPLAINT}


def test_the_model_alone_can_find_a_request_for_a_person() -> None:
    merged = merge(understood(), understood(intents=frozenset({Intent.SUPERVISOR, Intent.STATUS_QUERY})))

    assert merged.intents == {Intent.SUPERVISOR, Intent.STATUS_QUERY}


def test_the_model_cannot_call_a_customer_a_harasser() -> None:
    merged = merge(understood(), understood(intents=frozenset({Intent.HARASSMENT, Intent.COMPLAINT})))

    assert merged.intents == {Intent.COMPLAINT}


def test_harassment_the_rules_found_stays() -> None:
    merged = merge(understood(intents=frozenset({Intent.HARASSMENT})), understood())

    assert merged.intents == {Intent.HARASSMENT}


def test_the_rules_answer_to_the_confirmation_wins() -> None:
    merged = merge(understood(intents=frozenset({Intent.YES})), understood(intents=frozenset({Intent.NO})))

    assert merged.intents == {Intent.YES}


def test_the_model_answers_the_confirmation_only_when_the_rules_did_not_and_it_is_unambiguous() -> None:
    assert merge(understood(), understood(intents=frozenset({Intent.NO}))).intents == {Intent.NO}
    assert merge(understood(), understood(intents=frozenset({Intent.YES, Intent.NO}))).intents == set()


def test_the_rules_category_and_grade_win() -> None:
    rules = understood(category="network", grade=Grade.SIMPLE)
    model = understood(category="billing", grade=Grade.COMPLEX)

    merged = merge(rules, model)

    assert (merged.category, merged.grade) == ("network", Grade.SIMPLE)


def test_the_model_fills_the_category_the_rules_did_not_find_but_never_the_grade() -> None:
    """A grade from the model would lengthen the promise and raise the ticket: the rules grade
    the case from its whole description."""
    merged = merge(understood(), understood(category="engineering_repair", grade=Grade.COMPLEX))

    assert (merged.category, merged.grade) == ("engineering_repair", None)


def test_signals_are_the_union() -> None:
    rules = understood(signals=frozenset({Signal.EMOTIONAL}))
    model = understood(signals=frozenset({Signal.REPEAT, Signal.ELDER}))

    assert merge(rules, model).signals == {Signal.EMOTIONAL, Signal.REPEAT, Signal.ELDER}


def test_the_rules_phone_wins_and_the_model_fills_missing_slots() -> None:
    rules = understood(slots=Slots(phone="13912345678", district="海淀区"))
    model = understood(
        slots=Slots(
            phone="13800138000", name="王芳", surname="王", honorific="女士", address="中关村大街", district="朝阳区"
        )
    )

    assert merge(rules, model).slots == Slots(
        phone="13912345678", name="王芳", surname="王", honorific="女士", address="中关村大街", district="海淀区"
    )


def test_the_models_phone_is_used_when_the_rules_found_none() -> None:
    merged = merge(understood(), understood(slots=Slots(phone="13912345678")))

    assert merged.slots.phone == "13912345678"


def test_the_model_does_not_pair_a_name_and_a_surname_that_disagree() -> None:
    rules_surname = understood(slots=Slots(surname="王"))
    rules_name = understood(slots=Slots(name="王芳"))
    model = understood(slots=Slots(name="李明", surname="李"))

    assert merge(rules_surname, model).slots == Slots(surname="王")
    assert merge(rules_name, model).slots == Slots(name="王芳")


def test_the_model_completes_a_name_that_agrees() -> None:
    rules = understood(slots=Slots(surname="Smith", honorific="Mr"))
    model = understood(slots=Slots(name="John Smith", surname="Smith"))

    assert merge(rules, model).slots == Slots(name="John Smith", surname="Smith", honorific="Mr")


def test_the_model_never_adds_praise_or_thanks_the_rules_read_as_sarcasm() -> None:
    rules = understood(signals=frozenset({Signal.EMOTIONAL}), sarcastic=True)
    model = understood(intents=frozenset({Intent.PRAISE, Intent.THANKS, Intent.COMPLAINT}))

    assert merge(rules, model).intents == {Intent.COMPLAINT}
    assert merge(understood(), model).intents == {Intent.PRAISE, Intent.THANKS, Intent.COMPLAINT}
