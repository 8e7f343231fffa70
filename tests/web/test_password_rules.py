"""A new staff password that is easy to guess is refused, saying why: too short, one of the most
common passwords (alone, with digits or symbols around it, or spelt with @ and 0), the account's
username or display name inside, the service's name inside, or only repeats and keyboard,
alphabet or number runs; a phrase of unrelated words is taken."""

from __future__ import annotations

import pytest

from bot.staff.password_rules import (
    CommonPassword,
    PasswordHasName,
    PasswordHasServiceName,
    PasswordPattern,
    PasswordRefused,
    PasswordTooShort,
    check_new_password,
)

NAMES = ("wang.fang", "王芳")
SERVICE = ("阳光物业客服中心", "Sunshine Property Service")


@pytest.mark.parametrize(
    ("password", "refusal"),
    [
        ("short", PasswordTooShort),
        ("password", CommonPassword),
        ("PASSWORD2026!", CommonPassword),
        ("P@ssw0rd", CommonPassword),
        ("ｐａｓｓｗｏｒｄ１２３", CommonPassword),  # full width
        ("woaini1314", CommonPassword),
        ("qq5201314", CommonPassword),
        ("dragon12345678", CommonPassword),
        ("kefu123456", CommonPassword),  # the service's own word
        ("wang.fang2026", PasswordHasName),
        ("Wangfang-in-spring", PasswordHasName),
        ("gnafgnaw!!88", PasswordHasName),  # reversed
        ("我是王芳12345678", PasswordHasName),
        ("阳光物业客服中心2026", PasswordHasServiceName),
        ("sunshine-property-service!", PasswordHasServiceName),
        ("SunshinePropertyService", PasswordHasServiceName),
        ("12345678901234", PasswordPattern),
        ("passwordpassword", PasswordPattern),
        ("zzzzzzzzzzzz", PasswordPattern),
        ("abababababab", PasswordPattern),
        ("fghijklmnop", PasswordPattern),
        ("9876543210987", PasswordPattern),
        ("trewqasdfg456", PasswordPattern),
        ("zaq12wsxcde3", PasswordPattern),
        ("abcde12345aaaa", PasswordPattern),
    ],
)
def test_a_guessable_password_is_refused_with_its_reason(password: str, refusal: type[PasswordRefused]) -> None:
    with pytest.raises(PasswordRefused) as refused:
        check_new_password(password, NAMES, SERVICE)
    assert type(refused.value) is refusal
    assert (
        refused.value.code
        == {
            PasswordTooShort: "string_too_short",
            CommonPassword: "password_common",
            PasswordHasName: "password_has_name",
            PasswordHasServiceName: "password_has_service_name",
            PasswordPattern: "password_pattern",
        }[refusal]
    )


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "lantern-oyster-quietly",
        "x8#kq2!vLm",
        "Tr0ub4dor&3x",
        "雨后的茶园很安静",
        "moon42river",
        "sunshine over the orchard",  # a word of the service's name, not the name
    ],
)
def test_a_password_only_its_owner_knows_is_taken(password: str) -> None:
    assert check_new_password(password, NAMES, SERVICE) == password


def test_a_short_name_inside_a_password_is_no_reason_to_refuse_it() -> None:
    assert check_new_password("a-long-quiet-harbour", ("al", None))
