"""Photos in an S3-compatible store (``BOT_MEDIA_STORE=s3``): MinIO, Ceph RGW, Alibaba OSS,
Tencent COS or AWS S3, through aiobotocore (botocore's signing and retries over aiohttp).

One client per process, opened with the resources and closed with them. Objects are
``<prefix><first two characters>/<key>``: the media directory's layout, so a directory copied
into the bucket under the prefix is found as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.exceptions import BotoCoreError, ClientError

from bot.media.files import MediaStoreError, key_path
from bot.settings import S3Settings

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_ATTEMPTS = 3
"""Tries of one request (botocore's "standard" retries: 5xx, throttling, dropped connections)."""
_NOT_THERE = frozenset({"NoSuchKey", "NotFound", "404"})
_FAILURES = (BotoCoreError, aiohttp.ClientError, OSError)
"""Besides S3's error answers: no connection, timeouts, a body cut short."""


class S3Files:
    """``MediaFiles`` over an open aiobotocore S3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def object_name(self, key: str) -> str:
        """The object's key in the bucket; raises ``ValueError`` for anything but a media key."""
        return self._prefix + key_path(key)

    async def put(self, key: str, data: bytes) -> None:
        name = self.object_name(key)
        await self._call("PutObject", name, self._client.put_object, Body=data)

    async def get(self, key: str) -> bytes | None:
        name = self.object_name(key)
        try:
            response = await self._client.get_object(Bucket=self._bucket, Key=name)
            async with response["Body"] as body:
                data: bytes = await body.read()
        except ClientError as error:
            if _code(error) in _NOT_THERE:
                return None
            raise _store_error("GetObject", name, error) from error
        except _FAILURES as error:
            raise _store_error("GetObject", name, error) from error
        return data

    async def delete(self, key: str) -> None:
        # S3 answers 204 for a key that is not there too.
        name = self.object_name(key)
        await self._call("DeleteObject", name, self._client.delete_object)

    async def _call(self, operation: str, name: str, method: Callable[..., Awaitable[Any]], **arguments: Any) -> None:
        try:
            await method(Bucket=self._bucket, Key=name, **arguments)
        except (ClientError, *_FAILURES) as error:
            raise _store_error(operation, name, error) from error


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _store_error(operation: str, name: str, error: Exception) -> MediaStoreError:
    """Says the operation, the object and S3's error code (``SignatureDoesNotMatch``, ``NoSuchBucket``)."""
    what = _code(error) if isinstance(error, ClientError) else type(error).__name__
    return MediaStoreError(f"S3 {operation} {name}: {what}: {error}")


@contextlib.asynccontextmanager
async def s3_files(settings: S3Settings) -> AsyncIterator[S3Files]:
    """An ``S3Files`` whose client lives until the block ends."""
    config = AioConfig(
        signature_version="s3v4",
        s3={"addressing_style": settings.addressing_style},
        # Since botocore 1.36 uploads carry CRC checksums (x-amz-checksum-*, aws-chunked bodies)
        # by default, which many S3-compatible stores refuse; send them only where S3 requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    client = AioSession().create_client(
        "s3",
        endpoint_url=settings.endpoint,
        region_name=settings.region,
        aws_access_key_id=settings.access_key,
        aws_secret_access_key=settings.secret_key.get_secret_value(),
        config=config,
    )
    async with client as opened:
        yield S3Files(opened, settings.bucket, settings.prefix)
