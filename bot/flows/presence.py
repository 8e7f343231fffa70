"""After the hand-off, whether anyone is there ("有人吗", "人呢"): always answered, in turn the
wait phrase and where the case stands, never the same words twice running."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId
from bot.flows.status import tell_status_of_the_cases, this_case
from bot.flows.turn import Turn


def answered_whether_anyone_is_there(turn: Turn, text: str) -> bool:
    """After the hand-off, while the case waits for a person, the customer asks whether anyone is
    there ("有人吗", "有人吗？？？", "你们是不是都死了": ``form.presence_words``; not a status question,
    which is answered with the status): always the wait phrase, never the silence of the
    ``handoff_ack_after`` throttle; only the same text sent again within
    ``timers.presence_repeat_within`` (a double send) is not answered twice. True if handled."""
    if turn.intents & {Intent.COMPLAINT, Intent.STATUS_QUERY} or not turn.says_any(text, turn.kit.form.presence_words):
        return False
    data = turn.step.data
    said = text.strip()
    last = data.extra.get(_PRESENCE_ASKED)
    answered = PhraseId.PRESENCE_WAIT.value
    if isinstance(last, list) and len(last) >= 2:
        if last[0] == said:
            within = dt.timedelta(seconds=turn.kit.config.timers.presence_repeat_within)
            if turn.now - dt.datetime.fromisoformat(str(last[1])) < within:
                data.extra[_PRESENCE_ASKED] = [said, turn.now.isoformat(), *last[2:]]
                return True
        if last[2:] != [PhraseId.STATUS_ANSWER.value]:
            # "有人吗" then "人呢": the wait phrase gives way to where the case stands (its number,
            # its time), never the same words twice running.
            answered = PhraseId.STATUS_ANSWER.value
    data.extra[_PRESENCE_ASKED] = [said, turn.now.isoformat(), answered]
    if answered == PhraseId.STATUS_ANSWER.value:
        tell_status_of_the_cases(turn, this_case(turn))
    else:
        turn.say(PhraseId.PRESENCE_WAIT)
    return True


_PRESENCE_ASKED = "presence_asked"
"""``FlowData.extra`` key: the last "有人吗" after the hand-off, when it came and what it heard,
[text, ISO time, phrase id]."""
