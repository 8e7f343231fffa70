"""What is never a place: words of not knowing ("不知道", "不清楚", "not sure"), of not wanting or
leaving it to us ("随便", "无所谓"), a retort ("你猜"), fillers ("嗯", "那个") and the small words
around them ("我也", "啊", "I'm"). An answer made only of these says nothing of where, on whatever
path it comes (the form's place question, the phone question of the duty supervisor's path, the
place asked after an emergency, a place taken from any message): it is never stored as the place.

The words are the configured lists that already mean so: ``form.no_place_words`` and
``form.no_place_answers`` (no place, not knowing), ``form.shrug_words``, ``form.retort_words``,
``form.phone_given_words`` ("就用这个手机号", "你们有我电话": the phone, not where),
``followups.same_place_words`` ("还是那个地址": an earlier case's place, taken only where one is known),
``form.spoken_fillers``, ``form.pause_fillers``, ``form.words_without_a_problem`` (English words
that say nothing), ``form.forms_of_address`` ("闺女", "师傅": "谢谢 闺女" is thanks, no place), the
words of thanks (the ``thanks`` intent), ``gazetteer.place_fillers`` and
``gazetteer.place_answer_openers``; what is left
once they are taken out must hold a character other than ``gazetteer.address_stop_chars``.
"""

from __future__ import annotations

import re

from bot.config import Intent, ServiceConfig


def nothing_of_a_place(config: ServiceConfig) -> re.Pattern[str] | None:
    """Any of the words that are never a place (lower case, simplified, as messages are
    matched), longest first; Latin words only as whole words ("na" is not in "Nan Fung")."""
    form, gazetteer = config.classification.form, config.gazetteer
    thanks = config.classification.intents.get(Intent.THANKS)
    words = [
        *form.no_place_words,
        *form.no_place_answers,
        *form.shrug_words,
        *form.retort_words,
        *form.spoken_fillers,
        *form.pause_fillers,
        *form.words_without_a_problem,
        *form.forms_of_address,
        *form.phone_given_words,
        *config.followups.same_place_words,
        *(thanks.keywords if thanks is not None else []),
        *gazetteer.place_fillers,
        *gazetteer.place_answer_openers,
    ]
    folded = sorted({word.strip().lower() for word in words if word.strip()}, key=len, reverse=True)
    if not folded:
        return None
    parts = [rf"(?<![a-z0-9']){re.escape(word)}(?![a-z0-9'])" if word.isascii() else re.escape(word) for word in folded]
    return re.compile("|".join(parts))


def says_nothing_of_a_place(pattern: re.Pattern[str] | None, stop_chars: frozenset[str], matchable: str) -> bool:
    """``matchable`` (a message as keywords are matched: folded, simplified) holds nothing of a
    place once the words of ``pattern`` are taken out: no letter or digit left but ``stop_chars``
    ("不知道啊", "我也不清楚", "随便吧", "你猜", "I'm not sure")."""
    left = pattern.sub(" ", matchable) if pattern is not None else matchable
    return not any(char.isalnum() and char not in stop_chars for char in left)
