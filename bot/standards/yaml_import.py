"""A section a manager imports as YAML (``PUT /api/standards/{section}`` {"yaml": ...}), read safely.

Anchors and aliases (``&name``, ``*name``) are refused: an alias repeats the node it names, so a
few kilobytes of aliases of lists of aliases ("billion laughs") become hundreds of megabytes of
lists to validate, store and answer with. No section needs them, an export never writes them
(:func:`bot.standards.versions.as_yaml`) and ``config/`` has none. Nesting is bounded too: a
section is a few levels deep, and the parser recurses once a level.
"""

from __future__ import annotations

from typing import Any

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # PyYAML built without libyaml: the same, ten times slower
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

MAX_DEPTH = 32
"""Lists and mappings inside each other; the deepest section (classification) has 6."""


class YamlRefused(ValueError):
    """Not YAML a section is imported from; the message says where and why, for the manager."""


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


def _check_events(text: str) -> None:
    """Raises :class:`YamlRefused` at the first anchor, alias or level too deep, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent) or (isinstance(event, yaml.NodeEvent) and event.anchor is not None):
            raise YamlRefused(
                f"{_where(event)}anchors and aliases (&{event.anchor}, *{event.anchor}) are not accepted:"
                " write the value out in full"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(f"{_where(event)}nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load(text: str) -> Any:
    """The one document in ``text``, as ``yaml.safe_load`` reads it (plain data: no Python objects).

    CPU-bound (about 0.15 s for 256 KiB): call it off the event loop.

    Raises:
        YamlRefused: not YAML, more than one document, an anchor or alias, or nesting deeper than
            :data:`MAX_DEPTH`.
    """
    try:
        _check_events(text)
        # The same parser on the same text: no anchors and no aliases now.
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise YamlRefused(f"not valid YAML: {error}") from None
