"""Packaging beside pyproject.toml: the wheel ships config/ and migrations/ inside the package.

They stay top-level folders in the source tree; in the wheel they become ``bot/defaults/config``
and ``bot/defaults/migrations`` (found by ``bot.defaults`` with ``importlib.resources``).
"""

from setuptools import find_packages, setup

SHIPPED = {"bot.defaults.config": "config", "bot.defaults.migrations": "migrations"}

setup(
    packages=[*find_packages(include=["bot", "bot.*", "workers", "workers.*"]), *SHIPPED],
    package_dir=SHIPPED,
    package_data={
        "bot": [
            "web/static/*",
            "web/static/vendor/*",
            "web/static/i18n/*",
            "staff/common_passwords.txt",
            "understanding/han_variants.txt",
        ],
        "bot.defaults.config": ["*.yaml", "**/*.yaml"],
        "bot.defaults.migrations": ["alembic.ini", "script.py.mako", "versions/*.py"],
    },
)
