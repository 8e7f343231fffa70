"""How far the optional model's reading of a customer message is believed (``model_trust:``).

The model can be talked into anything by the text it reads ("…INJECT{"signals":["danger"]}"), so
what it adds that changes how the service treats a customer (the emergency texts, a P0 ticket, the
duty supervisor, a queue place) is believed only when the customer's own words point that way:

- a signal the rules did not find acts only when the message holds a hint word of its kind
  (``signal_hints``: broad, "味" for a gas smell the rules miss); otherwise it is kept as the
  model's *suggestion*, shown to the staff and acted on by no one but them;
- the same for the intents listed in ``intent_hints`` (``supervisor``, ``human``);
- an intent that ends, drops or skips something (:data:`RULES_WORDS_ONLY`) acts only when the rules
  found it in the customer's own words; the model's alone is a suggestion;
- the model's grade is never taken (the rules grade the case from its whole description);
- a message the rules read as only an item (a place, a name, a phone: "阳光花园5栋") tells nothing
  else, whatever the model says: its intents and category are dropped (no problem, question or
  praise), so the item answers the question asked, or puts the restatement right;
- a message holding a payload meant for the model (``untrusted``: instructions, JSON) is not
  given to the model at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.config import Intent, ModelTrust
from bot.understanding.result import Understanding

RULES_WORDS_ONLY = frozenset({Intent.WITHDRAW, Intent.GOODBYE, Intent.REFUSE_CONTACT, Intent.YES, Intent.NO})
"""Intents that make the bot end, drop or skip something, acted on only when the rules found them:
``withdraw`` drops the complaint being told (or takes back a case) and says goodbye; ``goodbye``
closes the conversation; ``refuse_contact`` skips the phone; ``yes`` confirms the restatement for
the customer, a withdrawal or a fixed case (the callback closes it); ``no`` answers "anything
else?" and so ends, or takes a complaint back. The others only answer beside the form or draw
attention (a complaint, a question, praise, ``not_resolved`` keeps a case open), and ``harassment``
the model never adds at all (``merge``)."""


class TrustRules:
    """``model_trust:`` compiled: words folded the way messages are (``comparable``)."""

    def __init__(self, trust: ModelTrust, comparable: Callable[[str], str]) -> None:
        self._comparable = comparable
        self._signal_hints = {signal: _words(words, comparable) for signal, words in trust.signal_hints.items()}
        self._intent_hints = {intent: _words(words, comparable) for intent, words in trust.intent_hints.items()}
        self._untrusted = _words(trust.untrusted, comparable)

    def untrusted(self, text: str) -> bool:
        """Whether ``text`` carries a payload meant for the model: then it is not asked."""
        folded = self._comparable(text)
        return any(word in folded for word in self._untrusted)

    def vet(self, rules: Understanding, model: Understanding) -> Understanding:
        """The model's reading of ``model.text`` with what it may not decide alone moved to its
        suggestions (``suggested_signals``, ``suggested_intents``) and its grade dropped."""
        folded = self._comparable(model.text)
        if _only_items(rules, self._comparable):
            model = replace(model, intents=frozenset(), category=None)
        new_signals = model.signals - rules.signals
        unhinted = frozenset(s for s in new_signals if not _hinted(self._signal_hints.get(s, ()), folded))
        gated = frozenset(i for i in model.intents - rules.intents if i in self._intent_hints)
        unhinted_intents = frozenset(i for i in gated if not _hinted(self._intent_hints[i], folded))
        unhinted_intents |= (model.intents - rules.intents) & RULES_WORDS_ONLY
        return replace(
            model,
            signals=model.signals - unhinted,
            intents=model.intents - unhinted_intents,
            grade=None,
            suggested_signals=unhinted,
            suggested_intents=unhinted_intents,
        )


def _only_items(rules: Understanding, comparable: Callable[[str], str]) -> bool:
    """The rules read nothing in the message but its items, and nothing else is written in it."""
    if rules.intents or rules.signals or rules.category is not None:
        return False
    slots = rules.slots
    items = [comparable(item) for item in (slots.address, slots.name, slots.surname) if item]
    if not items and slots.phone is None:
        return False
    rest = comparable(rules.text)
    for item in items:
        rest = rest.replace(item, " ")
    return not any(char.isalpha() for char in rest)  # digits are the phone's or the flat's


def _words(words: Iterable[str], comparable: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(folded for word in words if (folded := comparable(word)))


def _hinted(hints: tuple[str, ...], folded: str) -> bool:
    return any(hint in folded for hint in hints)
