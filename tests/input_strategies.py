"""Hypothesis strategies for what customers and providers may send: any text, any JSON."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# One app per test function, shared by its examples; a modest count keeps the suite fast.
SHARED_APP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

ANY_CHARACTER = st.characters(codec=None, categories=None)
"""Any code point, lone surrogates and controls included (JSON can carry them escaped)."""
SENDABLE_CHARACTER = st.characters(codec="utf-8")
"""What a websocket text frame, a form field or a URL can carry."""
NASTY_TEXTS = st.sampled_from(
    [
        "\x00",
        "电梯\x00坏了",
        "\ud800",
        "a\udfffb",
        "\u200b\u200d\ufeff",
        " \u3000\t",
        "\x1b[31m红\x7f",
        "x" * 2001,
        "好" * 2000,
    ]
)
TEXTS = st.one_of(NASTY_TEXTS, st.text(alphabet=ANY_CHARACTER, max_size=40))
PROVIDER_TEXTS = TEXTS | st.just("长" * 100_000)
"""Providers' webhooks take bodies larger than a web chat frame (64 KiB)."""
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet=ANY_CHARACTER, max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
