"""How far the optional model's reading of a customer message is believed (``model_trust:``).

The model can be talked into anything by the text it reads ("…INJECT{"signals":["danger"]}"), so
what it adds that changes how the service treats a customer (the emergency texts, a P0 ticket, the
duty supervisor, a queue place) is believed only when the customer's own words point that way:

- a signal the rules did not find acts only when the message holds a hint word of its kind
  (``signal_hints``: broad, "味" for a gas smell the rules miss); otherwise it is kept as the
  model's *suggestion*, shown to the staff and acted on by no one but them;
- the same for the intents listed in ``intent_hints`` (``supervisor``);
- the model's grade is never taken (the rules grade the case from its whole description);
- a message holding a payload meant for the model (``untrusted``: instructions, JSON) is not
  given to the model at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.config import ModelTrust
from bot.understanding.result import Understanding


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
        new_signals = model.signals - rules.signals
        unhinted = frozenset(s for s in new_signals if not _hinted(self._signal_hints.get(s, ()), folded))
        gated = frozenset(i for i in model.intents - rules.intents if i in self._intent_hints)
        unhinted_intents = frozenset(i for i in gated if not _hinted(self._intent_hints[i], folded))
        return replace(
            model,
            signals=model.signals - unhinted,
            intents=model.intents - unhinted_intents,
            grade=None,
            suggested_signals=unhinted,
            suggested_intents=unhinted_intents,
        )


def _words(words: Iterable[str], comparable: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(folded for word in words if (folded := comparable(word)))


def _hinted(hints: tuple[str, ...], folded: str) -> bool:
    return any(hint in folded for hint in hints)
