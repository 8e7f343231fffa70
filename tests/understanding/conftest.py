"""One jieba dictionary and one understander for all understanding tests (loading jieba takes about a second)."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.normalise import Converter, simplified_converter
from bot.understanding.tokens import Dictionary, load_dictionary
from bot.understanding.understander import Understander


@pytest.fixture(scope="session")
def jieba_dictionary() -> Dictionary:
    return load_dictionary()


@pytest.fixture(scope="session")
def converter() -> Converter:
    return simplified_converter()


@pytest.fixture(scope="session")
def understander(service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter) -> Understander:
    return Understander.from_config(service_config, dictionary=jieba_dictionary, converter=converter)
