"""``python -m bot understand``: what the bot understands of each text, one JSON object a line.

Managers use it to see why a message went where it did: the same rules (and, when configured,
the same model) as the running bot.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.config import ServiceConfig
from bot.understanding.model import build_model_understander
from bot.understanding.model_settings import ModelSettings
from bot.understanding.reader import MessageReader
from bot.understanding.understander import Understander


def _texts(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        stripped = text.rstrip("\r\n")
        if stripped.strip():
            yield stripped


async def explain(
    config: ServiceConfig,
    model_settings: ModelSettings | None,
    texts: Iterable[str],
    locale: str | None,
    out: TextIO,
) -> int:
    reader = MessageReader(
        Understander.from_config(config), build_model_understander(model_settings, config.classification)
    )
    count = 0
    try:
        for text in _texts(texts):
            understood = await reader.read(text, locale)
            out.write(json.dumps(understood.as_json(), ensure_ascii=False) + "\n")
            out.flush()
            count += 1
    finally:
        await reader.aclose()
    return count


def run_explain(
    config: ServiceConfig, model_settings: ModelSettings | None, texts: Iterable[str], locale: str | None, out: TextIO
) -> int:
    return asyncio.run(explain(config, model_settings, texts, locale, out))
