"""The BOT_* environment, typed by pydantic-settings: a wrong value stops every command with the
variable's name, and check-config validates the environment as well as config/."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.environment import BadEnvironment, Environment
from bot.settings import PasswordCost, Settings


def test_values_are_typed_and_empty_variables_count_as_unset() -> None:
    settings = Settings.from_env(
        {"BOT_PORT": "9000", "BOT_LOG_JSON": "Yes", "BOT_AUTO_MIGRATE": "off", "BOT_LOCK_TTL": "", "HOME": "/root"}
    )
    assert (settings.port, settings.log_json, settings.auto_migrate, settings.lock_ttl) == (9000, True, False, 5.0)
    assert settings.auth.trusted_proxies == ()
    assert settings.auth.widget_origins == ()  # issue 15: the widget is off unless origins are named
    shops = Settings.from_env({"BOT_WIDGET_ORIGINS": "https://Shop.example.com, http://127.0.0.1:8000"})
    assert shops.auth.widget_origins == ("https://shop.example.com", "http://127.0.0.1:8000")


def test_every_wrong_variable_is_named_with_what_is_wrong() -> None:
    with pytest.raises(BadEnvironment) as raised:
        Settings.from_env({"BOT_PORT": "eighty", "BOT_LOGIN_WINDOW": "-5", "BOT_SMS_STUB": "maybe"})
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("BOT_PORT: Input should be a valid integer") and lines[0].endswith("(got 'eighty')")
    assert lines[1] == "BOT_SMS_STUB: Input should be a valid boolean, unable to interpret input (got 'maybe')"
    assert lines[2] == "BOT_LOGIN_WINDOW: Input should be greater than 0 (got '-5')"


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"BOT_SMS_FROM": "10690000"}, "SMS channel half configured: set BOT_SMS_ACCOUNT_SID"),
        ({"BOT_TELEGRAM_TOKEN": "1:x"}, "Telegram half configured: set BOT_TELEGRAM_SECRET"),
        ({"BOT_WECHAT_APPID": "wx1"}, "WeChat half configured: set BOT_WECHAT_TOKEN, BOT_WECHAT_SECRET"),
        ({"BOT_TRUSTED_PROXIES": "10.0.0.0/8, 10.0.0.0/33"}, "BOT_TRUSTED_PROXIES: '10.0.0.0/33' does not appear"),
        ({"BOT_WIDGET_ORIGINS": "https://shop.example.com/"}, "BOT_WIDGET_ORIGINS: 'https://shop.example.com/' is not"),
        ({"BOT_IPV6_LIMIT_PREFIX": "16"}, "BOT_IPV6_LIMIT_PREFIX: Input should be greater than or equal to 32"),
    ],
)
def test_settings_that_only_work_together_or_in_a_form_are_checked(given: dict[str, str], named: str) -> None:
    with pytest.raises(BadEnvironment, match=named.replace("(", r"\(")):
        Settings.from_env(given)


def test_the_process_environment_is_read_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_PORT", "8123")
    assert Settings.from_env().port == 8123
    assert "BOT_PORT" in Environment.variables() and "BOT_LLM_RESPONSE_FORMAT" in Environment.variables()


def test_check_config_refuses_a_wrong_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_JOB_TIMEOUT", "soon")
    assert main(["check-config"]) == 2
    assert "BOT_JOB_TIMEOUT: Input should be a valid number" in capsys.readouterr().err

    monkeypatch.delenv("BOT_JOB_TIMEOUT")
    assert main(["check-config"]) == 0
    said = capsys.readouterr().out
    assert "environment ok" in said
    assert "calendar: public holidays from chinese-calendar" in said  # and the years it knows


def test_the_cost_of_password_hashing_comes_from_the_environment() -> None:
    assert Settings.from_env({}).password_cost == PasswordCost(time_cost=3, memory_kib=65536, parallelism=4)
    given = {"BOT_PASSWORD_TIME_COST": "2", "BOT_PASSWORD_MEMORY_KIB": "19456", "BOT_PASSWORD_PARALLELISM": "1"}
    assert Settings.from_env(given).password_cost == PasswordCost(time_cost=2, memory_kib=19456, parallelism=1)


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"BOT_PASSWORD_TIME_COST": "0"}, "BOT_PASSWORD_TIME_COST: Input should be greater than or equal to 1"),
        ({"BOT_PASSWORD_PARALLELISM": "0"}, "BOT_PASSWORD_PARALLELISM: Input should be greater than or equal to 1"),
        ({"BOT_PASSWORD_MEMORY_KIB": "4"}, "BOT_PASSWORD_MEMORY_KIB: Input should be greater than or equal to 8"),
        (
            {"BOT_PASSWORD_MEMORY_KIB": "64", "BOT_PASSWORD_PARALLELISM": "16"},
            "BOT_PASSWORD_MEMORY_KIB (64) must be at least 8 per lane of BOT_PASSWORD_PARALLELISM (16): 128 or more",
        ),
    ],
)
def test_a_password_cost_argon2_cannot_use_is_refused_by_name(given: dict[str, str], named: str) -> None:
    with pytest.raises(BadEnvironment) as raised:
        Settings.from_env(given)
    assert named in str(raised.value)
