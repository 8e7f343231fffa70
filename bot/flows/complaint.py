"""The complaint conversation as an explicit state table (diagram: ``complaint.mmd``).

``ComplaintFlow.step`` takes the conversation's state and one event and returns the next state
with the replies and effects; it does no I/O and never knows which channel it serves. This module
holds the events and the dispatch: which state, timer or side of the conversation a message goes
to; the modules beside it (form, confirmation, side answers, status, appeals, escalation, case,
callback, closing) say what each does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Intent, PhraseId, ServiceConfig, Signal
from bot.core.case_numbers import case_numbers_in, without_case_numbers
from bot.core.messages import MenuChoice, MessageKind, OutboundMessage, location_words, words_of
from bot.core.phrases import Phrases
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.another_problem import (
    added_to_the_case,
    another_matter_announced,
    new_case_beside_this_one,
    without_openers,
)
from bot.flows.appeals import (
    PHONE_ASKS_DONE,
    another_case_named_after_hand_off,
    answered_appeal_number,
    appealed_another_case,
    appeals_the_handling,
    ask_what_is_still_missing,
    asked_while_the_phone_is_asked,
    asks_for_the_appealed_case,
    joined_named_case,
    link_to_case,
    note_followed_case,
    on_chaser,
    on_escalation_phone,
    who_is_inside_at_the_place_question,
)
from bot.flows.asked_back import (
    abused_again,
    answered_how_contacted,
    empathy_for_insults,
    read_as_a_question,
    read_as_asking_whom,
    read_as_insults,
)
from bot.flows.asked_beside import answer_asked_beside, asked_beside
from bot.flows.asking import ask_current
from bot.flows.attitude_waiting import told_of_staff_attitude_while_waiting
from bot.flows.beside_open_case import split_beside_open_case
from bot.flows.callback import (
    CALLBACK_STATES,
    back_to_the_resolved_case,
    on_callback,
    on_callback_timer,
    on_resolved,
    rated_after_the_reopening,
    rating_phrase_scores,
    words_pattern,
)
from bot.flows.care import cared_for_in_a_held_chat, stayed_in_care
from bot.flows.case import (
    CONSULTATION_QUEUE,
    ESCALATING_SIGNALS,
    GENERAL_QUEUE,
    SUPERVISOR_QUEUE,
    complaint_after_hand_off,
    corrected_contact,
    corrected_place,
    note_model_suggestions,
    on_handed_off,
    place_after_hand_off,
    problem_told_at_last,
)
from bot.flows.case_check import (
    CaseCheckFor,
    CheckOutcome,
    checked_case,
    joined_case_phone_known,
    named_status,
    not_confirmed,
    proven_status,
    tells_a_problem_instead,
)
from bot.flows.closing import (
    CLOSING_TIMERS,
    answered_withdrawal,
    close,
    moved_on_from_harassment,
    on_closing_timer,
    on_harassment,
    withdraw_case,
    withdrew,
    withdrew_after_hand_off,
)
from bot.flows.confirmation import (
    on_choose_correction,
    on_confirming,
    on_correct_area,
    on_correct_description,
    on_correct_phone,
    restate,
    yes_among_thanks,
)
from bot.flows.data import FlowData, TimerKind
from bot.flows.deadline import BusinessCalendar
from bot.flows.earlier_place import same_place_as_before
from bot.flows.english_pieces import EnglishPieces
from bot.flows.escalated import answer_while_escalated
from bot.flows.escalation import escalate, escalation_reason, hand_off_on_request
from bot.flows.explaining import explained_again
from bot.flows.faq import FaqMatcher
from bot.flows.form import (
    ask_for_the_rest_of_the_place,
    ask_next_missing,
    go_on_with_the_form,
    on_area,
    on_description,
    on_new,
    on_phone,
    place_beside_politeness,
)
from bot.flows.fragments import held_or_joined
from bot.flows.greeting import excuses_an_absence, greet, says_still_here
from bot.flows.health import told_of_their_health_after_hand_off
from bot.flows.held import read_phone_for_the_supervisor, told_the_supervisor
from bot.flows.language_said import without_the_language_said
from bot.flows.menu import asked_choice, on_menu, on_menu_while_agent_owns
from bot.flows.not_a_place import nothing_of_a_place
from bot.flows.open_case_follow_up import followed_up_open_case
from bot.flows.over_messages import read_with_what_was_told
from bot.flows.phone_given import answered_phone_given, answered_phone_given_to_the_supervisor
from bot.flows.phone_pieces import ask_for_the_rest, phone_pieces_read
from bot.flows.photo_asked import answered_photo_not_received, photo_asked_before_a_problem
from bot.flows.place_words import InsultWords, PlaceWords
from bot.flows.presence import answered_whether_anyone_is_there
from bot.flows.put_right import keep_place_put_right
from bot.flows.records import COLLECTING, CaseStage, CustomerView, OpenCase, State
from bot.flows.reopen_earlier import reopened_earlier_case, reopened_proven_case
from bot.flows.resuming import only_polite, resume, resumes
from bot.flows.safety import acknowledged_safe_now, asked_in_an_emergency
from bot.flows.side_answers import acknowledge_asked_sooner, side_intent
from bot.flows.slots import (
    append_description,
    description_text,
    is_bare_complaint_mention,
    keep_slots,
    markers,
    needs_no_place,
    only_tells_an_earlier_complaint,
    place_as_written,
    told_as_a_place,
)
from bot.flows.small_talk import SmallTalkWords
from bot.flows.status import (
    asked_after_a_case_by_its_place,
    asks_about_the_case,
    count_unknown_case_numbers,
    status_of_open_case,
    tell_status_of_the_cases,
    this_case,
    told_by_number,
)
from bot.flows.still_open import urged_on_this_case
from bot.flows.summary import ProblemSummary
from bot.flows.supervisor_promise import confirmed_after_the_hand_off, keep_owed_promise, owe_promise
from bot.flows.taken_back import took_back_withdrawal
from bot.flows.things_named import ThingWords
from bot.flows.title_said import TitleWords
from bot.flows.turn import AuditEvent, FlowKit, Step, Turn, WordSearches
from bot.flows.why_asked import answered_why_the_phone
from bot.flows.yes_beside_a_question import answer_beside_a_question, take_the_answer
from bot.understanding.english_places import english_parts
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.language import ZH_CN, ZH_TW
from bot.understanding.phones import TailPutRight
from bot.understanding.result import Slots, Understanding
from bot.understanding.service_voice import ServiceVoice
from bot.understanding.understander import Understander

_ASKING_THE_FORM = frozenset({State.AWAIT_PHONE, State.AWAIT_AREA})
"""The form's questions, after the problem told: a language said there answers none of them."""
_NOT_AN_ANSWER = frozenset({Intent.HUMAN, Intent.SUPERVISOR, Intent.WITHDRAW})
"""Asked for a case's phone's digits, what ends the question: the message is read as usual."""


@dataclass(frozen=True, slots=True)
class Started:
    """The customer opened the conversation (web chat session, subscribe, /start)."""


@dataclass(frozen=True, slots=True)
class CustomerSaid:
    text: str
    kind: MessageKind = MessageKind.TEXT
    sender_phone: str | None = None
    understood: Understanding | None = None
    """What the text says, when the caller understood it already (the rules merged with the
    model's reading); the flow runs its own rules when this is None."""
    menu: MenuChoice | None = None
    """What a ``MENU`` message's button asks (its text is only for the staff to read)."""


@dataclass(frozen=True, slots=True)
class TimerFired:
    kind: TimerKind
    token: int


@dataclass(frozen=True, slots=True)
class Resolved:
    """A person resolved the case and gave the conversation back to the bot for the callback."""

    summary: str | None = None
    """How it was resolved, as the staff wrote it (checked against the forbidden phrases then):
    told to the customer with the callback's question."""


Event = Started | CustomerSaid | TimerFired | Resolved


class ComplaintFlow:
    """The state table. Construct once per configuration; ``step`` is pure."""

    def __init__(
        self,
        config: ServiceConfig,
        phrases: Phrases,
        calendar: BusinessCalendar,
        new_case_number: Callable[[dt.datetime], str],
        understander: Understander,
    ) -> None:
        form = config.classification.form
        rating_scores = rating_phrase_scores(config.followups.rating_phrases)
        guard = ForbiddenGuard(config.forbidden, understander.simplified)
        service_voice = ServiceVoice(form.service_voice, understander.matchable)
        self._kit = FlowKit(
            config=config,
            phrases=phrases,
            calendar=calendar,
            understander=understander,
            new_case_number=new_case_number,
            faq=FaqMatcher(config.faq, understander.matchable),
            summary=ProblemSummary(
                understander,
                guard,
                form,
                functools.partial(is_bare_complaint_mention, config),
                item_words=_item_words(config),
                greeting_words=_greeting_words(config),
                tail_put_right=TailPutRight.from_config(config),
                sent_elsewhere_words=config.classification.complaint.sent_elsewhere_words,
                tells_only_an_earlier_complaint=functools.partial(only_tells_an_earlier_complaint, config),
                familiar_prefixes=config.names.familiar_prefixes,
                address_me_intros=config.names.address_me_intros,
                address_me_ends=config.names.address_me_ends,
                filler_words=config.gazetteer.place_fillers,
                locative_words=config.gazetteer.place_locatives,
                writer_words=[*config.names.self_intro_roles, *config.names.writer_roles],
                sarcasm_words=config.classification.complaint.sarcasm_words,
                case_prefix=config.service.case_prefix,
                without_service_voice=service_voice.cut,
                name_intros=_insult_name_intros(config),
                problem_words=[
                    *config.classification.complaint.problem_words,
                    *config.classification.complaint.symptom_words,
                ],
                symptom_words=config.classification.complaint.symptom_words,
            ),
            guard=guard,
            area_marker=markers(form.address_levels),
            english_parts=english_parts(config.gazetteer),
            english_pieces=EnglishPieces.from_config(config.gazetteer),
            rating_words=words_pattern(config.followups.rating_words),
            rating_phrases=words_pattern(list(rating_scores)),
            rating_phrase_scores=rating_scores,
            not_a_place=nothing_of_a_place(config),
            address_stop_chars=frozenset(config.gazetteer.address_stop_chars),
            place_words=PlaceWords.from_config(config),
            insults=InsultWords.from_config(config),
            searches=WordSearches(),
            service_voice=service_voice,
            titles=TitleWords.from_config(config),
            small_talk=SmallTalkWords.from_config(config, understander.matchable),
            things=ThingWords.from_config(config, understander.matchable),
        )
        self._handlers: dict[State, Callable[[Turn, str], None]] = {
            State.NEW: on_new,
            State.AWAIT_DESCRIPTION: on_description,
            State.AWAIT_PHONE: on_phone,
            State.AWAIT_AREA: on_area,
            State.CONFIRMING: on_confirming,
            State.CHOOSE_CORRECTION: on_choose_correction,
            State.CORRECT_DESCRIPTION: on_correct_description,
            State.CORRECT_PHONE: on_correct_phone,
            State.CORRECT_AREA: on_correct_area,
            State.HANDED_OFF: on_handed_off,
        }

    # ------------------------------------------------------------------ entry point

    def step(
        self,
        state: State,
        data: FlowData,
        event: Event,
        customer: CustomerView,
        locale: str,
        now: dt.datetime,
    ) -> Step:
        turn = Turn(self._kit, Step(state=state, data=data.copy()), customer, locale, now)
        if state is State.CLOSED:
            return turn.step
        if isinstance(event, CustomerSaid) and event.kind is MessageKind.MENU:
            choice = asked_choice(event.menu)
            if choice is not None and on_menu(turn, choice):
                return turn.step
            event = Started()  # a button that asks nothing opens the conversation
        if resumes(turn) and isinstance(event, Started | CustomerSaid):
            # Back soon after the idle close: what they told is kept, only what is missing is asked.
            resume(turn)
            if isinstance(event, Started) or only_polite(turn, event.kind, event.text, event.understood):
                ask_next_missing(turn)
                turn.arm_idle()
                return turn.step
        if isinstance(event, Started):
            if state is State.NEW:
                greet(turn)
                turn.step.state = State.AWAIT_DESCRIPTION
                turn.arm_idle()
            elif state in COLLECTING:
                # Opened again mid-way (/start, a menu button, subscribed again): the question again.
                ask_current(turn)
                turn.arm_idle()
            return turn.step
        if isinstance(event, TimerFired):
            self._on_timer(turn, event)
            return turn.step
        if isinstance(event, Resolved):
            on_resolved(turn, event.summary)
            return turn.step
        if event.kind is MessageKind.EDITED:
            self._on_edited(turn)
            return turn.step
        self._on_customer(turn, event)
        place_as_written(turn)  # kept for a restatement in a later turn
        return turn.step

    def step_while_agent_owns(
        self,
        state: State,
        data: FlowData,
        event: Event,
        customer: CustomerView,
        locale: str,
        now: dt.datetime,
    ) -> Step:
        """An agent owns the conversation: the bot stays silent, except that a status question
        about the handed-off case is answered (seed 000 四(五)2), so a customer waiting on a busy
        agent still learns where the case stands, and an appeal of the case's handling ("你们根本
        不管 都第三次了") goes to the duty supervisor at once, the customer told the appeal's time:
        a complaint of the handler never reaches only that handler (standards §5). A leader asked
        for, a threat (the media, 12345, a lawyer, violence) or danger now is told to the duty
        supervisor, the agent keeping the case; the phone asked for the supervisor's call is read.
        After talk of self-harm, words that nobody cares ("没人管我") hear care and the helpline."""
        turn = Turn(self._kit, Step(state=state, data=data.copy()), customer, locale, now)
        if isinstance(event, CustomerSaid) and event.kind is MessageKind.MENU:
            choice = asked_choice(event.menu)
            if choice is not None:
                on_menu_while_agent_owns(turn, choice)
            return turn.step
        if state is State.HANDED_OFF and isinstance(event, CustomerSaid):
            words = words_of(event.kind, event.text.strip())
            if words is None:
                return turn.step
            turn.understood = event.understood or self._kit.understander.understand(words, locale)
            turn.earlier_signals = frozenset(data.signals)
            if read_phone_for_the_supervisor(turn) or rated_after_the_reopening(turn, words):
                return turn.step
            if appeals_the_handling(turn):
                said = turn.understood.signals
                turn.step.data.signals = tuple(sorted(set(turn.step.data.signals) | said))
                escalate(turn, reason=TicketReason.APPEAL)
            elif told_the_supervisor(turn) or cared_for_in_a_held_chat(turn):
                pass
            elif asks_about_the_case(turn):
                tell_status_of_the_cases(turn, this_case(turn))
        return turn.step

    # ------------------------------------------------------------------ customer messages

    def _on_edited(self, turn: Turn) -> None:
        """An edit of a sent message changes nothing the bot recorded: the customer is told to send
        the correction anew, once per ``timers.edits_notice_every``, not after each edit."""
        data = turn.step.data
        every = dt.timedelta(seconds=self._kit.config.timers.edits_notice_every)
        if data.edits_noted_at is not None and turn.now - data.edits_noted_at < every:
            return
        data.edits_noted_at = turn.now
        turn.say(PhraseId.EDITS_NOT_READ)

    def _on_customer(self, turn: Turn, event: CustomerSaid) -> None:
        data = turn.step.data
        known_phone = event.sender_phone or turn.customer.phone
        if turn.step.state in COLLECTING and joined_case_phone_known(turn):
            # A complaint of theirs taken down: the case their appeal joined, proven theirs by its
            # phone's digits, has that phone (after the hand-off a number they give is the case's,
            # never replacing it). A case only asked after by its number lends no phone: four
            # digits are easily guessed, and the phone is another customer's until proven otherwise.
            known_phone = known_phone or turn.customer.proven_phone
        if known_phone and not data.phone:
            data.phone, data.phone_from_channel = known_phone, True
        said = event.text.strip()
        words = words_of(event.kind, said)
        place = location_words(event.kind, said) if words is None else None
        text = words or place or said
        if words is not None:
            turn.understood = event.understood or turn.kit.understander.understand(text, self._written_in(turn))
            number = phone_pieces_read(turn, text, self._written_in(turn))
            if number is None:
                if turn.step.state in COLLECTING:
                    turn.arm_idle()  # "一三九", "一二三四": the phone told a piece at a time, heard out
                return
            text = number
            whole = held_or_joined(turn, text, self._written_in(turn))
            if whole is None:
                turn.arm_idle()  # "我", "要": typed word by word, heard out until it says something
                return
            text = whole
            read_as_insults(turn, text)  # "废物 垃圾": anger, not the rubbish
            _read_as_own_fault(turn, text)  # "我刚才态度不好，对不起啊": an apology, not a complaint
            self._follow_language(turn, text)
            rest = without_the_language_said(turn, text) if turn.step.state in _ASKING_THE_FORM else None
            if rest == "":
                ask_current(turn)  # "我还是说中文吧": the question again, in that language
                turn.arm_idle()
                return
            if rest is not None:
                # "算了 我还是说中文吧 门禁坏了 进不去": the rest, read as if told alone.
                text = rest
                turn.understood = turn.kit.understander.understand(text, self._written_in(turn))
        elif place is not None:
            # A shared location says where, as a typed address would (the place's name is the area).
            turn.understood = Understanding(text=place, locale=turn.locale, slots=Slots(address=place))
        if turn.understood is not None and _phone_asked(turn):
            _read_asked_phones(turn, turn.understood)
        if words is not None:
            read_with_what_was_told(turn, text)  # "里面困了人！！" after "电梯": someone shut in the lift
        understood = turn.understood
        intents = understood.intents if understood is not None else frozenset()
        signals = understood.signals if understood is not None else frozenset()
        turn.earlier_signals = frozenset(data.signals)
        if signals:
            data.signals = tuple(sorted(set(data.signals) | signals))
            turn.audit(TimelineKind.SIGNALS_DETECTED, signals=sorted(s.value for s in signals))
        if understood is not None:
            note_model_suggestions(turn, understood)

        if (Intent.HARASSMENT in intents and not signals) or abused_again(turn):
            on_harassment(turn)
            return
        if data.harassment_warned_at is not None and moved_on_from_harassment(turn):
            data.harassment_warned_at = None
            turn.cancel(TimerKind.HARASSMENT_CLOSE)

        state = turn.step.state
        if state in CALLBACK_STATES:
            on_callback(turn, text)
            return
        if (state in COLLECTING or state is State.HANDED_OFF) and data.case_check is not None:
            if not (signals & ESCALATING_SIGNALS or intents & _NOT_AN_ANSWER or tells_a_problem_instead(turn)):
                self._on_case_check(turn)
                if turn.step.state in COLLECTING:
                    turn.arm_idle()
                return
            # Danger, a threat, a person asked for or the complaint given up does not wait for the
            # case's phone, nor a problem told instead of the digits after a status question: the
            # case is only noted, and the message read as usual.
            exists = named_status(turn, data.case_check) is not None
            not_confirmed(turn, data.case_check, None, data.case_check_text or "", exists=exists)
        if state in COLLECTING and back_to_the_resolved_case(turn, text):
            return
        if state in COLLECTING and reopened_earlier_case(turn, text):
            return  # "还是没修好" in a new conversation: the case resolved lately reopened, or which one asked
        if state in COLLECTING:
            count_unknown_case_numbers(turn)
            if signals & ESCALATING_SIGNALS:
                if understood is not None:
                    keep_slots(turn, understood)
                append_description(turn, text)
                escalate(turn, reason=escalation_reason(signals))
                return
            if understood is not None:
                keep_slots(turn, understood)
                keep_place_put_right(turn, text)  # "12楼不是21楼": the place put right, never the problem
            if intents & {Intent.HUMAN, Intent.SUPERVISOR}:
                if Intent.COMPLAINT in intents:
                    append_description(turn, text)
                hand_off_on_request(turn, to_supervisor=Intent.SUPERVISOR in intents)
                return
            if answered_withdrawal(turn, intents, restate) or withdrew(turn, intents, text):
                # Before the demand: "不用了 已经退给我了 不投诉了" gives up, asks nothing.
                if turn.step.state in COLLECTING:
                    turn.arm_idle()
                return
            if answered_appeal_number(turn):
                escalate(turn, reason=TicketReason.APPEAL)
                if turn.step.state in COLLECTING:
                    turn.arm_idle()  # the number's case checked first: its phone's digits asked for
                return
            if asks_for_the_appealed_case(turn, text):
                turn.arm_idle()
                return
            if Signal.COMPENSATION in signals:
                # Beyond the bot's authority (seed 000 五(二)3): the duty supervisor, with the
                # complaint so far, and no promise about the demand itself.
                append_description(turn, text)
                escalate(turn, reason=TicketReason.BEYOND_AUTHORITY)
                return
            if turn.understood is None:
                if event.kind is MessageKind.IMAGE:
                    data.photos += 1  # said in the restatement and the case
                if data.description:
                    turn.say(PhraseId.MESSAGE_RECORDED)
                    ask_current(turn)
                else:
                    # A photo, a link or untranscribed voice before any words: nothing is
                    # recorded yet to promise about; the photo stays with the conversation.
                    if state is State.NEW:
                        greet(turn, invite=False)
                        turn.step.state = State.AWAIT_DESCRIPTION
                    data.invites += 1  # another photo: never the same words twice running
                    turn.say(PhraseId.DESCRIBE_IN_WORDS if data.invites % 2 else PhraseId.DESCRIBE_IN_WORDS_AGAIN)
                turn.arm_idle()
                return
            if understood is not None and yes_among_thanks(turn, text):
                # "对的对的 谢谢你姑娘": the yes, not only thanks.
                intents = intents | {Intent.YES}
                turn.understood = dataclasses.replace(understood, intents=intents)
            if explained_again(turn, text):
                turn.arm_idle()  # "什么电话 是要我打电话给你们吗": the question in simpler words
                return
            if answered_phone_given(turn, text):
                turn.arm_idle()  # "我电话不是给过你们了吗": the number known taken, or asked once more
                return
            if answered_why_the_phone(turn, text):
                turn.arm_idle()  # "为什么？": what the phone is for, and the way out
                return
            if photo_asked_before_a_problem(turn, text):
                turn.arm_idle()  # "我啱啱send咗张相俾你 你哋收到未" with none received: told so, nothing recorded
                return
            other = split_beside_open_case(turn, text)
            if other is not None:
                # "楼道灯坏了 电梯也坏了" beside a case "楼道灯坏了": the lamp noted on it, the lift a new complaint.
                text, state = other, turn.step.state  # greeted already: the rest is taken as a first problem
                turn.understood = turn.kit.understander.understand(text, self._written_in(turn))
            read_as_a_question(turn, text)  # "你们会派人抓猫吗？": asked, not more of the problem
            read_as_asking_whom(turn, text)  # "是XX物业客服吗", "你叫什么名字": asked, no complaint nor the problem
            intents = turn.intents
            if answered_how_contacted(turn):
                turn.arm_idle()
                return
            if status_of_open_case(turn, intents, state):
                turn.arm_idle()
                return
            if joined_named_case(turn, text):
                if turn.step.state in COLLECTING:
                    turn.arm_idle()  # the case's phone's digits asked for first
                return
            note_followed_case(turn)
            if followed_up_open_case(turn, text):
                return  # "楼上还在敲" beside an open case of theirs: on that case, never a second one
            if same_place_as_before(turn, text):
                turn.arm_idle()  # "同一个地方", "跟上次一样": an earlier case's place, or asked again
                return
            placed = place_beside_politeness(turn, text)
            if (
                not placed
                and state is not State.NEW
                and (excuses_an_absence(turn, text) or says_still_here(turn, text))
            ):
                # "在吗 刚才手机没电了", "在" after "请问您还在吗？": no more of the problem, no place; asked again.
                ask_current(turn)
                turn.arm_idle()
                return
            # "对 你们几点下班" at the restatement: the yes taken as if said alone, the question answered too.
            beside = None if placed else answer_beside_a_question(turn, text)
            if beside is not None:
                take_the_answer(turn, beside)
                intents = turn.intents
            # "你们几点上班 楼上装修好吵", "13800138000 你们几点下班": the form takes the message as without
            # the question, and the question is answered after it.
            answered = beside is not None and bool(beside.answers)
            asked = None if placed else asked_beside(turn, text, state, beside_an_answer=answered)
            if placed or (asked is None and side_intent(turn, intents, state)):
                if turn.step.state in COLLECTING:
                    turn.arm_idle()
                return
            first_reply = len(turn.step.replies)
            if not data.description and _has_a_case_open(turn.customer):
                # "另外还有个事 楼下垃圾桶满了" beside a case of theirs: the new problem as told.
                text = without_openers(turn, text)
            self._handlers[state](turn, beside.answer if beside is not None and asked is not None else text)
            noted = acknowledge_asked_sooner(turn, text, first_reply)
            if asked is not None:
                answer_asked_beside(turn, asked, first_reply, noted)
            self._emotion_first(turn, signals, first_reply)
            if turn.step.state in COLLECTING:
                turn.arm_idle()
            return
        if state is State.HANDED_OFF:
            first_reply = len(turn.step.replies)
            self._after_hand_off(turn, text, intents, signals)
            empathy_for_insults(turn, first_reply)  # "你们这帮垃圾" while the case waits
            # The supervisor's questions answered (or asked their last time): the restatement and
            # the time promised, which the hand-off left for now.
            keep_owed_promise(turn)

    def _after_hand_off(self, turn: Turn, text: str, intents: frozenset[Intent], signals: frozenset[Signal]) -> None:
        """A message after the hand-off: a new escalation, the answers to the supervisor's
        questions, more for the case, or a message the person reads."""
        data = turn.step.data
        if confirmed_after_the_hand_off(turn):
            # "对" to the restatement the supervisor's path asked about: the case confirmed, the
            # customer thanked and reassured that the duty supervisor will call.
            answer_while_escalated(turn)
            return
        if another_matter_announced(turn, text):
            return  # "另外 我家楼下的水管爆了" after 垃圾: a case of its own, its danger its own
        # Each with the problem it may tell for the first time ("叫你们经理出来", then "我要投诉…
        # 我要找你们领导"): registered as the case the supervisor's ticket carries.
        if signals & ESCALATING_SIGNALS:
            if Signal.DANGER in signals and data.area is None and data.urgent_place_asks:
                # "孩子还在车里 快来人啊 地下车库B2" at "请您告诉我具体地址": the danger told again with the place.
                place_after_hand_off(turn, last_pause=True)
            escalate(turn, reason=escalation_reason(signals), told=text)
            return
        if stayed_in_care(turn):
            return  # "没人管我" after "我不想活了": care and the helpline again, never the complaint's questions
        appeal = appeals_the_handling(turn)
        if Intent.SUPERVISOR in intents or appeal:
            # "我要找你们领导" while waiting: the duty supervisor, as before the hand-off; "你们根本不管
            # 都第三次了" about the case: an appeal of it (seed 003), the supervisor's too.
            escalate(turn, reason=TicketReason.APPEAL if appeal else TicketReason.SUPERVISOR_REQUESTED, told=text)
            return
        if Signal.COMPENSATION in signals and not turn.says_any(text, turn.kit.form.settled_words):
            # "我要求赔偿" while waiting: beyond the bot's authority, as before the hand-off.
            escalate(turn, reason=TicketReason.BEYOND_AUTHORITY, told=text)
            return
        if asked_in_an_emergency(turn):
            # "what should i do", "怎么办啊", "點算" in an emergency: how to stay safe from its danger
            # again, then what is still missing; never the phone question alone.
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
            ask_what_is_still_missing(turn)
            return
        if answered_why_the_phone(turn, text):
            return  # "为什么？" at the supervisor's phone question: what it is for, no refusal
        if answered_phone_given_to_the_supervisor(turn, text):
            return  # "上次留过了", "就用这个手机号" at the supervisor's phone question: that number, or none known
        if asked_while_the_phone_is_asked(turn):
            return  # "你们几点下班" while the supervisor's phone is asked for: answered, no refusal
        if on_chaser(turn):
            return  # "快点啊" while the phone or the address is asked for: no refusal, no place
        if acknowledged_safe_now(turn, text):
            # "我已经出来了" after the gas advice: acknowledged, then what the supervisor still needs.
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
            ask_what_is_still_missing(turn)
            return
        if answered_photo_not_received(turn, text):
            return  # "我发的照片你们收到没" with none received: told so
        if answered_whether_anyone_is_there(turn, text):
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
            return  # "有人吗？？？" while waiting: the wait phrase, never silence
        if asked_after_a_case_by_its_place(turn):
            return  # "金色家园的呢": the case there, or that none is; never this case's place
        if another_case_named_after_hand_off(turn, text):
            return  # "TS2026…(another case's) 还是没修好": that case's phone's digits first, never this case told
        if Intent.COMPLAINT in intents and _only_a_place_while_none(turn, text):
            # "翠湖天地 地面停车场" at the supervisor's phone question: the place, not more of the problem.
            intents = intents - {Intent.COMPLAINT}
        if complaint_after_hand_off(turn, Intent.COMPLAINT in intents, text):
            if data.escalation_phone_asks and turn.step.complaint is not None:
                # The duty supervisor's path: the problem noted, what is missing asked, then the promise.
                owe_promise(turn, turn.step.complaint)
                turn.say(PhraseId.DESCRIPTION_RECORDED)
            self._after_late_complaint(turn)
            return
        problem_told_at_last(turn, text)
        placed = place_after_hand_off(turn)
        if not placed and who_is_inside_at_the_place_question(turn, text):
            return
        if 0 < data.escalation_phone_asks < PHONE_ASKS_DONE:
            if placed and not turn.phone:
                # The place asked for with the phone came first: noted, the phone still asked.
                written = place_as_written(turn)
                turn.say(PhraseId.PLACE_NOTED_ASK_PHONE, area=written or data.area, verbatim=(written or "",))
                return
            if on_escalation_phone(turn, text):
                return
        if took_back_withdrawal(turn, text):
            return  # "诶 还是来吧 又开始漏了" after "算了 不用来了": the case active again, with its time
        if corrected_contact(turn) or corrected_place(turn):
            if asks_about_the_case(turn):
                # "地址写错了 是5栋不是3栋 你们什么时候来": the question is answered as well.
                tell_status_of_the_cases(turn, this_case(turn))
            return
        if withdrew_after_hand_off(turn, intents, text):
            return
        if placed:
            if data.owed_promise is None:
                written = place_as_written(turn)
                noted = PhraseId.PLACE_NOTED if data.phone else PhraseId.PLACE_NOTED_BY_CHANNEL
                turn.say(noted, area=written or data.area, verbatim=(written or "",))
            return  # else the restatement, with the place, says it was taken
        if told_of_their_health_after_hand_off(turn, text):
            return  # "我有心脏病 天天睡不着": cared for, and kept on the case with its signal
        if told_of_staff_attitude_while_waiting(turn, text):
            return  # "你们客服态度太差了": the apology, and kept on the case with its signal and category
        if urged_on_this_case(turn, text):
            return  # "TS2026… 电梯还是没修好": this case's words, never another problem's new case
        if asks_about_the_case(turn):
            tell_status_of_the_cases(turn, this_case(turn))
            return
        if added_to_the_case(turn, text):
            return
        if data.owed_promise is not None and not intents - {Intent.NO}:
            # "不知道" to the place question: the restatement and the time follow, not "已转给客服代表".
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
            return
        if not side_intent(turn, intents, State.HANDED_OFF):
            on_handed_off(turn, text)

    @staticmethod
    def _on_case_check(turn: Turn) -> None:
        """The answer to ``verify_case_phone``. Confirmed, what naming the case was for is done: an
        appeal joins it, a withdrawal takes it back, a status question hears where it stands. Not
        confirmed, an appeal's words go on as the customer's own complaint, through the form (or to
        the duty supervisor, for an appeal whose number was asked for), nothing is taken back and
        nothing is told; the case is left as it was."""
        data = turn.step.data
        checked_for = CaseCheckFor(data.case_check_for or CaseCheckFor.APPEAL)
        case_number, text = data.case_check or "", data.case_check_text or ""
        handed_off = turn.step.state is State.HANDED_OFF
        outcome = checked_case(turn)
        if outcome is CheckOutcome.ASKED_AGAIN:
            return
        data.case_check_for = data.case_check_text = None
        case = proven_status(turn, case_number) if outcome is CheckOutcome.CONFIRMED else None
        if checked_for is CaseCheckFor.STATUS:
            if case is None:
                turn.say(PhraseId.ANYTHING_ELSE)
            else:
                told_by_number(turn, case)
            return
        if handed_off:
            # Named beside this conversation's own case: that case appealed, or its status told when
            # resolved; not confirmed, the words are a case of their own beside this one.
            if case is not None and not appealed_another_case(turn, case, text):
                told_by_number(turn, case)
            elif case is None:
                new_case_beside_this_one(turn, text)
            return
        if checked_for is CaseCheckFor.WITHDRAWAL:
            if case is None:
                turn.say(PhraseId.ANYTHING_ELSE)
            elif case.stage is CaseStage.RESOLVED:
                turn.say(PhraseId.WITHDRAWN)  # handled already: nothing left to take back
                close(turn, "withdrawn")
            else:
                withdraw_case(turn, case_number, text)
            return
        if case is not None and case.stage is not CaseStage.RESOLVED and case.deadline_at is not None:
            link_to_case(turn, OpenCase(case_number, case.deadline_at, status=case))
            return
        if case is not None and reopened_proven_case(turn, case, text):
            return  # "TS2026… 还是没解决" about their resolved case: reopened, never a new case
        if case is not None:
            data.follows_case = case_number  # their resolved case: the new one follows it
        if checked_for is CaseCheckFor.APPEAL_NUMBER:
            escalate(turn, reason=TicketReason.APPEAL)
        else:
            go_on_with_the_form(turn)

    @staticmethod
    def _after_late_complaint(turn: Turn) -> None:
        """A problem registered after the hand-off: the phone still asked for the supervisor's
        call is asked once more, else a place the case lacks."""
        data = turn.step.data
        if 0 < data.escalation_phone_asks < PHONE_ASKS_DONE:
            if data.phone:
                data.escalation_phone_asks = PHONE_ASKS_DONE
            else:
                data.escalation_phone_asks = 2
                turn.say(PhraseId.ASK_PHONE)
                return
        if data.area is None and not needs_no_place(turn):
            data.place_asked_after_hand_off = True
            turn.say(PhraseId.ASK_AREA)

    def _follow_language(self, turn: Turn, text: str) -> None:
        """Answer in the language the message is written in, from here on (a message too short
        to tell keeps the conversation's). Told here against the conversation's locale: a
        reading made before the conversation was loaded (the model's) did not know it."""
        data = turn.step.data
        so_far = self._written_in(turn)
        # The customer has told something in this conversation's language already.
        settled = bool(data.description)
        # A case number read out in groups ("TS 2026 1123 ABC DEF") is no English.
        prefix = turn.kit.config.service.case_prefix
        words = without_case_numbers(text, prefix).lower() if case_numbers_in(text, prefix) else text
        slots = turn.understood.slots if turn.understood is not None else None
        places = (slots.address, slots.district, slots.district_words, slots.region) if slots is not None else ()
        answer = turn.kit.understander.answer_locale(words, so_far, settled, [place for place in places if place])
        place_told_after_the_problem = settled and _only_a_place_told(turn.understood)
        if (
            answer == ZH_TW
            and so_far == ZH_CN
            and settled
            and _only_items(turn.understood, turn.kit.understander.simplified)
            and turn.kit.understander.written_simplified(description_text(data))
        ):
            # "太古城金星閣15樓B室" alone after a problem told in simplified characters: the place's
            # own characters (Hong Kong's estates are written so), not the customer's script; the
            # conversation goes on, the place said back, in simplified ("我住喺…" would turn it).
            return
        if answer.startswith("zh") != so_far.startswith("zh") and (
            _only_items(turn.understood, turn.kit.understander.simplified)
            or place_told_after_the_problem
            or _the_place_asked_answered(turn, text)
        ):
            # "阳光花园3栋" in an English conversation: an answer, not another language; so is a
            # place copied in its own script once the problem is told ("15樓 B室 金星閣 太古城"),
            # said back in its characters, and "sunshine garden block 3" answering the place question
            # of a Chinese conversation.
            data.traditional = data.traditional or answer == ZH_TW
            return
        if answer.startswith("zh"):
            data.traditional = answer == ZH_TW
        book = turn.kit.phrases.book_for(answer)
        if book is None or book == turn.locale:
            return
        turn.audit(TimelineKind.LOCALE_SWITCHED, **{"from": turn.locale, "to": book})
        turn.locale = turn.step.locale = book
        # "sorry my chinese not good, the lift is broken": the question was not understood, so
        # this message is answered, in its language, not heard out as more of the problem.
        data.recorded_at = None

    @staticmethod
    def _written_in(turn: Turn) -> str:
        """The conversation's language so far, traditional Chinese told apart from simplified
        (the phrase book is zh-CN for both)."""
        return ZH_TW if turn.step.data.traditional and turn.locale.startswith("zh") else turn.locale

    def _emotion_first(self, turn: Turn, signals: frozenset[Signal], first_reply: int) -> None:
        """Emotion first, facts second (seed 000 五(二)): the apology for our error, else empathy;
        then a prepared customer's knowledge and evidence are acknowledged (seed 000 五(二)5), and
        a health condition told is cared for and noted for the staff.
        Said before this message's other replies (``first_reply`` on), after a greeting."""
        phrases = []
        if Signal.STAFF_ERROR in signals:
            phrases.append(PhraseId.STAFF_ERROR_APOLOGY)
        elif (
            Signal.EMOTIONAL in signals
            and not self._asked_again(turn)
            and not self._nothing_told_yet_asks(turn)
            and not self._angry_again_while_heard_out(turn, first_reply)
        ):
            phrases.append(PhraseId.EMPATHY)
        if Signal.PREPARED in signals and Signal.PREPARED not in turn.earlier_signals:
            phrases.append(PhraseId.PREPARED_ACKNOWLEDGE)  # once: repeated, it would sound rote
        if Signal.HEALTH in signals and Signal.HEALTH not in turn.earlier_signals:
            phrases.append(PhraseId.HEALTH_NOTED)  # "我有心脏病 天天睡不着": care, once
        replies = turn.step.replies
        position = first_reply
        while position < len(replies) and replies[position].phrase_id == PhraseId.GREETING_OPENING:
            position += 1
        replies[position:position] = [
            OutboundMessage(text=turn.text(phrase), phrase_id=phrase.value) for phrase in phrases
        ]

    @staticmethod
    def _angry_again_while_heard_out(turn: Turn, first_reply: int) -> bool:
        """More anger while the customer is still telling the problem and is heard out in
        silence ("网素慢死了!!!!!!" right after "宽代又断了😡 什么破网" was met with empathy): the same
        apology again would sound rote; the next reply the customer gets carries it if still angry."""
        return len(turn.step.replies) == first_reply and Signal.EMOTIONAL in turn.earlier_signals

    @staticmethod
    def _asked_again(turn: Turn) -> bool:
        """Only question marks again ("？？？") after the customer's impatience was met once: the
        question is asked again without the same apology each time."""
        understood = turn.understood
        return understood is not None and turn.only_asks(understood.text) and Signal.EMOTIONAL in turn.earlier_signals

    @staticmethod
    def _nothing_told_yet_asks(turn: Turn) -> bool:
        """Only question marks ("？？？") before any problem is told: nothing has gone wrong for the
        bot to apologise for yet; the customer is invited to speak."""
        understood = turn.understood
        return understood is not None and not turn.step.data.description and turn.only_asks(understood.text)

    # ------------------------------------------------------------------ timers

    def _on_timer(self, turn: Turn, event: TimerFired) -> None:
        armed = turn.step.data.timers
        if armed.get(event.kind) != event.token:
            return
        del armed[event.kind]
        if event.kind in CLOSING_TIMERS:
            on_closing_timer(turn, event.kind)
        elif event.kind is TimerKind.OWED_PROMISE:
            keep_owed_promise(turn)
        elif event.kind is TimerKind.PHONE_PIECES_PROMPT:
            ask_for_the_rest(turn)
        elif event.kind is TimerKind.PLACE_PIECES_PROMPT:
            ask_for_the_rest_of_the_place(turn)
        else:
            on_callback_timer(turn, event.kind)


__all__ = [
    "CONSULTATION_QUEUE",
    "GENERAL_QUEUE",
    "SUPERVISOR_QUEUE",
    "AuditEvent",
    "ComplaintFlow",
    "CustomerSaid",
    "Event",
    "FlowData",
    "Resolved",
    "Started",
    "Step",
    "TimerFired",
    "TimerKind",
]


def _read_asked_phones(turn: Turn, understood: Understanding) -> None:
    """The phone asked for, read whatever words are around it: "i told you already, 98765432";
    two numbers typed give both, in the order typed, for the flow to tell which is the right one,
    less one denied ("it's 9876 5433 not 9876 5432" gives 9876 5433)."""
    asked = turn.kit.understander.asked_phones(understood.text)
    slots = understood.slots
    if not asked or (slots.phone is not None and (slots.phone not in asked or len(asked) < 2)):
        return
    second = asked[1] if len(asked) > 1 else slots.second_phone
    turn.understood = dataclasses.replace(
        understood,
        slots=dataclasses.replace(
            slots,
            phone=asked[0],
            phone_extension=slots.phone_extension if asked[0] == slots.phone else None,
            second_phone=second,
            second_phone_extension=slots.second_phone_extension if second == slots.second_phone else None,
        ),
    )


def _has_a_case_open(customer: CustomerView) -> bool:
    """The customer has a case open from another conversation, theirs (not one a typed phone found)."""
    return customer.open_case is not None and not customer.open_case.by_typed_phone


def _phone_asked(turn: Turn) -> bool:
    """The phone is what the bot asked for last: at the form's phone question, or for the duty
    supervisor's call; or it is one of the items the restatement asks the customer to check."""
    data = turn.step.data
    if turn.step.state in (State.AWAIT_PHONE, State.CORRECT_PHONE, State.CONFIRMING):
        return True
    return turn.step.state is State.HANDED_OFF and 0 < data.escalation_phone_asks < PHONE_ASKS_DONE and not data.phone


def _read_as_own_fault(turn: Turn, text: str) -> None:
    """An apology for the customer's own manner ("我刚才态度不好，对不起啊": ``form.own_fault_words``)
    is answered as an apology; it is no complaint about our service attitude."""
    understood = turn.understood
    if understood is None or Intent.APOLOGY not in understood.intents or Intent.COMPLAINT not in understood.intents:
        return
    if not turn.says_any(text, turn.kit.form.own_fault_words):
        return
    about_manner = (None, turn.kit.rules.fallback_category, *turn.kit.config.followups.handling_categories)
    if understood.category not in about_manner:
        return  # "我态度不好是因为电梯坏了三天": the problem is told too
    turn.understood = dataclasses.replace(understood, intents=understood.intents - {Intent.COMPLAINT}, category=None)


def _only_a_place_while_none(turn: Turn, text: str) -> bool:
    """A case without a place and a message that only tells one, a category's word at most being the
    place's part ("翠湖天地 地面停车场"): taken as the place, whatever question was asked."""
    data = turn.step.data
    if data.area is not None or (data.case_number is None and data.appeal_of is None):
        return False
    return told_as_a_place(turn, text) is not None


def _only_a_place_told(understood: Understanding | None) -> bool:
    """The message gives a place and nothing the rules read besides: no problem, request or feeling."""
    if understood is None or understood.intents or understood.signals or understood.category:
        return False
    return understood.slots.address is not None


def _the_place_asked_answered(turn: Turn, text: str) -> bool:
    """The place question answered with words naming a place (an address read, or an English unit
    with its number, an estate's or a street's word: "sunshine garden block 3") and nothing else the
    rules read: the answer, in whatever language places are named, not the customer's language."""
    understood = turn.understood
    if turn.step.state is not State.AWAIT_AREA or turn.step.data.area or understood is None:
        return False
    if understood.intents or understood.signals or understood.category:
        return False
    if understood.slots.address:
        return True
    english_place = turn.kit.place_words.english_place_word
    return english_place is not None and english_place.search(text) is not None


def _only_items(understood: Understanding | None, simplified: Callable[[str], str]) -> bool:
    """The message is a place or a name (and digits) and no other word: "阳光花园3栋", not
    "我的电话是138…", which is written in Chinese."""
    if understood is None or understood.intents or understood.signals or understood.category:
        return False
    rest = simplified(understood.text)
    items = [item for item in (understood.slots.address, understood.slots.name) if item and item in rest]
    for item in items:
        rest = rest.replace(item, "")
    return bool(items) and not any(char.isalpha() for char in rest)


def _greeting_words(config: ServiceConfig) -> list[str]:
    """The courtesies a problem may start with: hellos and apologies ("sorry 楼上漏水")."""
    words: list[str] = []
    for intent in (Intent.GREETING, Intent.APOLOGY):
        courtesy = config.classification.intents.get(intent)
        if courtesy is not None:
            words.extend([*courtesy.keywords, *courtesy.whole_message])
    return words


def _item_words(config: ServiceConfig) -> list[str]:
    """The words that name a form item ("电话", "住在", "我是"): what is left of "我电话138…" in a
    description once the item itself is taken out."""
    fields = config.classification.correction_fields
    names = config.names
    return [
        *fields.get("phone", []),
        *fields.get("area", []),
        *config.gazetteer.address_triggers,
        *names.name_intros,
        *names.self_intros,
        *names.surname_intros,
        *names.english_name_intros,  # "My name is John Smith": the intro goes with the name
        *names.english_surname_intros,
        *names.surname_spellings,  # "弓长张": the surname spelled out is no more of the problem
    ]


def _insult_name_intros(config: ServiceConfig) -> list[str]:
    """The words giving a name ("my name is", "I'm Mrs", "我是"): before an insult given as a name
    ("I'm Mrs Shithead"), they go out of the restated problem with it."""
    names = config.names
    intros = [*names.name_intros, *names.self_intros, *names.english_name_intros, *names.english_self_intros]
    titles = [*names.english_honorifics, *(f"{title}." for title in names.english_honorifics)]
    return [*intros, *titles, *(f"{intro} {title}" for intro in intros for title in titles if intro.isascii())]
