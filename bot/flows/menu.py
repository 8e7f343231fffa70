"""A menu button that asks something (a ``MENU`` message: a WeChat menu button that
``config/channels.yaml`` maps to ``status`` or ``faq:<entry id>``), answered as the same question
typed would be at the step the conversation is at: where the case stands, or that FAQ entry."""

from __future__ import annotations

from bot.config import FaqEntry, Intent
from bot.core.messages import MenuAction, MenuChoice
from bot.flows.asking import ask_current
from bot.flows.callback import CALLBACK_STATES, ask_rating
from bot.flows.records import COLLECTING, CaseStage, CaseStatus, State
from bot.flows.side_answers import answer_faq, go_on_after_an_answer, status_before_the_case
from bot.flows.status import status_of_open_case, tell_status, tell_status_of_the_cases, this_case
from bot.flows.turn import Turn

_ASKS_STATUS = frozenset({Intent.STATUS_QUERY})


def asked_choice(pressed: MenuChoice | None) -> MenuChoice | None:
    """What a menu message's button asks; None for a button that only opens the conversation."""
    return None if pressed is None or pressed.action is MenuAction.OPEN else pressed


def on_menu(turn: Turn, choice: MenuChoice) -> bool:
    """Answer the button's question; False when there is none to answer (its FAQ entry is gone:
    the configuration checks it is there, but an entry may go while a push waits), so the button
    opens the conversation instead."""
    if choice.action is MenuAction.STATUS:
        _on_status(turn)
        return True
    entry = faq_entry(turn, choice)
    if entry is None:
        return False
    if entry.about_the_case and turn.step.state is State.HANDED_OFF:
        tell_status_of_the_cases(turn, this_case(turn))  # "多久能处理?" once the case is with the staff: its own status
        return True
    _on_faq(turn, entry)
    return True


def on_menu_while_agent_owns(turn: Turn, choice: MenuChoice) -> None:
    """An agent owns the conversation: only where the case stands is answered (a status button,
    or an FAQ entry about the case), as for the same question typed; the agent sees the button
    pressed and answers the rest."""
    if turn.step.state is not State.HANDED_OFF:
        return
    entry = faq_entry(turn, choice) if choice.action is MenuAction.FAQ else None
    if choice.action is MenuAction.STATUS or (entry is not None and entry.about_the_case):
        tell_status_of_the_cases(turn, this_case(turn))


def faq_entry(turn: Turn, choice: MenuChoice) -> FaqEntry | None:
    return next((entry for entry in turn.kit.config.faq.entries if entry.id == choice.faq_id), None)


def _on_status(turn: Turn) -> None:
    state = turn.step.state
    if state is State.HANDED_OFF:
        tell_status_of_the_cases(turn, this_case(turn))
        return
    if state in CALLBACK_STATES:
        # Resolved; then the callback's question, as after "处理得怎么样了?" typed.
        tell_status(turn, CaseStatus(CaseStage.RESOLVED, case_number=turn.step.data.case_number))
        if state in (State.RESOLVED, State.AWAIT_RATING):
            ask_rating(turn)
        return
    if state not in COLLECTING:
        return
    # Before any problem is told: the open case's status, or that none is on record here.
    # While one is being taken: when a registered complaint is answered, and the form goes on.
    if not status_of_open_case(turn, _ASKS_STATUS, state) and not status_before_the_case(turn):
        ask_current(turn)
    turn.arm_idle()


def _on_faq(turn: Turn, entry: FaqEntry) -> None:
    answer_faq(turn, entry)
    state = turn.step.state
    if state not in COLLECTING:
        return
    go_on_after_an_answer(turn, state)
    turn.arm_idle()
