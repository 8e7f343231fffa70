"""compose.yaml read as an operator's deployment: every command is one of this CLI's, every
``BOT_*`` variable a setting the process reads, every dependency a service with a health check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import build_parser
from bot.channels.registry import channels_off, sms_gateway
from bot.config import load_config
from bot.environment import Environment
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BOT_IMAGE = "complaint-bot:latest"


SMS_CONFIGURED = {
    "BOT_SMS_ACCOUNT_SID": "AC" + "1" * 32,
    "BOT_SMS_AUTH_TOKEN": "token",
    "BOT_SMS_FROM": "10690000",
    "BOT_SMS_API_BASE": "https://sms.example",
}


def known_variables() -> set[str]:
    """The variables ``Settings.from_env`` reads: every field of the environment's model."""
    return set(Environment.variables())


def interpolate(value: object) -> str:
    """Compose's ``${NAME:-default}`` with nothing set in the operator's shell."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda match: match.group(1) or "", str(value))


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def bot_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items() if service.get("image") == BOT_IMAGE}


def environment(service: dict[str, Any]) -> dict[str, str]:
    return {key: interpolate(value) for key, value in service.get("environment", {}).items()}


def image_command() -> list[str]:
    """The Dockerfile's ``CMD``: what a bot service without a ``command`` runs."""
    lines = [line for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines() if line.startswith("CMD ")]
    command: list[str] = json.loads(lines[-1].removeprefix("CMD "))
    return command


def cli_arguments(command: list[str]) -> list[str]:
    if command[:3] == ["python", "-m", "bot"]:
        return command[3:]
    assert command[0] == "complaint-bot", command
    return command[1:]


def test_the_bot_services_are_the_app_instances_the_workers_and_the_migration() -> None:
    assert set(bot_services()) == {"migrate", "app1", "app2", "worker"}


@pytest.mark.parametrize("name", ["migrate", "app1", "app2", "worker"])
def test_each_bot_service_runs_a_command_of_this_cli(name: str) -> None:
    service = bot_services()[name]
    command = service.get("command", image_command())
    arguments = build_parser().parse_args(cli_arguments(command))
    expected = {"migrate": "migrate", "app1": "run", "app2": "run", "worker": "worker"}[name]
    assert arguments.command == expected


@pytest.mark.parametrize("name", ["migrate", "app1", "app2", "worker"])
def test_every_bot_variable_in_compose_is_a_setting_and_parses(name: str) -> None:
    env = environment(bot_services()[name])
    unknown = {key for key in env if key.startswith("BOT_")} - known_variables()
    assert not unknown, f"{name}: not settings: {sorted(unknown)}"
    settings = Settings.from_env(env)
    assert settings.redis_url and settings.database_url.startswith("postgresql+asyncpg://")
    assert not settings.in_process_worker
    assert not settings.sms_stub  # the stub lists every SMS unauthenticated: never in production


def test_the_workers_read_the_same_environment_as_the_app_and_build_the_same_channels() -> None:
    services = bot_services()
    assert environment(services["worker"]) == environment(services["app1"]) == environment(services["app2"])
    with_sms = {**environment(services["worker"]), **SMS_CONFIGURED}
    assert sms_gateway(Settings.from_env(with_sms)) is not None


def test_without_a_gateway_compose_offers_no_sms_and_says_how_to_turn_it_on() -> None:
    settings = Settings.from_env(environment(bot_services()["app1"]))
    assert sms_gateway(settings) is None
    assert "BOT_SMS_API_BASE" in channels_off(settings)["sms"]


def test_every_dependency_is_a_service_and_waits_for_its_health_check_or_completion() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on a missing service {dependency}"
            wanted = condition["condition"]
            if dependency == "migrate":
                assert wanted == "service_completed_successfully"
            else:
                assert wanted == "service_healthy", (name, dependency)
                check = services[dependency].get("healthcheck", {})
                uses_image_check = services[dependency].get("image") == BOT_IMAGE and not check
                assert uses_image_check or (check.get("test") and not check.get("disable")), dependency


def test_long_running_services_have_health_checks_and_the_workers_use_arqs_check() -> None:
    services = compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {})
        if service.get("image") == BOT_IMAGE and name != "worker":
            assert not check, "app instances use the image's HEALTHCHECK (GET /healthz)"
            continue
        if name == "lb":
            continue  # nginx: the apps behind it have theirs
        assert check.get("test") and not check.get("disable"), name
    test = services["worker"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    arguments = build_parser().parse_args(cli_arguments(test[1:]))
    assert (arguments.command, arguments.check) == ("worker", True)
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_apps_and_workers_keep_photos_in_one_place_they_all_reach() -> None:
    """Issue 15: a photo taken in by one app instance, or downloaded by a worker, is served by any
    instance: one volume mounted at ``BOT_MEDIA_DIR`` in each, unless the photos go to an S3 store."""
    services = bot_services()
    for name in ("app1", "app2", "worker"):
        settings = Settings.from_env(environment(services[name]))
        assert settings.media_s3 is None  # the directory unless BOT_MEDIA_STORE=s3 is given
        assert f"media-data:{settings.media_root}" in services[name].get("volumes", []), name
    assert "media-data" in compose()["volumes"]
    with_s3 = {
        **environment(services["app1"]),
        "BOT_MEDIA_STORE": "s3",
        "BOT_S3_ENDPOINT": "http://minio:9000",
        "BOT_S3_BUCKET": "photos",
        "BOT_S3_ACCESS_KEY": "complaint-bot",
        "BOT_S3_SECRET_KEY": "secret",
    }
    assert Settings.from_env(with_s3).media_s3 is not None


def test_the_load_balancer_lets_a_photo_as_large_as_the_app_takes_through() -> None:
    """Customers' phone photos (and agents') reach the app, which checks their size itself; every
    other body stays within the app's 1 MiB."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    largest = load_config(ROOT / "config").channels.max_media_bytes
    for location in ("location = /chat/media {", "location ~ ^/api/conversations/[0-9]+/photos$ {"):
        block = nginx.split(location, 1)[1].split("}", 1)[0]
        megabytes = int(re.search(r"client_max_body_size (\d+)m;", block).group(1))  # type: ignore[union-attr]
        assert megabytes * 1024 * 1024 > largest
    assert re.search(r"^    client_max_body_size 1m;", nginx, re.MULTILINE)


def test_the_load_balancer_caps_one_addresss_connections_above_the_apps_socket_cap() -> None:
    """A slow client cannot take every connection of the load balancer, and the web chat sockets
    the app allows one address still fit under nginx's cap."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^limit_conn_zone \$binary_remote_addr zone=per_address:\d+m;", nginx, re.MULTILINE)
    cap = int(re.search(r"^    limit_conn per_address (\d+);", nginx, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert cap > load_config(ROOT / "config").channels.webchat.sockets_per_address
    assert re.search(r"^    client_body_timeout \d+s;", nginx, re.MULTILINE)
