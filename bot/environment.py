"""The ``BOT_*`` environment variables, read and typed by pydantic-settings.

Every field's alias is its variable, so a wrong value is reported by the variable's name
(``BOT_PORT: Input should be a valid integer … (got 'eighty')``). Empty variables count as unset.
``bot.settings.Settings.from_env`` turns this into the settings passed down.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.understanding.model_settings import ResponseFormat

PREFIX = "BOT_"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


class BadEnvironment(ValueError):
    """The environment has wrong values; the message names each variable and what is wrong."""


_GROUPS = {
    "SMS channel": ("BOT_SMS_ACCOUNT_SID", "BOT_SMS_AUTH_TOKEN", "BOT_SMS_FROM", "BOT_SMS_API_BASE"),
    "Telegram": ("BOT_TELEGRAM_TOKEN", "BOT_TELEGRAM_SECRET"),
    "WeChat": ("BOT_WECHAT_TOKEN", "BOT_WECHAT_APPID", "BOT_WECHAT_SECRET"),
    "language model": ("BOT_LLM_BASE_URL", "BOT_LLM_MODEL"),
}
"""Variables that only work together: all of a group or none."""
_S3_REQUIRED = ("BOT_S3_ENDPOINT", "BOT_S3_BUCKET", "BOT_S3_ACCESS_KEY", "BOT_S3_SECRET_KEY")
"""What ``BOT_MEDIA_STORE=s3`` needs (the region has a default; the prefix may be empty)."""
_ENDPOINT = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?")
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,62}")
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"
_S3_PREFIX = re.compile(rf"{_SEGMENT}(/{_SEGMENT})*/?")
"""Segments that cannot be ``.`` or ``..``, no empty one, no leading slash."""


class Environment(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, extra="ignore", frozen=True, str_strip_whitespace=True
    )

    database_url: str | None = None
    redis_url: str | None = None
    config_dir: str | None = None
    var_dir: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str | None = None
    in_process_worker: bool = True
    log_json: bool = False
    log_message_text: bool = False
    auto_migrate: bool | None = None
    sms_stub: bool = False
    job_timeout: float = Field(300.0, gt=0)
    retry_backoff: float = Field(2.0, gt=0)
    lock_ttl: float = Field(5.0, gt=0)
    # issue 14 (standards edited in the console)
    standards_refresh_seconds: float = Field(2.0, gt=0, le=300)
    db_lock_timeout: float = Field(30.0, gt=0)
    # issue 15 (photos)
    media_dir: str | None = None
    media_store: Literal["directory", "s3"] = "directory"
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_bucket: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_prefix: str = ""
    s3_addressing_style: Literal["path", "virtual"] = "path"
    image_decodes: int = Field(2, ge=1, le=64)
    image_decode_queue: int = Field(6, ge=0, le=1000)
    image_decode_wait_seconds: float = Field(10.0, gt=0, le=300)
    body_read_seconds: float = Field(30.0, gt=0, le=600)
    upload_read_seconds: float = Field(120.0, gt=0, le=3600)
    max_connections_per_address: int = Field(300, ge=1)
    request_header_seconds: float = Field(15.0, gt=0, le=600)
    idle_connection_seconds: float = Field(20.0, gt=0, le=3600)
    metrics_token: str | None = None
    worker_metrics_port: int = Field(9101, ge=0, le=65535)
    """0: the worker serves no metrics."""

    sms_account_sid: str | None = None
    sms_auth_token: str | None = None
    sms_from: str | None = None
    sms_api_base: str | None = None

    telegram_token: str | None = None
    telegram_secret: str | None = None
    telegram_api_base: str = "https://api.telegram.org"

    wechat_token: str | None = None
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_aes_key: str | None = None
    wechat_aes_key_previous: str | None = None
    wechat_api_base: str = "https://api.weixin.qq.com"
    signature_max_age_seconds: float = Field(300.0, gt=0)

    login_window: float = Field(15 * 60.0, gt=0)
    login_limit_per_user_address: int = Field(5, ge=1)
    login_limit_per_address: int = Field(20, ge=1)
    login_limit_per_user: int = Field(50, ge=1)
    login_known_address_seconds: float = Field(30 * 24 * 3600.0, ge=0)
    password_hash_threads: int = Field(1, ge=1)
    password_hash_queue: int = Field(16, ge=0)
    password_time_cost: int = Field(3, ge=1)
    password_memory_kib: int = Field(65536, ge=8)
    password_parallelism: int = Field(4, ge=1)
    session_max_age: float = Field(12 * 3600.0, gt=0)
    session_recheck_seconds: float = Field(60.0, gt=0)
    event_sockets_per_session: int = Field(10, ge=1)
    event_sockets_per_user: int = Field(20, ge=1)
    event_sockets_per_address: int = Field(200, ge=1)
    session_cookie_secure: bool | None = None
    trusted_proxies: str = ""
    """Comma-separated networks (CIDR)."""
    ipv6_limit_prefix: int = Field(64, ge=32, le=128)
    """The IPv6 network (its prefix length) per-address limits count one client by."""
    frame_ancestors: str = "'self'"
    # issue 15 (embeddable web chat widget)
    widget_origins: str = ""
    """Comma-separated origins (``https://shop.example.com``) whose pages may embed the chat widget."""

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_seconds: float = Field(2.0, gt=0)
    llm_max_concurrency: int = Field(4, ge=1)
    llm_breaker_failures: int = Field(5, ge=1)
    llm_breaker_open_seconds: float = Field(30.0, gt=0)
    llm_response_format: ResponseFormat = "json_object"

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for proxy in proxy_list(value):
            ipaddress.ip_network(proxy, strict=False)  # a typo fails at start, not at the first sign-in
        return value

    @field_validator("widget_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in proxy_list(value):
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin such as https://shop.example.com (no path, no slash)")
        return value

    @field_validator("s3_endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not _ENDPOINT.fullmatch(value):
            raise ValueError(f"{value!r} is not an endpoint URL such as https://s3.example.com or http://minio:9000")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is not None and not _BUCKET.fullmatch(value):
            raise ValueError(f"{value!r} is not a bucket name (3 to 63 letters, digits, . _ -)")
        return value

    @field_validator("s3_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value and not _S3_PREFIX.fullmatch(value):
            raise ValueError(f"{value!r} is not a key prefix such as media/ (letters, digits, . _ - /; no ..)")
        return value

    @model_validator(mode="after")
    def _media_store(self) -> Environment:
        s3 = {name: getattr(self, _field(name)) for name in _S3_REQUIRED}
        if self.media_store == "s3" and not all(s3.values()):
            missing = ", ".join(name for name, value in s3.items() if not value)
            raise ValueError(f"BOT_MEDIA_STORE=s3 needs {missing} too")
        if self.media_store == "directory" and any(s3.values()):
            given = ", ".join(name for name, value in s3.items() if value)
            raise ValueError(f"{given} set but BOT_MEDIA_STORE is not s3: set BOT_MEDIA_STORE=s3, or unset them")
        return self

    @model_validator(mode="after")
    def _password_memory(self) -> Environment:
        if self.password_memory_kib < 8 * self.password_parallelism:
            raise ValueError(
                f"BOT_PASSWORD_MEMORY_KIB ({self.password_memory_kib}) must be at least 8 per lane of "
                f"BOT_PASSWORD_PARALLELISM ({self.password_parallelism}): {8 * self.password_parallelism} or more"
            )
        return self

    @model_validator(mode="after")
    def _groups_whole(self) -> Environment:
        for group, names in _GROUPS.items():
            given = [name for name in names if getattr(self, _field(name))]
            if given and len(given) < len(names):
                missing = ", ".join(name for name in names if name not in given)
                raise ValueError(f"{group} half configured: set {missing} too, or none of them")
        return self

    @classmethod
    def variables(cls) -> frozenset[str]:
        """Every variable read."""
        return frozenset(PREFIX + name.upper() for name in cls.model_fields)

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        """The process environment (``environ`` None) or the given variables, validated."""
        try:
            if environ is None:
                return cls()
            given = {
                _field(name): value
                for name, value in environ.items()
                if name.startswith(PREFIX) and _field(name) in cls.model_fields and value.strip()
            }
            return cls.model_validate(given)
        except ValidationError as error:
            raise BadEnvironment(describe(error)) from None


def _field(variable: str) -> str:
    return variable.removeprefix(PREFIX).lower()


def proxy_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def describe(error: ValidationError) -> str:
    """One line per problem, each naming its variable."""
    lines = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        variable = PREFIX + location[0].upper() if location else "environment"
        given = f" (got {problem['input']!r})" if location and isinstance(problem.get("input"), str) else ""
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{variable}: {message}{given}" if location else message)
    return "\n".join(lines)
