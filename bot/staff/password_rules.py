"""What a new staff password may not be: too short, one of the most common passwords (or one with
digits and symbols around it, or written with @ for a and 0 for o), the account's username or
display name inside, the service's own name inside (``service.yaml`` ``organisation``, in any of
its languages: the first word a colleague or an outsider tries), or nothing but repeats and
keyboard, alphabet or number runs.

The common passwords are a list shipped beside this module (``common_passwords.txt``, its
sources in its header). zxcvbn, which estimates a password's strength, was weighed and not taken:
its Python port went five years without a release before 4.5.0 (2025), its cost grows faster than
the length of the password (it is told to truncate), and its dictionaries are English ones that
know neither pinyin nor the passwords of the Chinese leaks; the few rules here say what staff
should change, in their language, which a score does not.

Every refusal is a :class:`PasswordRefused` with a ``code`` the consoles say in the staff
member's language (``bot/web/static/staff.js``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from importlib import resources

from bot.config import ServiceConfig

PASSWORD_MIN_CHARS = 8

_NAME_SEPARATORS = str.maketrans("", "", "._- ")
_SPELLED_WITH = ("@4$5301!7", "aassoelit"), ("@4$5301!7", "aassoeiit")
"""Letters written as digits and symbols ("p@ssw0rd"); 1 and ! may stand for l or i."""

_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
    "`1234567890-=",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]",
)
"""Sequences typed without thinking: the alphabet and the digits (going round: "7890123"), the
rows and columns of a keyboard ("1qaz2wsx"); in either direction."""

_CYCLIC = frozenset({"abcdefghijklmnopqrstuvwxyz", "0123456789"})


class PasswordRefused(ValueError):
    """A new password that may not be chosen; ``code`` says why (for the consoles)."""

    code = "password_refused"


class PasswordTooShort(PasswordRefused):
    """A new password shorter than :data:`PASSWORD_MIN_CHARS`."""

    code = "string_too_short"


class CommonPassword(PasswordRefused):
    code = "password_common"


class PasswordHasName(PasswordRefused):
    code = "password_has_name"


class PasswordHasServiceName(PasswordRefused):
    code = "password_has_service_name"


class PasswordPattern(PasswordRefused):
    code = "password_pattern"


def service_names(config: ServiceConfig) -> tuple[str, ...]:
    """The names the service goes by, which no staff password may hold: its organisation's, in
    every language it is configured in."""
    organisation = config.service.organisation
    return (organisation.zh_cn, organisation.en)


def check_new_password(password: str, names: Iterable[str | None] = (), service: Iterable[str] = ()) -> str:
    """The password, when it may be chosen now for the account with these ``names`` (its username,
    its display name) at the service with these names (:func:`service_names`); else
    PasswordRefused, the first reason in the order of the module's doc."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise PasswordTooShort(f"the password must have at least {PASSWORD_MIN_CHARS} characters")
    folded = _fold(password)
    spellings = {folded, *(folded.translate(str.maketrans(*spelled)) for spelled in _SPELLED_WITH)}
    if any(_is_common(spelling) for spelling in spellings):
        raise CommonPassword(
            "the password is one of the most common passwords: choose a phrase of a few unrelated words"
        )
    bare = {spelling.translate(_NAME_SEPARATORS) for spelling in spellings}
    for name in names:
        if _holds(bare, name or "", backwards=True):
            raise PasswordHasName("the password contains the username or the display name: choose one without them")
    for name in service:
        if _holds(bare, name, backwards=False):
            raise PasswordHasServiceName("the password contains the service's name: choose one without it")
    if _only_repeats_and_runs(folded):
        raise PasswordPattern(
            "the password is only a repeated character, a repeated part or a keyboard, alphabet or number"
            " sequence: choose a phrase of a few unrelated words"
        )
    return password


def _holds(spellings: set[str], name: str, *, backwards: bool) -> bool:
    """Whether one of the password's ``spellings`` (folded, without separators) holds ``name``
    (or, ``backwards``, its letters reversed); a name shorter than 3 letters (2 Chinese characters)
    is too common a piece to refuse."""
    key = _fold(name).translate(_NAME_SEPARATORS)
    if len(key) < (3 if key.isascii() else 2):
        return False
    return any(key in spelling or (backwards and key[::-1] in spelling) for spelling in spellings)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text.strip()).casefold())


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, folded."""
    text = resources.files("bot.staff").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(_fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_common(folded: str) -> bool:
    """One of the common passwords, alone or with digits and symbols before or after it."""
    listed = common_passwords()
    if folded in listed:
        return True
    core = folded.strip("0123456789" + "".join(chr(c) for c in range(0x21, 0x80) if not chr(c).isalnum()))
    return len(core) >= 4 and core in listed


def _successors() -> list[dict[str, str]]:
    """For each sequence and direction, what follows each character in it."""
    following: list[dict[str, str]] = []
    for run in _RUNS:
        for ordered in (run, run[::-1]):
            pairs = zip(ordered, ordered[1:] + (ordered[0] if run in _CYCLIC else ""), strict=False)
            following.append(dict(pairs))
    return following


_SUCCESSORS = _successors()
_SHORTEST_PIECE = 3


def _only_repeats_and_runs(folded: str) -> bool:
    """Whether the password is a part repeated ("passwordpassword", "abcabcabc"), at most two
    characters ("aaaaaaaa", "abababab"), or pieces of at least three characters each of which is
    one character repeated or a run of a sequence ("12345678901234", "abcd1234", "1qaz2wsx")."""
    if len(set(folded)) <= 2:
        return True
    length = len(folded)
    if any(folded == (folded[:size] * (length // size + 1))[:length] for size in range(1, length // 2 + 1)):
        return True
    # ends[i]: the text from i on splits into such pieces
    ends = [False] * len(folded) + [True]
    for start in range(len(folded) - 1, -1, -1):
        ends[start] = any(ends[end] for end in _piece_ends(folded, start))
    return ends[0]


def _piece_ends(text: str, start: int) -> set[int]:
    """Where a piece of a repeated character or of a sequence's run starting at ``start`` may end."""
    found: set[int] = set()
    for follows in [None, *_SUCCESSORS]:
        end = start + 1
        while end < len(text) and (
            text[end] == text[end - 1] if follows is None else follows.get(text[end - 1]) == text[end]
        ):
            end += 1
            if end - start >= _SHORTEST_PIECE:
                found.add(end)
    return found
