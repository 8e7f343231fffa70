"""Collecting the complaint form: the description, then the phone, then the area, each asked for
while missing; the restatement when nothing is."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from bot.config import Intent, PhraseId, Signal
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.appeals import appealed
from bot.flows.asking import invite, last_phone_question, phone_question, said_as_last
from bot.flows.case import GENERAL_QUEUE, open_ticket, said_with_extension
from bot.flows.classify import invalid_phone_phrase, looks_like_phone_attempt
from bot.flows.confirmation import restate
from bot.flows.data import PLACE_ASKS_DONE, FlowData, TimerKind
from bot.flows.fragments import is_fragment, join_to_description, told_already
from bot.flows.greeting import greet, more_than_a_hello
from bot.flows.noise import only_noise
from bot.flows.place_half_known import place_beside_not_knowing
from bot.flows.place_words import LONGEST_PLACE_ANSWER, PLACE_ANSWER_EDGES, answer_without_punctuation
from bot.flows.put_right import denies_only, problem_put_right, puts_itself_right, what_is_right
from bot.flows.records import State
from bot.flows.said_again import said_again_once_too_often
from bot.flows.side_answers import answer_small_talk, open_consultation
from bot.flows.slots import (
    CORRECTION_CUES,
    append_description,
    ends_as_a_question,
    needs_its_estate,
    needs_no_place,
    only_a_part,
    only_a_place_lead_in,
    only_names_a_complaint,
    place_as_written,
    place_in_own_words,
    said_without_edges,
    says_no_problem,
    spot_as_asked,
    told_as_a_place,
    within_place,
)
from bot.flows.small_talk import MOST_SMALL_TALK_LEFT, only_small_talk
from bot.flows.summary import pauses
from bot.flows.turn import Turn

_ONLY_AGREEING = frozenset({Intent.YES, Intent.THANKS, Intent.GREETING})
_REFUSING = frozenset({Intent.NO, Intent.REFUSE_CONTACT})
_ONLY_ANSWERING = frozenset({Intent.YES, Intent.NO, Intent.THANKS})
_POLITENESS = frozenset({Intent.APOLOGY, Intent.THANKS, Intent.GREETING})
_PUNCTUATION = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_VAGUE_MAX_CHARS = 8
_WORDS_AROUND_A_PHONE = 4
_WORDS_AROUND_A_PLACE = 4


def on_new(turn: Turn, text: str) -> None:
    greet(turn)
    turn.step.state = State.AWAIT_DESCRIPTION
    if Intent.GREETING in turn.intents and Intent.COMPLAINT not in turn.intents and not more_than_a_hello(turn, text):
        return
    if turn.step.replies and turn.step.replies[-1].phrase_id == PhraseId.INVITE_COMPLAINT:
        turn.step.replies.pop()  # the invitation: the customer already told us
    on_description(turn, text)


_LOOKUP_ASKED = "lookup_contact_asked"
"""``FlowData.extra`` key: the contact to look an earlier case up by was just asked for."""
_ABOUT_A_CASE = frozenset({Intent.COMPLAINT, Intent.STATUS_QUERY})


def _says_which_case(turn: Turn, text: str) -> bool:
    """Asked for an earlier case's number or phone, the answer only says what that case was about
    (``form.which_matter_words``: "就是电梯的事") or tells nothing of a problem ("不知道编号"): no signal,
    no intent but a complaint's or a status question's."""
    understood = turn.understood
    if understood is None or understood.signals or not understood.intents <= _ABOUT_A_CASE:
        return False
    if understood.category is None and Intent.COMPLAINT not in understood.intents:
        return True
    if turn.says_any(text, turn.kit.form.which_matter_words):
        return True
    # "我早上投诉的电梯": the earlier report named by what it was about, no problem told of it now.
    complaint = turn.kit.rules.complaint
    return turn.says_any(text, complaint.earlier_report_words) and not turn.says_any(
        text, (*complaint.problem_words, *complaint.symptom_words)
    )


def _goes_on_with_the_question(turn: Turn) -> bool:
    """After where an earlier report stands was asked (and nothing of it found here), a complaint
    that names nothing of its own ("说好今天上午来的 等了一上午了": no category) tells more of it: the
    question is the start of the problem."""
    understood = turn.understood
    fallback = turn.kit.rules.fallback_category
    return understood is not None and understood.category in (None, fallback)


def on_description(turn: Turn, text: str) -> None:
    data = turn.step.data
    if data.consultation is not None:
        asked = data.extra.pop(_LOOKUP_ASKED, None) is True
        if turn.phone and Intent.COMPLAINT not in turn.intents:
            data.phone = turn.phone
            open_consultation(turn)
            return
        if data.phone and Intent.COMPLAINT not in turn.intents:
            # "不记得编号了", "我当时留的电话就是这个号": the channel's number (SMS) is the contact.
            open_consultation(turn)
            return
        if not turn.phone and _says_which_case(turn, text):
            # "就是电梯的事", "不知道编号": which earlier case, or its number not known; looked up by the
            # contact left then, asked for now.
            turn.say(PhraseId.ASK_PHONE if asked else PhraseId.QUESTION_LATER)  # never the same words twice running
            if not asked:
                data.extra[_LOOKUP_ASKED] = True
            return
        if not data.description and _goes_on_with_the_question(turn):
            append_description(turn, data.consultation)  # "维修师傅到底几点来？我昨天就报修了", then the wait
        data.consultation = None  # the customer moved on; the question is on the timeline
    if turn.changed and turn.intents & CORRECTION_CUES and Intent.COMPLAINT not in turn.intents:
        # "不对是138…" after "我电话138…": the phone put right, no word of the problem.
        if not data.description:
            invite(turn)
        else:
            _ask_next_missing(turn)
        return
    told = turn.kit.summary.without_greeting(text)
    if _cannot_type(turn, told):
        offer_call_back(turn)  # "我不会打字 能发语音吗": a person calls back, nothing recorded
        return
    answers_only = bool(turn.intents) and turn.intents <= _ONLY_ANSWERING  # "好的" before any problem
    nothing = answers_only or says_no_problem(turn, told) or _nothing_to_record(turn, told)
    if _not_the_problem(turn, told) or _only_digits(turn, told):
        # "就是那个", "我是老人", "看图啊": about the customer or the chat, never recorded as the problem;
        # "1111" (digits left over from a check of a case's phone, or typed alone) says nothing either.
        if data.description:
            _ask_next_missing(turn)
        else:
            invite(turn)
        return
    if not data.description and nothing:
        # "我电话139…", "气死我了", "👍": the problem is still to hear.
        invite(turn)
        return
    if not data.description and only_small_talk(turn, told):
        # "test", "物业吗", "你这个机器人听得懂人话吗", "是XX物业客服吗", "你叫什么名字": who we are said when
        # asked, and the problem still to hear.
        answer_small_talk(turn, told)
        return
    if not data.description and only_names_a_complaint(turn, text):
        turn.say(PhraseId.ASK_DETAILS)  # "我要投诉": listen first
        return
    put_right = problem_put_right(turn, text, restated=False) if puts_itself_right(turn, text) else None
    if put_right is not None:
        data.description = put_right  # "停水了 哦不对 是停电了": what the customer meant, 停电了
    else:
        append_description(turn, text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
    vague = len(data.description) == 1 and _too_vague(turn, text)
    # "你们根本不管" beside an open case complains of its handling: an appeal of it, nothing more to ask.
    if vague and not turn.says_any(text, turn.kit.form.mishandling_words):
        turn.say(PhraseId.ASK_DETAILS)  # "你们服务太差了": recorded, and what happened is asked once
        return
    if appealed(turn):
        return
    if vague:
        turn.say(PhraseId.ASK_DETAILS)
        return
    if not (data.phone or data.contact_by_channel) or not (data.area or _followed_place(data)):
        turn.say(PhraseId.DESCRIPTION_RECORDED)
        data.recorded_at = turn.now
    _ask_next_missing(turn)


def on_phone(turn: Turn, text: str) -> None:
    data = turn.step.data
    _keep_their_health_beside_an_item(turn, text)
    offered = data.call_back_offered and not data.description
    if not turn.phone and offered and (_cannot_type(turn, text) or _not_the_problem(turn, text)):
        # The call back offered: only the phone is asked for, never the same words twice running.
        data.phone_asks += 1
        turn.say(PhraseId.OFFER_CALL_BACK if data.phone_asks % 2 else PhraseId.ASK_PHONE_AGAIN)
        return
    if turn.phone and offered:
        promise_call_back(turn)  # the phone for the call back: a person calls and hears the problem
        return
    if not turn.phone and _cannot_type(turn, text):
        offer_call_back(turn)
        return
    if not turn.phone and _not_the_problem(turn, text):
        _ask_next_missing(turn, evaded=True)  # "我是老人": no more of the problem, the question again
        return
    if not turn.phone and _refuses_in_other_words(turn, text):
        _ask_next_missing(turn)  # "我没有手机", "无所谓 你们自己看着办": an answer, not more of the problem
    elif turn.phone or turn.refused:
        _ask_next_missing(turn)  # the phone kept, or asked once more, or not again
    elif _says_early_there_is_no_place(turn, text):
        turn.step.data.place_asks = PLACE_ASKS_DONE  # "没有地址 就是小区里": not asked for later
        _ask_next_missing(turn)
    elif looks_like_phone_attempt(text, turn.kit.form.phone_intros) and "area" not in turn.changed:
        turn.say(invalid_phone_phrase(text))  # not "3-2-1201": a flat, the place, however many digits
    elif _about_the_phone(turn, text):
        _ask_next_missing(turn, evaded=True)  # "你们系统查一下我的号码": no problem told, no place
    elif not turn.step.data.area and (
        # "住喺將軍澳 唔記得幾座" is 將軍澳, never the whole message ending as a place does.
        place := place_beside_not_knowing(turn, text) or told_as_a_place(turn, text) or _estate_named_alone(turn, text)
    ):
        # "南湖小区" while the phone is asked (after a number that was none): where, kept; the
        # phone asked again, never heard out in silence as more of the problem. Reassured once,
        # the customer answering with the place has moved on: that declines the phone.
        data = turn.step.data
        data.area = place
        turn.changed.add("area")
        turn.audit(TimelineKind.AREA_RECEIVED)
        if data.phone_refusals:
            _count_refusal(turn, data.phone_refusals + 1)
        _place_noted_then_next(turn)
    elif (estate := _estate_of_the_building(turn, text)) is not None:
        # "锦绣江南" after "5栋的路灯坏了": the estate of the building told, never the problem's words.
        data = turn.step.data
        data.area = within_place(turn.kit, data.area or "", estate)
        data.estate_asked = True
        turn.changed.add("area")
        turn.audit(TimelineKind.AREA_RECEIVED)
        _place_noted_then_next(turn)
    elif not turn.step.data.area and (place := _place_said_right(turn, text)) is not None:
        # "哦不对 是东门那边" after "小区门口垃圾…": where it is put right, the place, never the problem.
        data = turn.step.data
        data.area = place
        turn.changed.add("area")
        turn.audit(TimelineKind.AREA_RECEIVED)
        _place_noted_then_next(turn)
    elif turn.changed and (Intent.COMPLAINT not in turn.intents or _only_where(turn, text)):
        # Another item given or corrected ("在锦绣家园北门停车场"): the phone is still missing.
        _place_noted_then_next(turn)
    elif Intent.YES in turn.intents and turn.intents <= _ONLY_AGREEING:
        if last_phone_question(turn) is not PhraseId.ASK_PHONE_NUMBER:
            # "对", "好的", "嗯" to "请您留下…电话号码，好吗？": they will give it. The number itself is
            # asked for, once, and that is no ask unanswered: it never ends the asking.
            turn.say(said_as_last(turn, PhraseId.ASK_PHONE_NUMBER))
        else:
            # Agreeing again, still no number: nothing to record, asked again, not reassured again.
            _ask_next_missing(turn, agreed=True, evaded=True)
    elif _nothing_to_record(turn, text):
        _ask_next_missing(turn, evaded=True)  # "你们这群废物", "😡": empathy first (the engine), nothing to record
    else:
        _more_of_the_problem(turn, text)


def on_area(turn: Turn, text: str) -> None:
    data = turn.step.data
    _keep_their_health_beside_an_item(turn, text)
    turn.cancel(TimerKind.PLACE_PIECES_PROMPT)
    if not data.area and not turn.changed and only_a_place_lead_in(turn, text):
        # "地址是", "住在": the place is typed next, heard out in silence; asked for after a few seconds.
        turn.arm(TimerKind.PLACE_PIECES_PROMPT, turn.kit.config.timers.phone_pieces_prompt_after)
        return
    if _will_change_the_phone(turn, text):
        return
    if not data.area and not turn.changed and told_already(data.description, text):
        # The problem sent again ("樓下餐廳油煙好大…" a second time): a repeat, never where it is.
        turn.say(PhraseId.ASK_AREA_AGAIN)
        return
    if not turn.changed and _cannot_type(turn, text):
        # Not made to type the address: the person who calls back asks where.
        data.place_asks = PLACE_ASKS_DONE
        data.call_back_offered = True
    elif not turn.changed and _not_the_problem(turn, text):
        data.place_asks += 1  # "我是老人": no place, nothing recorded; asked again with the way out
    elif _asked_for_the_estate(turn):
        if not _estate_told(turn, text):
            return
    elif not data.area and not turn.changed and _asks_back(turn, text):
        data.place_asks += 1  # "你们物业不知道我住哪吗？": a question, no "no place"; asked again
    elif not data.area and not turn.changed and turn.kit.summary.only_vents(text):
        # "你们就知道推", "你们什么态度": anger at us, never where it is; an apology and the question again.
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        _more_of_the_problem(turn, text)
        return
    elif not data.area and not turn.changed and _reads_as_a_problem(turn, text):
        # "楼上还有人在装修 很吵": another problem, or more of this one, never where it is.
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        _more_of_the_problem(turn, text)
        return
    elif not data.area and not turn.changed and (place := place_beside_not_knowing(turn, text)) is not None:
        data.area = place  # "我住浦东 具体门牌不记得了": 浦东, the rest never insisted on
        turn.audit(TimelineKind.AREA_RECEIVED)
    elif not data.area and not turn.changed and _says_there_is_no_place(turn, text):
        data.place_asks = PLACE_ASKS_DONE  # "没有地址，就是打电话", "网上办的", "不知道"
    elif (
        not data.area
        and not turn.changed
        and (_no_place_in(turn, text) or _names_the_phone(turn, text) or _laughs(turn, text))
    ):
        # "嗯", "好的", a phone number, "用这个手机号就行", "哈哈哈": asked once more, with the way out
        data.place_asks += 1
    elif not data.area and not turn.changed and turn.understood is not None and turn.understood.slots.withheld:
        # "Rm 3, 5/F, You Must Be Wrong Building": a place the bot may not say back; asked for again.
        data.place_asks += 1
    elif not data.area and not turn.changed and not _nothing_to_record(turn, text):
        if (
            _tells_the_problem(turn, text)
            or _angry_without_a_place(turn)
            or _tells_a_story(turn, text)
            or _of_their_health(turn)
        ):
            # "楼道的垃圾还是没人清理", "我有心脏病" are more of the problem, not where it is.
            turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
            _more_of_the_problem(turn, text)
            return
        # No address the understanding layer knows; "不对 是东门那边" is 东门那边.
        right = what_is_right(turn, text, denied_beside=True)
        place = place_in_own_words(turn, right or text, put_right=right is not None)
        if place is None:
            data.place_asks += 1
        else:
            data.area = place
            turn.audit(TimelineKind.AREA_RECEIVED)
    _phone_noted(turn)
    _ask_next_missing(turn)


def _phone_noted(turn: Turn) -> None:
    """A phone given or put right at the place question ("电话错了 是139…") and no place with it: said to
    be noted, in the words said after the hand-off, before the place is asked again."""
    data = turn.step.data
    if "phone" not in turn.changed or "area" in turn.changed or not data.phone:
        return
    replaced = any(
        event.kind is TimelineKind.CORRECTED and event.detail.get("field") == "phone" for event in turn.step.audit
    )
    noted = PhraseId.CONTACT_CORRECTED if replaced else PhraseId.CONTACT_NOTED
    turn.say(noted, phone=said_with_extension(turn, data.phone, data.phone_extension))


def _will_change_the_phone(turn: Turn, text: str) -> bool:
    """ "等一下 我换个号码 这个号不常用" at the place question (``form.phone_change_words``, no number
    with them): the new number is asked for, the old one kept as the number to try too. True if so."""
    data = turn.step.data
    if not data.phone or turn.phone or turn.changed or not turn.says_any(text, turn.kit.form.phone_change_words):
        return False
    data.alternative_phone, data.alternative_extension = data.phone, data.phone_extension
    data.phone, data.phone_from_channel, data.phone_extension = None, False, None
    turn.audit(TimelineKind.ALTERNATIVE_CONTACT_RECEIVED, replaced=False)
    turn.step.state = State.AWAIT_PHONE
    turn.say(PhraseId.ASK_PHONE_NUMBER)
    return True


def ask_for_the_rest_of_the_place(turn: Turn) -> None:
    """A lead-in to the place told and nothing after it (the ``place_pieces_prompt`` timer): the rest is
    asked for ("好的，请继续告诉我具体的小区或地址。"), unless the place came meanwhile."""
    data = turn.step.data
    if turn.step.state is State.AWAIT_AREA and not data.area:
        turn.say(PhraseId.PLACE_PIECES_MORE)


_ESTATE_NAME_CHARS = (4, 6)
"""The fewest and most characters of an estate's name told alone with no estate word ("碧水蓝天")."""


def _estate_named_alone(turn: Turn, text: str) -> str | None:
    """While the phone is asked and no place is known, a name alone ("碧水蓝天": four to six Chinese
    characters, none of them one never inside a place's name, in which the rules find nothing) is the
    estate, never more of the problem nor a phone dodged."""
    understood = turn.understood
    if understood is None or understood.intents or understood.category is not None or understood.signals:
        return None
    if turn.changed or not turn.step.data.description:
        return None
    said = text.strip(PLACE_ANSWER_EDGES)
    fewest, most = _ESTATE_NAME_CHARS
    if not fewest <= len(said) <= most or not all("\u4e00" <= char <= "\u9fff" for char in said):
        return None
    if len(set(said)) <= len(said) // 2:
        return None  # "辛苦辛苦", "明白明白": words said twice over, no name
    if not turn.kit.address_stop_chars.isdisjoint(said):
        return None
    gazetteer = turn.kit.config.gazetteer
    if any(word in said for word in gazetteer.not_estate_names) or turn.says_any(said, turn.kit.form.story_words):
        return None
    if turn.says_any(said, turn.kit.form.not_the_problem_words):
        return None
    return place_in_own_words(turn, said)


def _estate_of_the_building(turn: Turn, text: str) -> str | None:
    """While the phone is asked and the place is a building alone ("5栋"), a short answer that is
    only a name ("锦绣江南": no problem, story, question or other item) is its estate; else None."""
    data, understood = turn.step.data, turn.understood
    if not data.area or data.estate_asked or not needs_its_estate(turn.kit, data.area) or turn.changed:
        return None
    if understood is None or understood.intents or understood.category is not None or understood.signals:
        return None
    if turn.says_any(text, turn.kit.form.story_words) or turn.says_any(text, turn.kit.rules.complaint.problem_words):
        return None
    if is_fragment(turn, text):
        return None
    place = place_in_own_words(turn, text)
    if place is None or len(place) > LONGEST_PLACE_ANSWER or only_a_part(turn.kit, place):
        return None
    return place


def _asked_for_the_estate(turn: Turn) -> bool:
    data = turn.step.data
    return data.estate_asked and bool(data.area) and needs_its_estate(turn.kit, data.area or "")


def _estate_told(turn: Turn, text: str) -> bool:
    """The answer to which estate the building is in ("翠湖花园" makes 翠湖花园5栋); none to give
    ("不知道", "嗯") goes on with the building. False when the message tells more of the problem
    instead (recorded and answered)."""
    data = turn.step.data
    if "area" in turn.changed or _says_there_is_no_place(turn, text) or _no_place_in(turn, text):
        return True
    place = None if turn.area is None else _with_its_estate(turn, _named_in_full(turn, turn.area, text), text)
    if place is None:
        if _nothing_to_record(turn, text):
            return True
        if (
            _tells_the_problem(turn, text)
            or _angry_without_a_place(turn)
            or _tells_a_story(turn, text)
            or _of_their_health(turn)
        ):
            turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
            _more_of_the_problem(turn, text)
            return False
        place = place_in_own_words(turn, text)
    if place is not None and data.area is not None:
        data.area = within_place(turn.kit, data.area, place)
        turn.changed.add("area")
        turn.audit(TimelineKind.AREA_RECEIVED)
    return True


def _named_in_full(turn: Turn, place: str, text: str) -> str:
    """The estate answering which one a building is in, named longer than the place read in it: the
    customer's words when they start with ``place`` and end as an estate's or a building's name does
    ("金融街中心", read as the street 金融街); else ``place``."""
    gazetteer = turn.kit.config.gazetteer
    said = place_in_own_words(turn, text)
    if said is None or len(said) > LONGEST_PLACE_ANSWER or len(said) <= len(place) or not said.startswith(place):
        return place
    if not said.isalnum() or not said.endswith((*gazetteer.estate_suffixes, *gazetteer.named_building_suffixes)):
        return place
    return said


def _with_its_estate(turn: Turn, place: str, text: str) -> str:
    """The answer "书香门第 11栋" to which estate 11栋 is in, where only the building was read as the
    place (an estate named without 小区 or 花园): the answer in the customer's words, else ``place``."""
    if not needs_its_estate(turn.kit, place):
        return place
    said = place_in_own_words(turn, text)
    if said is None or len(said) > LONGEST_PLACE_ANSWER or len(said) <= len(place) or place not in said:
        return place
    # "书香门第 11栋": the pause between the names is no part of the place, as the layer writes it.
    return said if any(char.isascii() and char.isalpha() for char in said) else "".join(said.split())


def place_beside_politeness(turn: Turn, text: str) -> bool:
    """At the place question, the place said after an apology, thanks or a hello ("不好意思刚才去做饭了
    是御景华府" after the idle prompt): the politeness needs no answer of its own, the rest is the
    answer to where. True if handled; False when nothing but politeness or a story is left."""
    data, understood = turn.step.data, turn.understood
    if turn.step.state is not State.AWAIT_AREA or data.area or turn.changed or understood is None:
        return False
    if (
        Intent.CORRECTION in understood.intents
        and understood.intents <= _POLITENESS | {Intent.CORRECTION}
        and not understood.signals
        and what_is_right(turn, text) is not None
    ):
        on_area(turn, text)  # "sorry I mean 15/F": the place put right, the apology only politeness
        return True
    if not understood.intents or not understood.intents <= _POLITENESS or understood.signals:
        return False
    understand = turn.kit.understander.understand
    rest = [
        part
        for part in pauses(text)
        if not understand(part, turn.locale).intents and not turn.says_any(part, turn.kit.form.story_words)
    ]
    if not rest:
        return False
    # "sorry, 15th floor, not 5th": what is not right is never said back as the place.
    said = " ".join([part for part in rest if not denies_only(turn, part)] or rest)
    turn.understood = understand(said, turn.locale)
    on_area(turn, said)
    return True


def _more_of_the_problem(turn: Turn, text: str) -> None:
    """Recorded; said so with the question again at most once per ``timers.form_reask_after``: a
    customer still telling the problem in several messages is not interrupted after each one.
    Words of not knowing alone ("不知道", "不清楚", "不记得") answer the question: never the problem; nor
    does a retort ("不用了", "I already told you"): the place is asked again with the way out, as for
    any answer that is no place."""
    data = turn.step.data
    if not turn.changed and Intent.COMPLAINT not in turn.intents and turn.kit.never_a_place(text):
        if turn.step.state is State.AWAIT_AREA and not data.area:
            data.place_asks += 1
        _ask_next_missing(turn, evaded=True)
        return
    told_before = told_already(data.description, text)
    put_right = problem_put_right(turn, text, restated=False)
    if put_right is not None:
        # "不是保洁 是保安": the problem put right, said so at once.
        data.description = put_right
        turn.audit(TimelineKind.CORRECTED, field="description")
        data.recorded_at = None
    else:
        # Read the earlier messages again only for a problem ("你好 我是老人家 不太会打字" came
        # first, the problem now): it is answered.
        problem = Intent.COMPLAINT in turn.intents
        first_problem = problem and not data.problem_told and not _told_a_problem(turn, data.description)
        data.problem_told = data.problem_told or problem
        if is_fragment(turn, text):
            join_to_description(turn, text)  # "睡觉" after "你们保安"
        else:
            append_description(turn, text)
        if first_problem:
            data.recorded_at = None
    interval = dt.timedelta(seconds=turn.kit.config.timers.form_reask_after)
    vented = put_right is None and not turn.changed and turn.kit.summary.only_vents(text)
    recently = data.recorded_at is not None and turn.now - data.recorded_at < interval and not vented
    again = said_again_once_too_often(turn, text, told_before and put_right is None)
    if recently and not _tells_another_problem(turn, text):
        if again:
            # "WHY IS THE LIFT STILL BROKEN?!" a third time: told it is all received, never silence.
            data.recorded_at = turn.now
            turn.say(PhraseId.REPEAT_ACKNOWLEDGED)
            _ask_next_missing(turn)
            return
        if not _goes_on_with_the_problem(turn, text) or _tells_a_health_condition(turn):
            _ask_next_missing(turn)  # "厨房的", "我七十八了 看不清字": kept, and the question again
        return
    if vented:
        # "你们什么态度", "说了多少遍了": anger at us, kept for the staff (a repeat still counts) but never
        # "已记录" as the problem nor heard out in silence: an apology and the question again.
        turn.say(PhraseId.WE_APOLOGISE)
        _ask_next_missing(turn)
        return
    data.recorded_at = turn.now
    turn.say(PhraseId.DESCRIPTION_RECORDED)
    _ask_next_missing(turn)


def _of_their_health(turn: Turn) -> bool:
    """The message tells of the customer's health ("我刚做完手术在家休养", "我有心脏病"): part of the
    situation, never a place however few words are around it."""
    understood = turn.understood
    return understood is not None and Signal.HEALTH in understood.signals and "area" not in turn.changed


def _keep_their_health_beside_an_item(turn: Turn, text: str) -> None:
    """ "13800138000 我老婆怀孕了", "我有心脏病 住在阳光花园3栋": the item is kept as ever, and the health
    condition told beside it goes with the problem (the restatement leaves the item out of it)."""
    understood = turn.understood
    if turn.changed and understood is not None and Signal.HEALTH in understood.signals:
        append_description(turn, text)


def _tells_a_health_condition(turn: Turn) -> bool:
    """The message tells, for the first time, that the customer (or one they speak for) is ill,
    pregnant or recovering ("我有心脏病 天天睡不着"): cared for and asked the question again, never
    heard out in silence as the rest of the problem."""
    understood = turn.understood
    return understood is not None and Signal.HEALTH in understood.signals - turn.earlier_signals


def _tells_another_problem(turn: Turn, text: str) -> bool:
    """A complaint telling another problem beside the one told ("另外 我们单元门禁也坏了" while the
    place is asked: ``followups.new_problem_words``, or a problem after an ``addition_openers``
    word): taken down with the first and said so, as at any other step, never heard out in silence."""
    if Intent.COMPLAINT not in turn.intents:
        return False
    followups = turn.kit.config.followups
    said = turn.kit.understander.matchable(text).lstrip()
    opens = said.startswith(tuple(word.lower() for word in followups.addition_openers if word))
    return opens or turn.says_any(text, followups.new_problem_words)


def _goes_on_with_the_problem(turn: Turn, text: str) -> bool:
    """The message goes on telling the problem (a complaint, a category, ``form.story_words`` of
    more than one character: "你们小区的保安", "每天早上都要排很久的队"), heard out in silence within
    ``form_reask_after``; a detail alone ("厨房的") or words about the customer ("我七十八了
    看不清字") are answered with the question again."""
    understood = turn.understood
    if understood is None:
        return False
    if _only_asks_what_to_do(turn, text):
        return False  # "点算", "怎么办": a question to the bot, answered with the question again
    if is_fragment(turn, text):
        return True  # "睡觉": one more word of the problem being typed
    if understood.category in (None, turn.kit.rules.fallback_category) and _names_the_phone(turn, text):
        return False  # "凭什么要我手机号": about the question asked, answered, never met with silence
    if Intent.COMPLAINT in understood.intents or understood.category is not None:
        return True
    # A word of a story, not one character ("了", "被") that any sentence about oneself has.
    return turn.says_any(text, [word for word in turn.kit.form.story_words if len(word) > 1])


def _only_asks_what_to_do(turn: Turn, text: str) -> bool:
    """The message only asks what to do ("点算", "點算", "怎么办啊": ``form.safety_questions``)."""
    said = turn.kit.understander.matchable(text).strip(" 。.!！?？~～啊呀呢")
    return said in (word.lower() for word in turn.kit.form.safety_questions)


def _told_a_problem(turn: Turn, description: list[str]) -> bool:
    """Some message of ``description`` is a complaint: not only a preamble ("我是老人家 不太会打字")."""
    understand = turn.kit.understander.understand
    return any(Intent.COMPLAINT in understand(told, turn.locale).intents for told in description)


def _refuses_in_other_words(turn: Turn, text: str) -> bool:
    """The answer to the phone question has no phone to give ("我没有手机", ``form.no_phone_words``:
    the channel is the contact at once) or leaves it to us ("无所谓 你们自己看着办", "whatever, just
    fix it", ``form.shrug_words``: one more refusal). Not when it tells more of the problem."""
    understood = turn.understood
    if understood is None or Intent.COMPLAINT in understood.intents:
        return False
    data, form = turn.step.data, turn.kit.form
    if turn.says_any(text, form.no_phone_words):
        refusals = max(data.phone_refusals + (0 if turn.refused else 1), form.phone_refusals)
    elif turn.says_any(text, form.shrug_words) and not turn.refused:
        refusals = data.phone_refusals + 1
    else:
        return False
    _count_refusal(turn, refusals)
    return True


def _count_refusal(turn: Turn, refusals: int) -> None:
    data = turn.step.data
    turn.refused = True
    if refusals != data.phone_refusals:
        data.phone_refusals = refusals
        turn.audit(TimelineKind.PHONE_REFUSED, times=refusals)


def _too_vague(turn: Turn, text: str) -> bool:
    """A complaint that says only that something is bad ("你们服务太差了", "很不满意"): no
    category but the fallback, no item, a few characters."""
    understood = turn.understood
    if understood is None or Intent.COMPLAINT not in understood.intents:
        return False
    if turn.changed:
        return False
    if understood.signals - {Signal.EMOTIONAL}:
        return False  # a repeat, a demand, a threat: more than vague
    if understood.vague:
        return True  # "你们物业到底管不管事": whom it is about, not what went wrong
    if understood.category not in (None, turn.kit.rules.fallback_category):
        return False
    return sum(1 for char in text if char.isalnum()) <= _VAGUE_MAX_CHARS


def _says_there_is_no_place(turn: Turn, text: str) -> bool:
    """The answer to the place question says there is none (``form.no_place_words`` and
    ``form.no_place_answers``), or only refuses ("不想说")."""
    understood = turn.understood
    if understood is None:
        return False
    form = turn.kit.config.classification.form
    if turn.says_any(text, form.no_place_words):
        return True
    if answer_without_punctuation(turn.kit.understander.matchable(text)) in turn.kit.place_words.no_place_answers:
        return True
    # "不想说"; a bare "不对" to the question says nothing of a place and is asked again.
    return bool(understood.intents) and understood.intents <= _REFUSING and Intent.NO not in understood.intents


def _names_the_phone(turn: Turn, text: str) -> bool:
    """The answer to the place question speaks of the phone, not of a place ("用这个手机号就行": the
    words of ``correction_fields.phone``), with no place understood in it."""
    phone_words = [word for word in turn.kit.rules.correction_fields.get("phone", []) if not word.isdigit()]
    return turn.area is None and turn.says_any(text, phone_words)


def _about_the_phone(turn: Turn, text: str) -> bool:
    """At the phone question, a message about the phone that tells no problem ("你们系统查一下我的号码",
    "app里绑定的就是我的手机号": the phone's words, no number, no place read, no word of what is wrong
    nor a story, no signal), whatever category a word of it names: the question answered, never the
    problem heard out in silence nor a place."""
    understood = turn.understood
    if turn.step.state is not State.AWAIT_PHONE or understood is None or understood.signals:
        return False
    if turn.phone or turn.changed or not _names_the_phone(turn, text):
        return False
    words = turn.kit.rules.complaint
    return not (
        turn.says_any(text, words.problem_words)
        or turn.says_any(text, words.symptom_words)
        or _tells_a_story(turn, text)
    )


def _place_said_right(turn: Turn, text: str) -> str | None:
    """The place a correction says instead of the problem's words ("哦不对 是东门那边"), before any
    place is known; None when what it says is right tells a problem."""
    if turn.changed:
        return None
    right = what_is_right(turn, text)
    if right is None or _tells_the_problem(turn, right) or _tells_a_story(turn, right):
        return None
    if problem_put_right(turn, text, restated=False) is not None:
        return None  # "我说错了 是停电 不是停水": the problem put right, as "不是停水 是停电" puts it
    return told_as_a_place(turn, right) or place_in_own_words(turn, right)


def _only_where(turn: Turn, text: str) -> bool:
    """While the phone is asked, a place with a word of the complaint in it ("在锦绣家园北门停车场",
    "快递柜在碧水湾小区东门") and nothing wrong said: the answer to where, no more of the problem."""
    area = turn.area
    if "area" not in turn.changed or area is None or turn.understood is None or turn.understood.signals:
        return False
    if turn.says_any(text, turn.kit.rules.complaint.problem_words) or _tells_a_story(turn, text):
        return False
    # "沙田第一城 停車場" gave 沙田第一城停车场: the place as typed, its spaces aside.
    said = "".join(turn.kit.understander.simplified(text).split())
    rest = _PUNCTUATION.sub("", said.replace("".join(area.split()), ""))
    return len(rest) <= _WORDS_AROUND_A_PLACE  # "停车费乱收费 在锦绣家园" tells more than where


def _asks_back(turn: Turn, text: str) -> bool:
    """The answer to the place question is a question of its own ("你们物业不知道我住哪吗？":
    a question mark or ``form.question_endings``), telling no problem: no answer that there is
    no place, though it holds "不知道"; the place is asked again, with the way out."""
    if _tells_the_problem(turn, text) or _tells_a_story(turn, text):
        return False
    said = said_without_edges(text)
    return any(mark in said for mark in "?？") or ends_as_a_question(turn, said)


def _says_early_there_is_no_place(turn: Turn, text: str) -> bool:
    """Before the place is asked for, the customer says there is none in words that name it
    ("没有地址 就是小区里": the ``form.no_place_words`` holding a word for the place of
    ``correction_fields.area``); "不知道" or "打电话" said then are about something else."""
    data = turn.step.data
    if data.area or turn.changed or turn.understood is None or Intent.COMPLAINT in turn.understood.intents:
        return False
    place_names = [word for word in turn.kit.rules.correction_fields.get("area", []) if not word.isdigit()]
    early = [word for word in turn.kit.form.no_place_words if any(name in word for name in place_names)]
    return turn.says_any(text, early)


def _no_place_in(turn: Turn, text: str) -> bool:
    """An answer to the place question that holds no place at all: agreeing ("嗯", "係", "好的"),
    or only a phone number."""
    understood = turn.understood
    if understood is None:
        return False
    if understood.intents and understood.intents <= _ONLY_AGREEING:
        return True
    if understood.slots.phone is None:
        return False
    return len(_PUNCTUATION.sub("", _DIGITS.sub("", text))) <= _WORDS_AROUND_A_PHONE  # "电话是139…"


def _nothing_to_record(turn: Turn, text: str) -> bool:
    """No word at all ("👍", "。。。"), or anger that says nothing of a problem ("傻X客服", "😡"):
    neither more of the description nor the place asked for."""
    understood = turn.understood
    if understood is None or turn.changed:
        return False
    if _only_noise(turn, text):
        return True  # a thumbs-up is a yes, "哈哈哈" laughter, markup code: still no word of a problem
    if understood.intents or understood.category is not None:
        return False
    return says_no_problem(turn, text)


def _only_noise(turn: Turn, text: str) -> bool:
    """Laughter or chat noise alone ("哈哈哈", "6666", "[/发怒]": ``form.noise_words``)."""
    return turn.understood is not None and only_noise(text, turn.kit.form.noise_words, turn.kit.understander.matchable)


def _laughs(turn: Turn, text: str) -> bool:
    """Laughter or "6666" alone, not a message without words ("。。。", "😡": the question as it was)."""
    return _only_noise(turn, text) and any(char.isalnum() for char in text)


def offer_call_back(turn: Turn) -> None:
    """The customer cannot type: a call back offered, only the phone asked for; with the phone
    known already (SMS), promised at once."""
    data = turn.step.data
    data.call_back_offered = True
    if data.phone or data.contact_by_channel:
        if data.description:
            data.place_asks = PLACE_ASKS_DONE  # what is missing, the person calling back asks
            _ask_next_missing(turn)
        else:
            promise_call_back(turn)
        return
    turn.step.state = State.AWAIT_PHONE
    data.phone_asks += 1
    turn.say(PhraseId.OFFER_CALL_BACK)


def promise_call_back(turn: Turn) -> None:
    """No problem told, the phone known: a person calls back (the general queue, as asked for)."""
    turn.say(PhraseId.CALL_BACK_PROMISED)
    open_ticket(turn, None, GENERAL_QUEUE, 1, TicketReason.CUSTOMER_REQUEST)


def _cannot_type(turn: Turn, text: str) -> bool:
    """Only that the customer cannot type or would rather speak (``form.cannot_type_words``), with
    at most words about themselves and how they call us beside it ("姑娘 我不会打字 是我孙子帮我弄的")."""
    form = turn.kit.form
    return _only_these_words(turn, text, form.cannot_type_words, (*form.not_the_problem_words, *form.forms_of_address))


def _not_the_problem(turn: Turn, text: str) -> bool:
    """Only words about the customer or the chat (``form.not_the_problem_words``): "就是那个", "我是老人",
    "闺女 是我孙女帮我弄的"."""
    form = turn.kit.form
    return _only_these_words(turn, text, form.not_the_problem_words, form.forms_of_address)


def _only_these_words(turn: Turn, text: str, words: list[str], beside: Sequence[str] = ()) -> bool:
    """``text`` holds some of ``words`` and, beside them and ``beside``, nothing of a problem: no
    complaint and a few letters at most (as for small talk)."""
    if turn.changed or not words or not turn.says_any(text, words):
        return False
    rest = turn.kit.understander.matchable(text)
    for word in sorted((word.lower() for word in (*words, *beside) if word), key=len, reverse=True):
        rest = rest.replace(word, " ")
    understood = turn.kit.understander.understand(rest, turn.locale)
    if Intent.COMPLAINT in understood.intents or understood.category is not None:
        return False
    latin = len(re.findall(r"[a-z]+", rest))
    return sum(1 for char in rest if char.isalnum() and not char.isascii()) + 2 * latin <= MOST_SMALL_TALK_LEFT


def _only_digits(turn: Turn, text: str) -> bool:
    """Digits alone, no phone in them ("1111", "2222 3333"): never words of a problem."""
    if turn.changed or turn.phone:
        return False
    folded = unicodedata.normalize("NFKC", text)
    return any(char.isdigit() for char in folded) and all(
        char.isdigit() or char.isspace() or not char.isalnum() for char in folded
    )


def _angry_without_a_place(turn: Turn) -> bool:
    """Anger with more to it ("臭味都飘到家里了，气死了") and no place understood: more of the
    complaint, not where it is."""
    understood = turn.understood
    return understood is not None and Signal.EMOTIONAL in understood.signals and not turn.changed


def _tells_the_problem(turn: Turn, text: str) -> bool:
    """A complaint with a word for what is wrong in it ("还是没人清理"): a place alone may name a
    category ("楼道里" is property service) and is still the answer to where."""
    understood = turn.understood
    if understood is None or Intent.COMPLAINT not in understood.intents:
        return False
    return turn.says_any(text, turn.kit.rules.complaint.problem_words)


def _reads_as_a_problem(turn: Turn, text: str) -> bool:
    """At the place question, a complaint with a word for what is wrong, or one naming a category and
    no place ("楼上还有人在装修 很吵", "樓下餐廳油煙好大"): no place read, no word of a place
    (:func:`_names_somewhere`). "楼道里" names a category and is still where."""
    if _tells_the_problem(turn, text):
        return True
    understood = turn.understood
    if understood is None or Intent.COMPLAINT not in understood.intents:
        return False
    if understood.vague or understood.category in (None, turn.kit.rules.fallback_category):
        return False  # "你们物业不知道我住哪吗？": whom it is about, nothing wrong told
    return not _names_somewhere(turn, text)


def _names_somewhere(turn: Turn, text: str) -> bool:
    """``text`` holds a place read or a word of one: an estate's, an address's or a building's word, a
    part of an estate or a building, a trigger ("小区", "停车场", "楼道", "住在"), a number with its
    unit ("4栋"), an English place word ("block 3", "garden"), or ends in one (``place_locatives``:
    "在电梯里")."""
    words = turn.kit.place_words
    if turn.area is not None or turn.says_any(text, words.somewhere):
        return True
    said = turn.kit.understander.simplified(text)
    if said.strip(PLACE_ANSWER_EDGES).endswith(tuple(turn.kit.config.gazetteer.place_locatives)):
        return True  # "在电梯里": in it
    if words.numbered_unit is not None and words.numbered_unit.search(said):
        return True
    return words.english_place_word is not None and words.english_place_word.search(text) is not None


def _tells_a_story(turn: Turn, text: str) -> bool:
    """Words no parser knows as a place that tell how long or how it went (``form.story_words``:
    "已经滴了一个礼拜了"): more of the problem."""
    return turn.says_any(text, turn.kit.form.story_words)


def go_on_with_the_form(turn: Turn) -> None:
    """The complaint told so far goes on through the form: the first item still missing is asked
    for, or it is restated."""
    _ask_next_missing(turn)


def _ask_next_missing(turn: Turn, agreed: bool = False, place_noted: bool = False, evaded: bool = False) -> None:
    """Ask for the first item still missing; restate when nothing is. A phone refused once is
    answered with the reassurance, once: asked again later (the customer has agreed to give it,
    or said something else), it is asked plainly; refused as many times as configured, it is not
    asked again: the channel identity is the contact. So too when the question, asked as many
    times as configured, is ``evaded`` (answered with neither a number nor more of the problem: "对",
    the place, anger); asked again, it says how to decline, never the same words twice."""
    data, form = turn.step.data, turn.kit.form
    declined = data.phone_refusals >= form.phone_refusals or (evaded and data.phone_asks >= form.phone_asks_most)
    if not data.phone and not data.contact_by_channel and declined:
        data.contact_by_channel = True
        turn.say(PhraseId.PHONE_NOT_NEEDED)
        turn.audit(TimelineKind.CONTACT_BY_CHANNEL)
    if (data.phone or data.contact_by_channel) and not data.area and (followed := _followed_place(data)):
        # The resolved case this one follows was there: restated for the customer to put right,
        # not asked for blank.
        data.area = followed
        turn.audit(TimelineKind.AREA_RECEIVED, case_number=data.follows_case)
    if not data.phone and not data.contact_by_channel:
        turn.step.state = State.AWAIT_PHONE
        reassure = data.phone_refusals and turn.refused and not agreed
        data.phone_asks += 1
        if place_noted and data.area and not reassure:
            written = place_as_written(turn)
            noted = said_as_last(turn, PhraseId.PLACE_NOTED_ASK_PHONE_FORM)
            turn.say(noted, area=written or data.area, verbatim=(written or "",))
        elif reassure:
            turn.say(said_as_last(turn, PhraseId.PHONE_REASSURE))
        else:
            # the plain question and the one saying how to decline, in turn: never the same words twice running
            turn.say(phone_question(turn, agreed))
    elif not data.area and data.place_asks < PLACE_ASKS_DONE and not needs_no_place(turn):
        turn.step.state = State.AWAIT_AREA
        turn.say(PhraseId.ASK_AREA_AGAIN if data.place_asks else PhraseId.ASK_AREA)
    elif data.area and not data.estate_asked and needs_its_estate(turn.kit, data.area):
        # "我是5栋的李阿姨", "在南门", "小区门口": a building, a gate or a spot of which estate? Asked
        # once; the answer completes the place.
        data.estate_asked = True
        turn.step.state = State.AWAIT_AREA
        written = place_as_written(turn)
        asked = spot_as_asked(turn.kit, written or data.area)  # "我们小区门口": 请问小区门口是哪个小区的呢？
        turn.say(PhraseId.ASK_ESTATE, area=asked, verbatim=(asked if written else "",))
    else:
        restate(turn)


def _followed_place(data: FlowData) -> str | None:
    """The place of the resolved case this one follows, while the customer has not said there is none."""
    return data.follows_area if not data.place_asks else None


def _place_noted_then_next(turn: Turn) -> None:
    """The place given while the phone is asked ("阳光花园3栋2单元501"): said to be noted with the
    phone question, not the same question word for word as if it went unheard. The place is an
    answer to the form, never a way round the phone question: however often the phone was asked,
    it is asked once more ("幸福里小区7栋302" after "现在怎么办啊")."""
    place_noted = "area" in turn.changed
    _ask_next_missing(turn, place_noted=place_noted, evaded=not place_noted)


def ask_next_missing(turn: Turn, evaded: bool = False) -> None:
    """The form's next question, or the restatement, after an answer handled beside the form
    (``evaded``: one answering the phone question with neither a number nor a refusal)."""
    _ask_next_missing(turn, evaded=evaded)
