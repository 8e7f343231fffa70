"""The restatement (问题 / 地点 / 电话 / 称呼) and its answer: confirmed, the promise and the hand-off;
rejected, the corrections."""

from __future__ import annotations

import functools
import re

from bot.config import Intent, PhraseId, Signal
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.appeals import appealed
from bot.flows.asking import ask_correction, ask_current, yes_no_options
from bot.flows.case import (
    ESCALATING_SIGNALS,
    GENERAL_QUEUE,
    SUPERVISOR_QUEUE,
    classify,
    open_ticket,
    priority_of,
    promise,
    record_complaint,
)
from bot.flows.classify import invalid_phone_phrase, normalise
from bot.flows.put_right import (
    denies,
    english_place_put_right,
    last_digit_put_right,
    names_a_fault,
    opens_with_a_place_denial,
    place_part_after_a_denial,
    place_part_put_right,
    place_put_right,
    problem_put_right,
    problem_taken_back,
)
from bot.flows.records import State
from bot.flows.restatement import say_restatement
from bot.flows.slots import (
    CORRECTION_CUES,
    append_description,
    corrected_area,
    description_text,
    ends_as_a_question,
    kept_place,
    named_as_a_place,
    only_a_part,
    place_in_own_words,
    said_without_edges,
)
from bot.flows.summary import pauses
from bot.flows.turn import Turn

_YES_AND_THANKS = frozenset({Intent.YES, Intent.THANKS, Intent.GREETING})
_MOST_WORDS_OF_AN_ANSWER = 4
"""Letters besides the adding words that tell more than an answer ("还有 对的" is one)."""
_LONGEST_NAME = 8
"""Characters of a name told alone at the restatement for the estate a part of a place is in."""
_CORRECT_STATES = {
    "description": State.CORRECT_DESCRIPTION,
    "phone": State.CORRECT_PHONE,
    "area": State.CORRECT_AREA,
}


_ROOM = re.compile(r"(\d{3,4})\s*(\D{0,2})")
"""A room number alone ("302", "1502室"), a word of ``form.room_words`` after it or none."""


def restate(turn: Turn) -> None:
    """The structured summary (问题 / 地点 / 电话 / 称呼) to confirm; never the customer's
    text echoed whole."""
    data = turn.step.data
    if appealed(turn):
        return
    classified = classify(turn, description_text(data))
    data.unclear_confirmations = 0  # a new restatement (a correction, more told): asked afresh
    turn.step.state = State.CONFIRMING
    say_restatement(turn, classified)
    turn.say(PhraseId.CONFIRM_QUESTION, options=yes_no_options(turn))
    turn.audit(TimelineKind.RESTATED, category=classified.category)


def on_confirming(turn: Turn, text: str) -> None:
    intents = turn.intents
    if turn.changed:
        restate(turn)
    elif (Intent.YES in intents and not intents & CORRECTION_CUES) or asks_to_register(turn, text):
        turn.audit(TimelineKind.CONFIRMED)
        _promise_and_hand_off(turn)
    elif (taken_back := problem_taken_back(turn, text)) is not None:
        # "算了 还是电梯的事 电梯坏了": the customer changed their mind back, the problem replaced.
        turn.step.data.description = taken_back
        turn.audit(TimelineKind.CORRECTED, field="description")
        restate(turn)
    elif names_a_fault(turn, text):
        # "问题写得不全 是电梯坏了一个星期了": the problem put right, never the words about it added.
        turn.audit(TimelineKind.RESTATEMENT_REJECTED)
        _correct(turn, text)
    elif _adds_to_the_problem(turn, text):
        append_description(turn, text)
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        restate(turn)
    elif intents & CORRECTION_CUES or (denies(turn, text) and problem_put_right(turn, text, restated=True)):
        # "是的，但是地址不对": a yes with a fault named is a correction; "是楼上的空调 不是对面的" too.
        turn.audit(TimelineKind.RESTATEMENT_REJECTED)
        _correct(turn, text)
    elif _describes_problem(turn):
        append_description(turn, text)
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        restate(turn)
    elif (part_right := place_part_after_a_denial(turn, text)) is not None:
        # "不是 是11期" after 地点：阳光花园10期: the part put right (阳光花园11期), never the denial kept.
        turn.step.data.area = part_right
        turn.audit(TimelineKind.CORRECTED, field="area")
        restate(turn)
    elif (part_right := english_place_put_right(turn, text)) is not None:
        # "no it's 18/F", "wrong floor, 18/F": a floor or flat of the place put right.
        if part_right != turn.step.data.area:
            turn.step.data.area = part_right
            turn.audit(TimelineKind.CORRECTED, field="area")
        restate(turn)
    elif (room := _room_told(turn, text)) is not None:
        # "302" after 地点：阳光花园3栋: the room, kept with the place (阳光花园3栋302室), restated.
        data = turn.step.data
        data.area = f"{data.area}{room}"
        data.area_written = f"{data.area_written}{room}" if data.area_written else None
        turn.audit(TimelineKind.CORRECTED, field="area")
        restate(turn)
    elif (place := _place_told(turn, text)) is not None:
        # "紫郡长安" after 地点：6栋门口: the place put right or completed (紫郡长安6栋门口), restated;
        # "302室" after 阳光花园5栋 completes it (阳光花园5栋302室), "12楼" after …21楼 puts the floor right.
        data = turn.step.data
        if data.area:
            data.area = kept_place(corrected_area(turn.kit, data.area, place))
            turn.audit(TimelineKind.CORRECTED, field="area")
        else:
            data.area = place
            turn.audit(TimelineKind.AREA_RECEIVED)
        restate(turn)
    else:
        _unclear_answer(turn)


def _unclear_answer(turn: Turn) -> None:
    """Neither yes, no nor a correction: the confirmation asked again, at most
    ``form.unclear_confirmations`` times; then the case is registered as restated, unconfirmed, and
    goes to a person who checks it with the customer (seed 000 §四: restate and confirm; a
    customer the bot cannot understand is helped by a person, never asked on forever)."""
    data = turn.step.data
    data.unclear_confirmations += 1
    if data.unclear_confirmations < turn.kit.form.unclear_confirmations:
        # Right after the question: in other words, never the same text twice running.
        again = PhraseId.CONFIRM_QUESTION_AGAIN if data.unclear_confirmations % 2 else PhraseId.CONFIRM_QUESTION
        turn.say(again, options=yes_no_options(turn))
        return
    if appealed(turn):
        return
    turn.audit(TimelineKind.CONFIRMATION_UNCLEAR, answers=data.unclear_confirmations)
    record = record_complaint(turn, confirmed=False)
    turn.say(PhraseId.CONFIRM_UNCLEAR_HANDOFF)
    promise(turn, record)
    queue = SUPERVISOR_QUEUE if set(record.signals) & ESCALATING_SIGNALS else GENERAL_QUEUE
    open_ticket(turn, record, queue, priority_of(turn.kit, record), TicketReason.COMPLAINT)


def _room_told(turn: Turn, text: str) -> str | None:
    """A room number alone answering the restatement ("302", "302室": ``form.room_words``), a place
    restated: the room, as the place will end with it ("302室"); None otherwise."""
    data, form = turn.step.data, turn.kit.form
    if not data.area or turn.changed or turn.understood is None or turn.understood.intents:
        return None
    said = turn.kit.understander.simplified(text).strip()
    room = _ROOM.fullmatch(said)
    if room is None or not form.room_words:
        return None
    number, word = room.group(1), room.group(2)
    if word and word not in form.room_words:
        return None
    if number in data.area:
        return None
    return f"{number}{word or form.room_words[0]}"


def _place_told(turn: Turn, text: str) -> str | None:
    """A place alone answering the restatement: words that end as a place does ("南湖小区"), or,
    when the restated place names only a part of one ("6栋门口"), a short name with nothing else
    in it ("紫郡长安": the estate it is in), or, when no place was given, a short name ending the
    message ("就是你们管的那个 蓝湾半岛"). Never what a message denies ("不是11期")."""
    if opens_with_a_place_denial(turn, text):
        return None
    place = named_as_a_place(turn, text)
    if place is not None:
        return place
    understood, area = turn.understood, turn.step.data.area
    if understood is None or understood.intents or understood.signals or understood.category is not None:
        return None
    if turn.says_any(text, turn.kit.form.story_words):
        return None
    if area is None:
        # "我在外地出差 急用" after 地点：未提供 (a phone bill is asked no place): no place, nor its last words.
        return None if turn.says_any(text, turn.kit.form.no_place_words) else _name_after_chatter(turn, text)
    if not only_a_part(turn.kit, area):
        return None
    said = place_in_own_words(turn, text)
    if said is None or len(said) > _LONGEST_NAME or not all(char.isalnum() for char in said):
        return None
    return said


def _name_after_chatter(turn: Turn, text: str) -> str | None:
    """With 地点：未提供 restated, the place told now: its last pause a short name with no
    character that is never inside a place ("就是你们管的那个 蓝湾半岛" is 蓝湾半岛; "我不明白" is
    none)."""
    said = place_in_own_words(turn, (pauses(text) or [text])[-1])
    if said is None or len(said) > _LONGEST_NAME or not all(char.isalnum() for char in said):
        return None
    stop_chars = set(turn.kit.config.gazetteer.address_stop_chars)
    return None if any(char in stop_chars for char in said) else said


_MOST_LETTERS_BESIDE_REGISTERING = 10
"""Letters a message asking to register the complaint may hold besides ("actually, please register it")."""


def asks_to_register(turn: Turn, text: str) -> bool:
    """Answering the restatement, a message asking that the complaint be registered as it stands
    ("帮我登记吧", "actually, please register it": ``form.register_words``) and telling nothing
    else: no item, no problem, no question, no other wish."""
    words = turn.kit.form.register_words
    understood = turn.understood
    if understood is None or turn.changed or not words or not turn.says_any(text, words):
        return False
    if understood.intents - _YES_AND_THANKS or understood.category is not None or understood.signals:
        return False
    if ends_as_a_question(turn, said_without_edges(text)):
        return False
    left = turn.kit.understander.matchable(text)
    for word in _longest((*words, *turn.kit.rules.fillers)):  # "please", "吧"
        left = left.replace(word.lower(), " ")
    return sum(1 for char in left if char.isalnum()) <= _MOST_LETTERS_BESIDE_REGISTERING


@functools.lru_cache(maxsize=8)
def _longest(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def yes_among_thanks(turn: Turn, text: str) -> bool:
    """Answering the restatement, a yes with thanks in other pauses ("对的对的 谢谢你姑娘", "好的
    谢谢你"): every pause says only yes, thanks or hello, and one says yes."""
    if turn.step.state is not State.CONFIRMING or Intent.YES in turn.intents:
        return False
    read = [turn.read(part).intents for part in pauses(text)]
    return any(Intent.YES in intents for intents in read) and all(
        intents and intents <= _YES_AND_THANKS for intents in read
    )


def on_choose_correction(turn: Turn, text: str) -> None:
    if turn.changed:
        restate(turn)
    elif _correction_field(turn, text) is None and (Intent.YES in turn.intents or asks_to_register(turn, text)):
        turn.audit(TimelineKind.CONFIRMED)
        _promise_and_hand_off(turn)
    else:
        _correct(turn, text)


def _correct(turn: Turn, text: str) -> None:
    """A correction without the new value of a phone, area or name: the place put right when the
    message puts a part of it right ("是地下车库B2层 不是B1"), the problem put right when
    the message puts it right ("不对，是电梯坏了", "是楼上的空调 不是对面的"), the phone's last digit
    when it gives one ("电话最后一位是9", "不对 最后一位是9"), else the item it names is asked for,
    else which item is wrong."""
    field_name = _correction_field(turn, text)
    place_right = None
    if field_name in (None, "area"):
        place_right = (
            english_place_put_right(turn, text) or place_put_right(turn, text) or place_part_put_right(turn, text)
        )
    if place_right is not None:
        if place_right != turn.step.data.area:  # else the place already says what they said is right
            turn.step.data.area = place_right
            turn.audit(TimelineKind.CORRECTED, field="area")
        restate(turn)
        return
    put_right = None
    if field_name in (None, "description"):
        put_right = problem_put_right(turn, text, restated=True)
        if put_right is None and _describes_problem(turn) and not _only_names_an_item(turn, text):
            put_right = [text]  # "我是说电梯坏了": the problem as said now; "the problem" asks for it
    # "不对 最后一位是9" names no item: only the phone has a last digit to put right.
    digit_right = last_digit_put_right(turn, text) if field_name in ("phone", None) else None
    if put_right is not None:
        turn.step.data.description = put_right
        turn.audit(TimelineKind.CORRECTED, field="description")
        restate(turn)
    elif digit_right is not None:
        turn.step.data.phone, turn.step.data.phone_from_channel = digit_right, False
        turn.audit(TimelineKind.CORRECTED, field="phone")
        restate(turn)
    elif field_name is not None:
        turn.step.state = _CORRECT_STATES[field_name]
        ask_current(turn)
    else:
        turn.step.state = State.CHOOSE_CORRECTION
        ask_correction(turn)


def _adds_to_the_problem(turn: Turn, text: str) -> bool:
    """More of the problem, said with a word that adds ("不对 还有小区的路灯也不亮", "补充一下 减速带的
    钉子露出来了"), even after a no; not a question ("还有别的吗")."""
    form = turn.kit.form
    if not turn.says_any(text, form.more_words):
        return False
    if _describes_problem(turn):
        return True
    if turn.intents - {Intent.NO, Intent.YES} or ends_as_a_question(turn, said_without_edges(text)):
        return False
    left = turn.kit.understander.matchable(text)
    for word in sorted(form.more_words, key=len, reverse=True):
        left = left.replace(word.lower(), " ")
    return sum(1 for char in left if char.isalnum()) >= _MOST_WORDS_OF_AN_ANSWER


def _describes_problem(turn: Turn) -> bool:
    """More of the problem told at the restatement: a complaint with its category, or a health
    condition ("我有心脏病": part of the situation, said back with the problem)."""
    understood = turn.understood
    if understood is None:
        return False
    return (Intent.COMPLAINT in understood.intents and understood.category is not None) or (
        Signal.HEALTH in understood.signals and not understood.intents
    )


def _correction_field(turn: Turn, text: str) -> str | None:
    """Which item the customer wants to correct: an exact answer ("2", "电话") first, then
    the earliest keyword in the text outside the pauses that say their item is right ("地址对
    电话错了" names the phone); digits only count as a whole answer."""
    folded = normalise(text)
    fields = turn.kit.rules.correction_fields
    for field_name, keywords in fields.items():
        if folded in (keyword.lower() for keyword in keywords):
            return field_name
    found: list[tuple[int, int, str]] = []
    for number, part in enumerate(pauses(text)):
        folded_part = normalise(part)
        named = [
            (position, field_name)
            for field_name, keywords in fields.items()
            for keyword in keywords
            if not keyword.isdigit() and (position := folded_part.find(keyword.lower())) >= 0
        ]
        if named and _says_it_is_right(turn, part):
            continue
        found.extend((number, position, field_name) for position, field_name in named)
    return min(found)[2] if found else None


def _only_names_an_item(turn: Turn, text: str) -> bool:
    """The message is only an item's name ("问题", "the problem"), answering which is wrong."""
    folded = normalise(text)
    fields = turn.kit.rules.correction_fields.values()
    return any(folded == keyword.lower() for keywords in fields for keyword in keywords)


def _says_it_is_right(turn: Turn, part: str) -> bool:
    """The pause says its item is right ("地址对", "地址没问题"), with no fault in it."""
    if not turn.says_any(part, turn.kit.form.fine_words):
        return False
    return not turn.read(part).intents & CORRECTION_CUES


def on_correct_description(turn: Turn, text: str) -> None:
    if turn.changed and Intent.COMPLAINT not in turn.intents:
        restate(turn)
        return
    if asks_to_register(turn, text):
        # "actually, please register it" asked for the problem again: the problem restated stands.
        turn.audit(TimelineKind.CONFIRMED)
        _promise_and_hand_off(turn)
        return
    turn.step.data.description = problem_put_right(turn, text, restated=True) or [text]
    turn.audit(TimelineKind.CORRECTED, field="description")
    restate(turn)


def on_correct_phone(turn: Turn, text: str) -> None:
    if turn.phone or turn.changed:
        restate(turn)
    else:
        turn.say(invalid_phone_phrase(text))


def on_correct_area(turn: Turn, text: str) -> None:
    place = None if turn.changed or turn.area else place_in_own_words(turn, text)
    if place is not None:
        # "12楼" for 阳光花园5栋21楼: the part at its level put right, the rest kept.
        area = turn.step.data.area
        turn.step.data.area = kept_place(corrected_area(turn.kit, area, place)) if area else place
        turn.audit(TimelineKind.CORRECTED, field="area")
    restate(turn)


def _promise_and_hand_off(turn: Turn) -> None:
    if appealed(turn):
        return
    record = record_complaint(turn, confirmed=True)
    turn.say(PhraseId.CONFIRMED_THANKS)
    promise(turn, record)
    turn.say(PhraseId.HANDOFF_FOLLOW_UP_BY_CHANNEL if record.contact_by_channel else PhraseId.HANDOFF_FOLLOW_UP)
    queue = SUPERVISOR_QUEUE if set(record.signals) & ESCALATING_SIGNALS else GENERAL_QUEUE
    open_ticket(turn, record, queue, priority_of(turn.kit, record), TicketReason.COMPLAINT)
