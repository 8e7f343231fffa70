"""Staff usernames and display names that cannot pass for a colleague's: what a new one may hold,
what sign-in compares them by, and when two look alike.

Scripts come from Unicode's data as confusable-homoglyphs ships it (already the agent guard's
source of lookalike letters): a name's letters are of one script, or Latin with Han (a Chinese
name beside pinyin), never Cyrillic "а" among Latin letters. Lookalikes are told apart by a
skeleton in the manner of UTS #39: each letter drawn like a plain ASCII letter or a Han character
read as that one ("асе" in Cyrillic is "ace"), then the ASCII prototypes Unicode lists ("I" and
"1" are "l", "0" is "O", "m" is "rn"), width and case set aside.
"""

from __future__ import annotations

import string
import unicodedata

from confusable_homoglyphs.categories import alias as script_of
from confusable_homoglyphs.confusables import confusables_data

from bot.understanding.guard import lookalike_letters

USERNAME_MAX_CHARS = 64
"""What ``users.username`` holds."""

USERNAME_PUNCTUATION = "._-"
"""Besides letters and digits, what a new username may hold."""

_ONE_SCRIPT_WITH_HAN = frozenset({"LATIN", "HAN"})
"""The only mix of scripts a name may have: no letter of one is drawn like a letter of the other."""


def username_key(username: str) -> str:
    """What usernames are compared by: NFKC-normalised and case-folded, so "ａ１" (full width),
    "A1" and "a1" are one name (Unicode's NFKC_Casefold)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username.strip()).casefold())


class InvisibleCharacters(ValueError):
    """A name holding format characters (Unicode category Cf): zero-width spaces, soft hyphens,
    direction controls. Unseen on a screen, they make "manager\u200b" pass for "manager", and a
    right-to-left override shows "\u202eregnam" as "manager"."""

    def __init__(self, what: str, found: list[str]) -> None:
        self.found = found
        codes = ", ".join(f"U+{ord(char):04X}" for char in found)
        super().__init__(
            f"the {what} must not contain invisible or text-direction characters ({codes}): type it again without them"
        )


def _format_characters(name: str) -> list[str]:
    return sorted({char for char in name if unicodedata.category(char) == "Cf"})


def check_visible(what: str, name: str) -> None:
    """InvisibleCharacters when ``name`` (``what`` it is, for the message) holds a format
    character (Cf): a bidi control, a zero-width space or joiner, a soft hyphen."""
    found = _format_characters(name)
    if found:
        raise InvisibleCharacters(what, found)


class MixedScripts(ValueError):
    """A name with letters of scripts that are not written together (Latin with Cyrillic)."""

    def __init__(self, what: str, name: str, scripts: list[str]) -> None:
        self.scripts = scripts
        super().__init__(
            f"the {what} {name!r} mixes letters of {' and '.join(s.title() for s in scripts)}, which look alike:"
            " use the letters of one script"
        )


def _scripts(name: str) -> list[str]:
    """The scripts of the letters in ``name`` (sorted), digits and punctuation aside."""
    return sorted({script_of(char) for char in name if unicodedata.category(char).startswith("L")} - {"COMMON"})


def check_scripts(what: str, name: str) -> None:
    """MixedScripts when the letters of ``name`` (``what`` it is, for the message) are of more
    than one script, Latin with Han excepted."""
    scripts = _scripts(name)
    if len(scripts) > 1 and not set(scripts) <= _ONE_SCRIPT_WITH_HAN:
        raise MixedScripts(what, name, scripts)


def check_username(username: str) -> str:
    """A new username as stored: without surrounding space, NFKC-normalised ("ａｄｍｉｎ" is
    "admin"). ValueError when it is empty, longer than :data:`USERNAME_MAX_CHARS`, has a space or
    a control character inside (a name typed at the sign-in form must be the stored one), holds
    anything but letters, digits 0-9 and ``. _ -``, or (:class:`MixedScripts`) mixes scripts;
    :class:`InvisibleCharacters` (checked first) when it holds a format character.

    Accounts made before these rules keep their names and sign in with them: only new names are
    checked."""
    check_visible("username", username)
    name = unicodedata.normalize("NFKC", username.strip())
    if not name:
        raise ValueError("the username must not be empty")
    if len(name) > USERNAME_MAX_CHARS:
        raise ValueError(f"the username must have at most {USERNAME_MAX_CHARS} characters")
    if any(char.isspace() or not char.isprintable() for char in name):
        raise ValueError("the username must not contain spaces or control characters")
    if not all(_allowed(char) for char in name):
        raise ValueError("the username may hold only letters, digits 0-9 and . _ -")
    check_scripts("username", name)
    return name


def _allowed(char: str) -> bool:
    # Modifier letters (Lm: ー, ʰ) are drawn like punctuation or other letters' marks.
    category = unicodedata.category(char)
    return (category.startswith("L") and category != "Lm") or char in string.digits or char in USERNAME_PUNCTUATION


def _ascii_prototypes() -> dict[int, str]:
    """Unicode's prototypes among ASCII itself: "I" and "1" as "l", "0" as "O", "m" as "rn"."""
    table: dict[int, str] = {}
    for char in string.ascii_letters + string.digits:
        members = [entry["c"] for entry in confusables_data.get(char, [])]
        if len(members) == 1 and members[0].isascii() and members[0].isalnum():
            table[ord(char)] = members[0]
    return table


_ASCII_PROTOTYPES = _ascii_prototypes()
_LOOKALIKE_LETTERS = lookalike_letters()


def lookalike_key(name: str) -> str:
    """A skeleton of ``name``: two names with the same one look alike on a screen ("асе" in
    Cyrillic and "ace", "agentI" and "agent1" and "agentl", "admin" and "adrnin"), whatever
    their width and case, and whatever invisible format characters they hold ("man\u00adager" is
    "manager"). Spaces are kept; for comparing, not for storing."""
    visible = "".join(char for char in name if unicodedata.category(char) != "Cf")
    letters = unicodedata.normalize("NFKC", visible.strip()).translate(_LOOKALIKE_LETTERS)
    return letters.translate(_ASCII_PROTOTYPES).casefold().translate(_ASCII_PROTOTYPES)
