"""The Alembic migration creates the schema the models describe, and can be undone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from bot import migrate
from bot.db import create_engine
from bot.models import Base
from tests.conftest import _in_thread


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_migration_matches_the_models(database_url: str) -> None:
    assert await _tables(database_url) == set(Base.metadata.tables)


async def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url))
    _in_thread(lambda: migrate.downgrade(url, "base"))
    assert await _tables(url) == set()
    _in_thread(lambda: migrate.upgrade(url))
    assert await _tables(url) == set(Base.metadata.tables)
