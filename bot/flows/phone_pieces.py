"""A phone told in pieces, one message each, while it is asked for ("电话是", "一三九", "一二三四",
"五六七八"; "138", "0013", "8000"; a mobile's first two groups "139 1234", then "5678"), or told so
after the hand-off to a case without one, or before any problem once the phone was named ("电话" /
"一三八" / "零零一三" / "八零零零"): the pieces
are held in silence and put together, and once they make a number it is read as if typed whole;
never more of the problem, never a refusal. Nothing
more told for ``timers.phone_pieces_prompt_after``, the rest is asked for, once."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from bot.config import PhraseId
from bot.core.phones import SPOKEN_AS_ASCII, SPOKEN_DIGITS
from bot.flows.appeals import PHONE_ASKS_DONE
from bot.flows.data import TimerKind
from bot.flows.records import State
from bot.flows.turn import Turn
from bot.understanding.phones import begins_a_mobile_in_groups, could_begin_a_number

_PHONE_QUESTIONS = frozenset({State.AWAIT_PHONE, State.CORRECT_PHONE})
_DIGITS = re.compile(rf"[{SPOKEN_DIGITS}\d]+")
_SEPARATORS = re.compile(r"[\W_]+")


def phone_pieces_read(turn: Turn, text: str, locale: str) -> str | None:
    """``None`` when the message is a piece of the phone asked for, held for the next; else the
    text to read: the message, or the pieces told so far put together ("13912345678"), read again
    as one (``turn.understood``) when they make a number or when no more can follow them."""
    data = turn.step.data
    most = turn.kit.form.phone_pieces_most
    understood = turn.understood
    if not most or not _phone_asked(turn, text) or understood is None or understood.slots.phone:
        _forget(turn)
        return text
    within = dt.timedelta(seconds=turn.kit.config.timers.phone_pieces_within)
    if data.phone_pieces_at is not None and turn.now - data.phone_pieces_at > within:
        _forget(turn)  # the last piece long ago: the number starts afresh
    digits = _piece_digits(turn, text)
    held = "".join(data.phone_pieces)
    if digits is None or (not data.phone_pieces and not _a_first_piece(turn, digits)):
        _forget(turn)  # words, or a whole number typed (a wrong one is answered so)
        return text
    if not digits and not data.phone_pieces and (_before_the_problem(turn) or not _names_the_phone(turn, text)):
        return text  # "嗯" alone: no number begun; "电话" first is held as a fragment ("电话" / "打不通")
    pieces = (*data.phone_pieces, digits)
    together = held + digits
    if not could_begin_a_number(together) or len(pieces) > most:
        _forget(turn)
        if not held:
            return text
        # The digits told so far are one attempt at a number: answered as a number that is none.
        turn.understood = turn.kit.understander.understand(together, locale)
        return together
    if digits:
        whole = turn.kit.understander.understand(together, locale)
        if whole.slots.phone:
            _forget(turn)
            turn.understood = whole
            return together
    data.phone_pieces, data.phone_pieces_at = pieces, turn.now
    if not data.phone_pieces_prompted:
        turn.arm(TimerKind.PHONE_PIECES_PROMPT, turn.kit.config.timers.phone_pieces_prompt_after)
    return None


def ask_for_the_rest(turn: Turn) -> None:
    """Pieces held and nothing more told (the ``phone_pieces_prompt`` timer): the rest of the
    number is asked for, once; the pieces are kept for it."""
    data = turn.step.data
    if not data.phone_pieces or data.phone_pieces_prompted or data.phone_pieces_at is None:
        return
    if not _phone_asked(turn, ""):
        return
    if turn.now - data.phone_pieces_at > dt.timedelta(seconds=turn.kit.config.timers.phone_pieces_within):
        return  # too long ago: the next piece starts the number afresh
    data.phone_pieces_prompted = True
    turn.say(PhraseId.PHONE_PIECES_MORE)


def _phone_asked(turn: Turn, text: str) -> bool:
    """The bot's question now is the phone: the form's, a correction's, or the duty supervisor's;
    or a case handed off without one (a person asked for before the phone: "138" / "0013" / "8000"
    is its phone, as typed whole it would be); or, before any problem, the customer named the phone
    first ("电话" / "一三八" / "零零一三" / "八零零零": a phone given first, as "我电话138…" is)."""
    data, state = turn.step.data, turn.step.state
    if state in _PHONE_QUESTIONS:
        return data.case_check is None  # an answer to a case's check is read whole, never a piece
    if _before_the_problem(turn):
        named = (text, *data.fragments) if text else data.fragments
        return bool(data.phone_pieces) or any(_names_the_phone(turn, said) for said in named)
    if state is not State.HANDED_OFF or data.phone:
        return False
    if 0 < data.escalation_phone_asks < PHONE_ASKS_DONE:
        return True
    return (data.case_number or data.appeal_of) is not None and not data.offered


def _before_the_problem(turn: Turn) -> bool:
    """No problem told yet, no phone, no case being checked."""
    data = turn.step.data
    return (
        turn.step.state is State.AWAIT_DESCRIPTION
        and not data.description
        and data.case_check is None
        and not data.phone
    )


def _a_first_piece(turn: Turn, digits: str) -> bool:
    """``digits`` may be the first piece of a number: as many as numbers are grouped when read out
    (``form.phone_first_piece_digits``: "138", "0755", "9123"), or a mobile's first two groups
    ("139 1234", "1391234"); more ("12345") is a number typed whole."""
    return len(digits) <= turn.kit.form.phone_first_piece_digits or begins_a_mobile_in_groups(digits)


def _piece_digits(turn: Turn, text: str) -> str | None:
    """The digits of a message that holds nothing else but words introducing a phone
    (``form.phone_intros``, "我的手机号是"), whose it is (``form.item_owners``), fillers and pauses;
    "" for those words alone ("电话是"); ``None`` for any other message."""
    form = turn.kit.form
    # Not as keywords are matched: that reads a run of one character shorter ("零零零零").
    said = turn.kit.understander.simplified(unicodedata.normalize("NFKC", text)).lower()
    words = (*_phone_words(turn), *form.item_owners, *form.spoken_fillers, *turn.kit.config.classification.fillers)
    said = _SEPARATORS.sub("", _words_around_digits(words).sub(" ", said))
    if _DIGITS.fullmatch(said) is None and said:
        return None
    return said.translate(SPOKEN_AS_ASCII)


@functools.lru_cache(maxsize=8)
def _words_around_digits(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words that may stand beside a phone's digits, longest first, compiled once per
    configuration rather than sorted again for every message while the phone is asked."""
    ordered = sorted({word.lower() for word in words if word}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)) or "(?!)")


def _names_the_phone(turn: Turn, text: str) -> bool:
    """The message introduces a phone ("电话是", "my number is", or "电话" alone, typed before its digits)."""
    return turn.says_any(text, _phone_words(turn))


def _phone_words(turn: Turn) -> tuple[str, ...]:
    """The words introducing a phone (``form.phone_intros``) and those naming it (``correction_fields.phone``:
    "电话", "手机"), which a piece of the number may be told with."""
    named = (word for word in turn.kit.rules.correction_fields.get("phone", []) if not word.isdigit())
    return (*turn.kit.form.phone_intros, *named)


def _forget(turn: Turn) -> None:
    data = turn.step.data
    data.phone_pieces, data.phone_pieces_at, data.phone_pieces_prompted = (), None, False
    turn.cancel(TimerKind.PHONE_PIECES_PROMPT)
