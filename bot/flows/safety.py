"""The safety advice for danger now, fitting the danger named (``classification.safety_advice``):
said first, again when the danger is told again later, and whenever the customer asks what to do."""

from __future__ import annotations

import datetime as dt

from bot.config import PhraseId, Signal
from bot.flows.over_messages import told_aside
from bot.flows.turn import Turn

_ADVICE = "safety_advice"
"""``FlowData.extra`` key: the advice said for the conversation's danger, for the same danger told again."""
SAID_AT = "safety_said_at"
"""``FlowData.extra`` key: when the safety advice or the care phrase was last said."""


def _named(turn: Turn, text: str) -> PhraseId | None:
    """The advice of the first kind of ``safety_advice`` whose words ``text`` holds, if any."""
    for advice in turn.kit.rules.safety_advice:
        if turn.says_any(text, advice.words):
            return advice.phrase
    return None


def advice_for(turn: Turn, text: str) -> PhraseId:
    """The advice for the danger ``text`` names (the first kind of ``safety_advice`` it names), else
    the one said earlier in the conversation, else the one the problem told so far names ("进不去家"
    before "已经在门口站了半小时了", "我妈在用制氧机" before "停电了"), else the general ``safety_first``."""
    named = _named(turn, text)
    if named is not None:
        return named
    data = turn.step.data
    earlier = data.extra.get(_ADVICE)
    told = " ".join((*data.description, *told_aside(turn)))
    if not isinstance(earlier, str) and told:
        named = _named(turn, told)
        if named is not None:
            return named
    try:
        return PhraseId(earlier) if isinstance(earlier, str) else PhraseId.SAFETY_FIRST
    except ValueError:  # a phrase of an earlier version, gone since
        return PhraseId.SAFETY_FIRST


def say_advice(turn: Turn, text: str) -> None:
    """Say the safety advice fitting the danger ``text`` names, and remember it and when."""
    phrase = advice_for(turn, text)
    turn.say(phrase)
    data = turn.step.data
    data.extra[_ADVICE] = phrase.value
    data.extra[SAID_AT] = turn.now.isoformat()


def kind_said(turn: Turn) -> str | None:
    """The advice said for the conversation's danger (its phrase id), if any: the kind of danger told."""
    said = turn.step.data.extra.get(_ADVICE)
    return said if isinstance(said, str) else None


def advice_said_since(turn: Turn, first: int) -> bool:
    """Whether the replies from ``first`` on hold the advice for the conversation's danger, or that the
    customer is safe now."""
    said = {kind_said(turn), PhraseId.SAFE_NOW_NOTED.value}
    return any(reply.phrase_id in said for reply in turn.step.replies[first:])


def names_another_danger(turn: Turn, text: str) -> bool:
    """After the advice for one kind of danger, ``text`` names another ("it's all over the floor near
    the sockets" after the water's): its own advice is due at once."""
    said = turn.step.data.extra.get(_ADVICE)
    named = _named(turn, text)
    return isinstance(said, str) and named is not None and named.value != said


def asks_what_to_do(turn: Turn, text: str) -> bool:
    """The customer asks what to do ("what should i do", "怎么办啊", "點算": ``form.safety_questions``)."""
    return turn.says_any(text, turn.kit.form.safety_questions)


def say_again_when_due(turn: Turn, text: str, again_after: dt.timedelta) -> bool:
    """Whether the advice is due: never said yet, said at least ``again_after`` ago, or asked for."""
    last = turn.step.data.extra.get(SAID_AT)
    since = turn.now - dt.datetime.fromisoformat(last) if isinstance(last, str) else None
    return since is None or since >= again_after or asks_what_to_do(turn, text)


def says_safe_now(turn: Turn, text: str) -> bool:
    """After the safety advice, the customer says they are safe now ("我已经出来了", "I'm out":
    ``form.safe_now_words``), not asking what to do, nor in the message the advice answers ("水管爆了
    水漫出来了": the water is out, not the customer)."""
    said = turn.step.data.extra.get(_ADVICE)
    if not isinstance(said, str) or asks_what_to_do(turn, text):
        return False
    if any(reply.phrase_id == said for reply in turn.step.replies):
        return False
    return turn.says_any(text, turn.kit.form.safe_now_words)


def acknowledged_safe_now(turn: Turn, text: str) -> bool:
    """The customer safe now after the advice: acknowledged (``safe_now_noted``) rather than told
    the same advice again. True if so (the caller then asks what is still missing)."""
    if not says_safe_now(turn, text):
        return False
    turn.say(PhraseId.SAFE_NOW_NOTED)
    return True


def asked_in_an_emergency(turn: Turn) -> bool:
    """Asked what to do, with no phone nor place given, in a conversation in danger now (danger told
    again is escalated before this): the advice for its danger again. True if so (the caller then
    asks what is still missing)."""
    understood = turn.understood
    data = turn.step.data
    if understood is None or Signal.DANGER not in data.signals:
        return False
    if turn.phone or turn.area or not asks_what_to_do(turn, understood.text):
        return False
    say_advice(turn, understood.text)
    return True
