"""Answers beside the complaint: the FAQ, unanswerable questions (the consultation queue), praise,
thanks, apologies, suggestions, out-of-scope requests and greetings."""

from __future__ import annotations

from bot.config import FaqEntry, Intent, PhraseId
from bot.core.messages import OutboundMessage
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.asking import ask_current, invite
from bot.flows.case import CONSULTATION_QUEUE, open_ticket
from bot.flows.closing import close
from bot.flows.greeting import greet, more_than_a_hello
from bot.flows.records import State
from bot.flows.slots import only_announces_a_question
from bot.flows.small_talk import only_small_talk
from bot.flows.turn import Turn

_SIDE_ANSWERS = {
    Intent.PRAISE: (PhraseId.PRAISE_THANKS, TimelineKind.SIDE_PRAISE),
    Intent.THANKS: (PhraseId.CUSTOMER_THANKED, TimelineKind.SIDE_THANKS),
    Intent.APOLOGY: (PhraseId.CUSTOMER_APOLOGISED, TimelineKind.SIDE_APOLOGY),
    Intent.SUGGESTION: (PhraseId.SUGGESTION_THANKS, TimelineKind.SIDE_SUGGESTION),
    Intent.OUT_OF_SCOPE: (PhraseId.OUT_OF_SCOPE, TimelineKind.SIDE_OUT_OF_SCOPE),
}
"""Side intents the bot answers (in this order of precedence) and the timeline row each leaves:
praise before thanks (seed 001 (15): thanks get "不客气", further praise the praise answer)."""
_ANSWERED_BESIDE_AN_ITEM = frozenset(
    {Intent.QUESTION, Intent.STATUS_QUERY, Intent.PRAISE, Intent.SUGGESTION, Intent.OUT_OF_SCOPE}
)
"""Side intents answered even in a message that gives an item of the form; a thanks, an apology
or a greeting beside one is only politeness."""
_RECORDED_TEXT = frozenset({Intent.PRAISE, Intent.SUGGESTION})
"""Side intents whose words go on the timeline: praise for the staff it names, suggestions for
the departments concerned (seed 001 (10), (15))."""
_HELLO_ANSWERED = "hello_answered"
"""``FlowData.extra`` key: what the last hello after the hand-off heard (the greeting, or ``hello_again``)."""


def side_intent(turn: Turn, intents: frozenset[Intent], state: State) -> bool:
    """Answer questions, praise, thanks, apologies, suggestions and out-of-scope requests;
    True if handled. A message that also describes a problem ("不好意思,我家停电了") is a
    complaint first."""
    if Intent.COMPLAINT in intents:
        return False
    if turn.changed and not intents & _ANSWERED_BESIDE_AN_ITEM:
        return False  # "不好意思 我电话是139…": the phone is the message; the form goes on
    if state in (State.CONFIRMING, State.CHOOSE_CORRECTION) and intents & {Intent.YES, Intent.NO}:
        return False
    if Intent.QUESTION in intents and _on_question(turn, state):
        return True
    if Intent.STATUS_QUERY in intents and state is not State.HANDED_OFF and status_before_the_case(turn):
        return True
    if Intent.GOODBYE in intents and state is not State.HANDED_OFF and _takes_leave(turn):
        _leaves_before_the_case(turn)
        return True
    if Intent.GOODBYE in intents and _nothing_asked_yet(turn, state):
        # "没有了 谢谢", "nope thats all" right after a farewell (in the conversation that follows a
        # closed one) or after "请问有什么可以帮您吗？": no question of the form to answer, nothing to record.
        turn.say(PhraseId.GOODBYE)
        turn.audit(TimelineKind.SIDE_GOODBYE)
        close(turn, "goodbye")
        return True
    if Intent.GOODBYE in intents and state is State.HANDED_OFF:
        turn.say(PhraseId.GOODBYE)  # "再见", "没有了 谢谢" after "请问还有什么可以帮助您？"
        turn.audit(TimelineKind.SIDE_GOODBYE)
        turn.step.data.acked_at = None  # written to again, they are answered, never heard out in silence
        return True
    for intent, (phrase, kind) in _SIDE_ANSWERS.items():
        if intent in intents:
            turn.say(phrase)
            if intent in _RECORDED_TEXT and turn.understood is not None:
                turn.audit(kind, text=turn.understood.text)
            else:
                turn.audit(kind)
            if state is State.HANDED_OFF:
                return True
            if intent in _RECORDED_TEXT and state in (State.NEW, State.AWAIT_DESCRIPTION):
                turn.say(PhraseId.ANYTHING_ELSE)
                turn.step.state = State.AWAIT_DESCRIPTION
                return True
            if state is State.NEW:
                greet(turn)
                turn.step.state = State.AWAIT_DESCRIPTION
                return True
            ask_current(turn)
            return True
    said = turn.understood.text if turn.understood is not None else ""
    if Intent.GREETING in intents and state is State.HANDED_OFF and not more_than_a_hello(turn, said):
        # "你好" while the case waits (after a goodbye too): greeted back, and asked what else they need;
        # "喂" / "喂喂" again hears the silent line's second prompt in turn, never the greeting twice running.
        data = turn.step.data
        if data.extra.get(_HELLO_ANSWERED) == PhraseId.GREETING_OPENING.value:
            turn.say(PhraseId.HELLO_AGAIN)
            data.extra[_HELLO_ANSWERED] = PhraseId.HELLO_AGAIN.value
            return True
        greet(turn, tell_open_case=False, invite=False)
        turn.say(PhraseId.ANYTHING_ELSE)
        data.extra[_HELLO_ANSWERED] = PhraseId.GREETING_OPENING.value
        return True
    if Intent.GREETING in intents and state is not State.NEW and not more_than_a_hello(turn, said):
        ask_current(turn)
        return True
    return False


def _on_question(turn: Turn, state: State) -> bool:
    """A question, not a complaint: the FAQ's answer, or seed 001 (16) and the consultation
    queue. Mid-complaint, an unanswered question is recorded on the case and the complaint
    goes on; after hand-off it reaches the agent as any message does. True if handled."""
    question = turn.understood.text if turn.understood is not None else ""
    entry = turn.kit.faq.match(question)
    data = turn.step.data
    if (
        state in (State.NEW, State.AWAIT_DESCRIPTION)
        and not data.description
        and (entry is None or entry.greeting_answers)
        and only_small_talk(turn, turn.kit.summary.without_greeting(question))
    ):
        # "你好 请问 是物业吗", "你几号": whom they reached, said; the problem asked for, no contact.
        answer_small_talk(turn, question)
        return True
    if entry is not None:
        answer_faq(turn, entry)
        if state is not State.HANDED_OFF:
            go_on_after_an_answer(turn, state)
        return True
    if state is State.HANDED_OFF:
        return False
    if state not in (State.NEW, State.AWAIT_DESCRIPTION) and _only_a_retort(turn, question):
        ask_current(turn)  # "你说呢？" at the phone question: asked again, nothing recorded
        return True
    if (
        state in (State.NEW, State.AWAIT_DESCRIPTION)
        and not data.description
        and only_announces_a_question(turn, question)
    ):
        # "闺女 我问一下": nothing asked yet; invited to speak, not asked for a contact (seed 000).
        if state is State.NEW:
            greet(turn, invite=False)
        turn.say(PhraseId.ASK_DETAILS)
        turn.step.state = State.AWAIT_DESCRIPTION
        return True
    turn.audit(TimelineKind.CONSULTATION_ASKED, text=question)
    if state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description:
        turn.say(PhraseId.MESSAGE_RECORDED)
        ask_current(turn)
        return True
    if data.phone:
        open_consultation(turn)
        return True
    data.consultation = question
    turn.say(PhraseId.QUESTION_LATER)
    turn.step.state = State.AWAIT_DESCRIPTION
    return True


def answer_small_talk(turn: Turn, text: str) -> None:
    """Small talk before any problem (``bot/flows/small_talk.py``): nothing recorded. Not greeted yet,
    the greeting answers it (it names the organisation and the work number: "是物业吗", "你几号"), with
    the invitation; greeted, a question whom they reached hears the FAQ's answer to it
    (``greeting_answers``: "是物业吗" after "你好") and the invitation, anything else the problem asked
    for again in other words ("test")."""
    if turn.step.state is State.NEW:
        greet(turn)
        turn.step.state = State.AWAIT_DESCRIPTION
        return
    if any(reply.phrase_id == PhraseId.GREETING_OPENING for reply in turn.step.replies):
        invite(turn)  # greeted by this very message: the invitation
        return
    entry = turn.kit.faq.match(text)
    if entry is not None and entry.greeting_answers:
        answer_faq(turn, entry)
        turn.say(PhraseId.INVITE_COMPLAINT)
        return
    invite(turn)


def _only_a_retort(turn: Turn, question: str) -> bool:
    said = turn.kit.understander.matchable(question).strip(" \t?？!！。.,，~～…")
    return said in {word.lower() for word in turn.kit.form.retort_words}


def acknowledge_asked_sooner(turn: Turn, text: str, first_reply: int) -> bool:
    """A problem told with a request to handle it sooner ("下水道堵了 臭死了 能不能今天就处理",
    ``form.sooner_words``): noted for the staff and said so, ``message_recorded`` in place of
    ``description_recorded`` (or before this message's other replies; with the current question
    when the message was heard out in silence). The promised time stays the standard's. True if noted."""
    if not turn.says_any(text, turn.kit.form.sooner_words):
        return False
    note_for_the_staff(turn, text, first_reply)
    return True


def note_for_the_staff(turn: Turn, text: str, first_reply: int) -> None:
    """``text`` asks what the staff answer: on the timeline for them, and ``message_recorded`` said in
    place of ``description_recorded`` (or before this message's other replies, after a greeting;
    with the current question when the message was heard out in silence)."""
    turn.audit(TimelineKind.CONSULTATION_ASKED, text=text)
    replies = turn.step.replies
    if any(reply.phrase_id == PhraseId.MESSAGE_RECORDED for reply in replies[first_reply:]):
        return  # said so already by this message's other replies
    noted = OutboundMessage(text=turn.text(PhraseId.MESSAGE_RECORDED), phrase_id=PhraseId.MESSAGE_RECORDED.value)
    for position in range(first_reply, len(replies)):
        if replies[position].phrase_id == PhraseId.DESCRIPTION_RECORDED:
            replies[position] = noted
            return
    if len(replies) == first_reply:
        replies.append(noted)
        ask_current(turn)
        return
    position = first_reply
    while position < len(replies) and replies[position].phrase_id == PhraseId.GREETING_OPENING:
        position += 1
    replies.insert(position, noted)


def _takes_leave(turn: Turn) -> bool:
    """The customer says goodbye in words ("拜拜", "再见", "bye": the goodbye intent's keywords), not
    only "没有了", which answers the place question (no place) before the hand-off (before anything
    is asked, "没有了" takes leave too: ``_nothing_asked_yet``)."""
    rule = turn.kit.config.classification.intents.get(Intent.GOODBYE)
    return rule is not None and turn.understood is not None and turn.says_any(turn.understood.text, rule.keywords)


def _nothing_asked_yet(turn: Turn, state: State) -> bool:
    """Nothing of a complaint is told and no question is pending that "没有了" could answer (the place,
    a case number to take back, a consultation's contact): a nothing-more is a leave-taking."""
    data = turn.step.data
    if state is State.NEW:
        return True
    return (
        state is State.AWAIT_DESCRIPTION
        and not data.description
        and not data.withdrawing
        and data.consultation is None
        and data.case_number is None
    )


def _leaves_before_the_case(turn: Turn) -> None:
    """Goodbye before the complaint is registered: before anything was told, the conversation ends
    politely; with a complaint half taken, the customer hears it is not registered yet and that
    they can come back here to go on (the form waits where it was, until the idle close)."""
    turn.audit(TimelineKind.SIDE_GOODBYE)
    if not turn.step.data.description:
        turn.say(PhraseId.WITHDRAWN)
        close(turn, "goodbye")
        return
    turn.say(PhraseId.GOODBYE_UNFILED)
    # Coming back, whatever they write is answered: never heard out as the rest of the problem.
    turn.step.data.recorded_at = None


def status_before_the_case(turn: Turn) -> bool:
    """ "什么时候来修?" while the complaint is still being taken: no case yet to tell the status
    of, so the FAQ entry about the case (``about_the_case``: when a registered complaint is
    answered) answers it, and the form goes on; asked for its number ("我的投诉编号是多少"), the
    customer hears it comes once the complaint is registered. True if handled."""
    if turn.understood is not None and turn.says_any(turn.understood.text, turn.kit.form.case_number_words):
        turn.say(PhraseId.CASE_NUMBER_LATER)
        ask_current(turn)
        return True
    entry = next((entry for entry in turn.kit.config.faq.entries if entry.about_the_case), None)
    if entry is None:
        return False
    answer_faq(turn, entry)
    ask_current(turn)
    return True


def go_on_after_an_answer(turn: Turn, state: State) -> None:
    """After an answer while the complaint is taken: "请问还有什么可以帮助您？" before a problem is
    told, else the question the form is at."""
    if state in (State.NEW, State.AWAIT_DESCRIPTION):
        turn.say(PhraseId.ANYTHING_ELSE)
        turn.step.state = State.AWAIT_DESCRIPTION
    else:
        ask_current(turn)


def answer_faq(turn: Turn, entry: FaqEntry) -> None:
    turn.step.replies.append(faq_answer(turn, entry))


def faq_answer(turn: Turn, entry: FaqEntry) -> OutboundMessage:
    """The entry's answer, as said now; its answering goes on the timeline."""
    handed_off = turn.step.state is State.HANDED_OFF and entry.after_handoff is not None
    answer = entry.after_handoff if handed_off and entry.after_handoff is not None else entry.answer
    text = turn.kit.phrases.fill(answer.get(turn.locale), turn.locale, **turn.kit.config.faq_answer_values(turn.locale))
    turn.audit(TimelineKind.FAQ_ANSWERED, entry=entry.id)
    return OutboundMessage(text=text, phrase_id=f"faq:{entry.id}")


def open_consultation(turn: Turn) -> None:
    """Seed 001 (16): the contact is known; a person looks the answer up and calls back."""
    turn.step.data.consultation = None
    turn.say(PhraseId.CONSULTATION_TAKEN)
    open_ticket(turn, None, CONSULTATION_QUEUE, 2, TicketReason.CONSULTATION)
