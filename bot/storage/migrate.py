"""Schema migrations with Alembic, callable from the CLI and from tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import DBAPIError

from bot.defaults import migrations_dir


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for ``database_url``, on the migrations shipped with the package."""
    scripts = migrations_dir()
    config = Config(str(scripts / "alembic.ini"))
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision``. Call it outside an event loop."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def wants_auto_migrate(database_url: str, auto_migrate: bool | None) -> bool:
    """Whether the CLI brings the schema up by itself: as configured, else for SQLite (embedded) only."""
    return database_url.startswith("sqlite") if auto_migrate is None else auto_migrate


def schema_missing(error: DBAPIError) -> bool:
    """Whether ``error`` says a table is missing: the database was never migrated (SQLite's
    "no such table", PostgreSQL's undefined_table, SQLSTATE 42P01)."""
    text = str(error.orig)
    return (
        "no such table" in text
        or getattr(error.orig, "sqlstate", None) == "42P01"
        or "UndefinedTable" in repr(error.orig)
    )
