"""The files a process needs besides code: the default service configuration and the migrations.

In a source checkout (and an editable install) they are the top-level ``config/`` and
``migrations/`` folders. A built wheel ships them inside this package (``pyproject.toml`` maps
``bot.defaults.config`` and ``bot.defaults.migrations`` to those folders), found here with
``importlib.resources``. ``BOT_CONFIG_DIR`` still points a deployment at its own configuration.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[2]
"""The checkout this package sits in, when it is one (it holds ``pyproject.toml``)."""


def _shipped(name: str) -> Path:
    packaged = files(__name__).joinpath(name)
    if packaged.is_dir():
        return Path(str(packaged))
    return SOURCE_ROOT / name


def from_source() -> bool:
    """Running from a source checkout (or an editable install) rather than an installed wheel."""
    return not files(__name__).joinpath("config").is_dir() and (SOURCE_ROOT / "pyproject.toml").is_file()


def config_dir() -> Path:
    """The default service configuration (``config/``)."""
    return _shipped("config")


def migrations_dir() -> Path:
    """The Alembic scripts (``migrations/``, with its ``alembic.ini``)."""
    return _shipped("migrations")


def var_dir() -> Path:
    """Where the embedded setup keeps SQLite and Redis: ``var/`` in the checkout, or under the
    working directory for an installed package."""
    return SOURCE_ROOT / "var" if from_source() else Path.cwd() / "var"
