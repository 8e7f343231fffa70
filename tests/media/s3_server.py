"""A small S3-compatible store on loopback, for tests: path-style PUT, GET, HEAD and DELETE of
objects, S3's XML errors, and AWS Signature Version 4 checked on every request with its own
keys (written from AWS's description of the signature, not with botocore, so a client that
signs wrongly is refused as a real store would refuse it).

Like several S3-compatible stores it takes no ``aws-chunked`` bodies (a client sending trailing
checksums gets ``501 NotImplemented``) and checks a signed payload's SHA-256.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from aiohttp import web
from aiohttp.test_utils import TestServer

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED = "UNSIGNED-PAYLOAD"
MAX_SKEW = dt.timedelta(minutes=15)
_AUTHORIZATION = re.compile(
    ALGORITHM + r" Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<headers>[a-z0-9;-]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)


class S3Error(Exception):
    def __init__(self, status: int, code: str, message: str, resource: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.resource = status, code, message, resource

    def response(self, method: str) -> web.Response:
        if method == "HEAD":  # S3 answers HEAD without a body
            return web.Response(status=self.status)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{escape(self.message)}</Message>"
            f"<Resource>{escape(self.resource)}</Resource><RequestId>{secrets.token_hex(8)}</RequestId></Error>"
        )
        return web.Response(status=self.status, text=body, content_type="application/xml")


@dataclasses.dataclass
class StoredObject:
    data: bytes
    content_type: str
    modified: dt.datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.data, usedforsecurity=False).hexdigest() + '"'


def signing_key(secret: str, date: str, region: str, service: str = "s3") -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _encode(value: str, safe: str = "") -> str:
    return quote(value, safe="-_.~" + safe)


def canonical_request(request: web.Request, signed_headers: list[str], payload_hash: str) -> str:
    query = sorted((_encode(name), _encode(value)) for name, value in request.rel_url.query.items())
    headers = "".join(
        f"{name}:{' '.join(','.join(request.headers.getall(name, [])).split())}\n" for name in signed_headers
    )
    return "\n".join(
        [
            request.method,
            _encode(unquote(request.rel_url.raw_path), safe="/"),
            "&".join(f"{name}={value}" for name, value in query),
            headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )


class S3Server:
    """The store: ``buckets`` that exist (objects by bucket and key), the one key pair it knows,
    and every request's method and path in ``requests``."""

    def __init__(self, access_key: str, secret_key: str, region: str = "us-east-1", buckets: tuple[str, ...] = ()):
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        self.buckets: dict[str, dict[str, StoredObject]] = {bucket: {} for bucket in buckets}
        self.requests: list[tuple[str, str]] = []
        self.refused: list[str] = []
        """The error codes answered, in order."""
        self.fail_next: list[int] = []
        """Statuses to answer the next requests with (after checking them), e.g. a 503 to retry."""
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/{bucket}/{key:.+}", self._object)
        self.app.router.add_route("*", "/{bucket}", self._bucket)
        self._server: TestServer | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> S3Server:
        self._server = TestServer(self.app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    def objects(self, bucket: str) -> dict[str, bytes]:
        return {key: stored.data for key, stored in self.buckets[bucket].items()}

    async def _bucket(self, request: web.Request) -> web.Response:
        return await self._answer(request, None)

    async def _object(self, request: web.Request) -> web.Response:
        return await self._answer(request, request.match_info["key"])

    async def _answer(self, request: web.Request, key: str | None) -> web.Response:
        self.requests.append((request.method, request.rel_url.raw_path))
        try:
            body = await self._authenticate(request)
            if self.fail_next:
                status = self.fail_next.pop(0)
                raise S3Error(status, "ServiceUnavailable" if status == 503 else "InternalError", "try again")
            bucket = self.buckets.get(request.match_info["bucket"])
            if bucket is None:
                raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist", request.path)
            if key is None:
                if request.method == "HEAD":
                    return web.Response(status=200)
                raise S3Error(501, "NotImplemented", "only objects are served here", request.path)
            return self._on_object(request, bucket, key, body)
        except S3Error as error:
            self.refused.append(error.code)
            return error.response(request.method)

    def _on_object(self, request: web.Request, bucket: dict[str, StoredObject], key: str, body: bytes) -> web.Response:
        if request.method == "PUT":
            if "x-amz-copy-source" in request.headers:
                raise S3Error(501, "NotImplemented", "copies are not served here", request.path)
            content_type = request.headers.get("Content-Type", "binary/octet-stream")
            stored = StoredObject(body, content_type, dt.datetime.now(dt.UTC).replace(microsecond=0))
            bucket[key] = stored
            return web.Response(status=200, headers={"ETag": stored.etag})
        if request.method == "DELETE":
            bucket.pop(key, None)
            return web.Response(status=204)
        if request.method in ("GET", "HEAD"):
            found = bucket.get(key)
            if found is None:
                raise S3Error(404, "NoSuchKey", "The specified key does not exist.", request.path)
            headers = {
                "ETag": found.etag,
                "Last-Modified": found.modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
                "Content-Type": found.content_type,
            }
            if request.method == "HEAD":
                headers["Content-Length"] = str(len(found.data))
                return web.Response(status=200, headers=headers)
            return web.Response(status=200, body=found.data, headers=headers)
        raise S3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")

    async def _authenticate(self, request: web.Request) -> bytes:
        """The request's body, once its Signature Version 4 holds; else an ``S3Error``."""
        header = request.headers.get("Authorization")
        if header is None:
            raise S3Error(403, "AccessDenied", "Access Denied")
        parsed = _AUTHORIZATION.fullmatch(header.strip())
        if parsed is None:
            raise S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed")
        if parsed["key"] != self.access_key:
            raise S3Error(403, "InvalidAccessKeyId", "The access key id you provided does not exist in our records.")
        if parsed["region"] != self.region or parsed["service"] != "s3":
            raise S3Error(400, "AuthorizationHeaderMalformed", f"the region is wrong; expecting '{self.region}'")
        signed = parsed["headers"].split(";")
        amz_date = request.headers.get("x-amz-date", "")
        try:
            when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise S3Error(403, "AccessDenied", "authentication requires a valid x-amz-date header") from None
        if abs(dt.datetime.now(dt.UTC) - when) > MAX_SKEW:
            raise S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and now is too large")
        amz_headers = {name.lower() for name in request.headers if name.lower().startswith("x-amz-")}
        unsigned = amz_headers - set(signed)
        if "host" not in signed or "x-amz-date" not in signed or unsigned or amz_date[:8] != parsed["date"]:
            raise S3Error(403, "AccessDenied", "There were headers present in the request which were not signed")
        payload_hash = request.headers.get("x-amz-content-sha256", "")
        if payload_hash.startswith("STREAMING-") or "aws-chunked" in request.headers.get("Content-Encoding", ""):
            raise S3Error(501, "NotImplemented", "aws-chunked bodies (trailing checksums) are not supported")
        if payload_hash != UNSIGNED and not re.fullmatch(r"[0-9a-f]{64}", payload_hash):
            raise S3Error(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a SHA-256")
        scope = f"{parsed['date']}/{parsed['region']}/s3/aws4_request"
        canonical = canonical_request(request, signed, payload_hash)
        to_sign = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = signing_key(self.secret_key, parsed["date"], parsed["region"])
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parsed["signature"]):
            raise S3Error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.",
            )
        body = await request.read()
        if payload_hash != UNSIGNED and hashlib.sha256(body).hexdigest() != payload_hash:
            raise S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match")
        return body
