"""Where media bytes live: a directory by default, or an S3-compatible store
(``bot/media/s3_files.py``), behind the same three methods; :func:`open_media_files` opens the
one the settings choose."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from bot.settings import Settings

MEDIA_ID = re.compile(r"^[0-9a-f]{32}$")
_KEY = re.compile(r"^[0-9a-f]{32}(\.thumb)?$")


class MediaStoreError(Exception):
    """The store failed (unreachable, refused the keys, no bucket, a full disk): worth another try later."""


class MediaFiles(Protocol):
    """Raises ``MediaStoreError`` when the store fails, ``ValueError`` for a key that is not a media key."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None when there are none."""
        ...

    async def delete(self, key: str) -> None: ...


def new_media_id() -> str:
    """A random id: unguessable, and saying nothing about the content (not content-addressed, so
    one customer cannot learn whether another sent the same photo)."""
    return secrets.token_hex(16)


def thumb_key(media_id: str) -> str:
    return f"{media_id}.thumb"


def key_path(key: str) -> str:
    """``key`` under the subdirectory of its first two characters (``ab/ab12….thumb``), the layout
    of both stores; raises ``ValueError`` for anything but a media key (no path tricks)."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r}")
    return f"{key[:2]}/{key}"


class DirectoryFiles:
    """Files under ``root``, in subdirectories by the key's first two characters."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / key_path(key)

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(self._write, path, data)
        except OSError as error:
            raise MediaStoreError(f"cannot write {path}: {error}") from error

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise MediaStoreError(f"cannot read {path}: {error}") from error

    async def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except OSError as error:
            raise MediaStoreError(f"cannot delete {path}: {error}") from error

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see half a file


def media_store_description(settings: Settings) -> str:
    """Where photos go, as ``check-config`` says it (never the secret key)."""
    s3 = settings.media_s3
    if s3 is None:
        return f"the directory {settings.media_root} (BOT_MEDIA_DIR; every app instance and worker must share it)"
    where = f"{s3.endpoint.rstrip('/')}, bucket {s3.bucket}, keys under {s3.prefix or '/'}"
    return f"the S3-compatible store {where} ({s3.addressing_style}-style, region {s3.region})"


@contextlib.asynccontextmanager
async def open_media_files(settings: Settings) -> AsyncIterator[MediaFiles]:
    """The media store the settings choose, open until the block ends: the S3-compatible store
    ``settings.media_s3`` (one client for the process), or else the directory ``settings.media_root``."""
    if settings.media_s3 is None:
        yield DirectoryFiles(settings.media_root)
        return
    # Imported here: botocore takes a while to import, and most deployments keep a directory.
    from bot.media.s3_files import s3_files

    async with s3_files(settings.media_s3) as files:
        yield files
