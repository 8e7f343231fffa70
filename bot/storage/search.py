"""Staff search (issue 15): conversations by case number, phone, place or message text.

Places and texts are searched in one script: the query and the stored text both in simplified
characters (:mod:`bot.storage.searchable`), so 金星阁 finds a case whose place is 金星閣, the other
way round, and a place stored in mixed scripts (太古城金星閣15楼); the hit shows them as written.

``LIKE '%…%'`` decides what matches; a trigram index (:mod:`bot.storage.search_index`) chooses
the rows it compares, so a search costs what it finds, not what is stored. Messages are walked
newest first until 20 conversations are found, so a common word costs no more than a rare one. An
agent, who may read a few conversations among many holding the word, reads the newest
``agent_candidates`` messages holding it at most (``search.agent_candidates`` in
``config/handoff.yaml``), so their search costs no more than anyone's; when older ones were left
unread, the result says so (:attr:`SearchResult.bounded`), without counting them.

An agent sees the phone numbers of a conversation they do not handle (neither own nor resolved a
case of) masked (``bot.staff.privacy``), so a search must not confirm the digits hidden there: in
such a conversation the phone fields never match, and a message matches only when its text *as the
agent sees it* (``mask``) contains the query. Masking only stars digits, so a query without digits
matches the same messages either way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, CompoundSelect, Row, and_, exists, func, or_, select, union, union_all
from sqlalchemy.orm import Session, aliased

from bot.config import StaffSearch
from bot.core.messages import Sender
from bot.core.phones import SPOKEN_DIGITS, normalise_phone
from bot.storage.conversations import ticket_makes_it_theirs
from bot.storage.models import Complaint, Conversation, Customer, HandoffTicket, Message
from bot.storage.newest_inbound import newest_inbound
from bot.storage.search_index import (
    RECENT_CASES,
    RECENT_MESSAGES,
    indexed,
    narrowed,
    newest_holding,
    recent_cases,
    recent_messages,
)
from bot.storage.searchable import simplified


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    channel: str
    owner: str
    status: str
    case_number: str | None
    matched: str
    """"case_number", "phone", "place" or "text"."""
    text: str | None
    """The matching message (found by its case number: the newest message saying that number), or
    the customer's last one."""
    place: str | None
    """The place of the case the query found by its place, as written (in the script it was)."""
    at: dt.datetime | None
    handled: bool
    """Whether the searcher handles it (owns it or resolved one of its cases): sees its phones in full."""


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    bounded: bool
    """An agent's search of the texts stopped at ``agent_candidates`` messages holding the query with
    older ones left unread: older conversations holding it may be missing from ``hits``."""


_MASKABLE = "*" + SPOKEN_DIGITS
"""Besides digits, what masking may star or hide: a phone spelt in Chinese numerals is masked too."""
_PHONE_TYPED = re.compile(r"\+?[\d\s()\-]{4,}")
"""A query that is a phone number alone, however spaced."""

TEXT_CHUNK = 200
"""Messages holding the text read at a time, newest first, until enough conversations are found."""

CASE_CONTENT = Message.sender.in_((Sender.CUSTOMER.value, Sender.AGENT.value))
"""The messages searched as case content: the customer's and the agents'; the bot's standard
phrases (and their examples, "例如“阳光花园3栋”") would match every conversation."""

AGENT_CANDIDATES = StaffSearch().agent_candidates
"""An agent's search (who may read only some conversations) reads at most this many messages holding
the query's text, newest first, whoever's (a chunk at a time, stopping once enough conversations
are found): the ones the agent may read among them are found, older ones are not searched. So are
those whose masked text has the query too. The default of ``search.agent_candidates``
(``config/handoff.yaml``), which the staff API passes."""


def readable_by(queues: Collection[str] | None, agent_id: int) -> ColumnElement[bool]:
    """The conversations an agent with these queues may read (``bot.staff.access``: a case that only
    passed through their queue and moved on is not theirs); None: all."""
    if queues is None:
        return Conversation.id.is_not(None)
    me = f"agent:{agent_id}"
    # Aliases: the searches join complaints themselves, which must not correlate into these.
    ticket, resolved = aliased(HandoffTicket), aliased(Complaint)
    return or_(
        Conversation.owner == me,
        exists().where(ticket.conversation_id == Conversation.id, ticket_makes_it_theirs(ticket, queues, agent_id)),
        exists().where(resolved.conversation_id == Conversation.id, resolved.resolved_by == me),
    )


def handled_by(agent_id: int) -> ColumnElement[bool]:
    """The conversations the agent handles: owns, or resolved one of the cases of."""
    me = f"agent:{agent_id}"
    resolved = aliased(Complaint)
    return or_(
        Conversation.owner == me,
        exists().where(resolved.conversation_id == Conversation.id, resolved.resolved_by == me),
    )


def handled_conversations(agent_id: int) -> CompoundSelect[tuple[int]]:
    """The ids of the conversations the agent handles (as :func:`handled_by`)."""
    me = f"agent:{agent_id}"
    return union(
        select(Conversation.id).where(Conversation.owner == me),
        select(Complaint.conversation_id).where(Complaint.resolved_by == me),
    )


def _handles_any(session: Session, agent_id: int) -> bool:
    """Whether the agent handles any conversation (each part found by its index, none read whole)."""
    me = f"agent:{agent_id}"
    return bool(
        session.execute(
            select(or_(exists().where(Conversation.owner == me), exists().where(Complaint.resolved_by == me)))
        ).scalar()
    )


def search_conversations(
    session: Session,
    query: str,
    queues: Collection[str] | None,
    agent_id: int,
    limit: int = 20,
    mask: Callable[[str | None], str | None] | None = None,
    recent: int = RECENT_MESSAGES,
    recent_case_count: int | None = None,
    agent_candidates: int = AGENT_CANDIDATES,
) -> SearchResult:
    """Conversations whose case number, phone (customer's or complaint's), case's place or any
    message text contains ``query``, the most recent first, among those the staff member may read.
    Places and texts match in either script (the query and the text read in simplified characters).

    With ``mask`` (the searcher is an agent), the conversations the agent does not handle are
    searched as the agent sees them: by case number, by place and by their messages masked, never
    by phone (nor by a place with digits in the query: masking may star a place's digits).

    Through the search index (:mod:`bot.storage.search_index`): a ``query`` shorter than three
    characters reads the messages of the newest ``recent`` and the newest ``recent_case_count``
    (:data:`RECENT_CASES`) cases only (:func:`searches_every_message`).

    An agent's search (``queues`` given) of the texts, and as masked, reads the newest
    ``agent_candidates`` messages holding the query at most; ``bounded`` in the result when older
    ones were left (known by asking for one more, never by counting them)."""
    readable = readable_by(queues, agent_id)
    owned = handled_by(agent_id)
    digits = _phone_digits(query)
    # The masked text differs from the full one only where digits (or numerals) are starred.
    as_masked = mask is not None and any(ch.isdigit() or ch in _MASKABLE for ch in query)
    wanted = simplified(query)
    by_case = _found(
        Complaint.case_number.icontains(query, autoescape=True),
        narrowed(session, "complaints_search", ("case_number",), Complaint.id, query),
    )
    by_place = _found(
        func.coalesce(Complaint.area_search, Complaint.area).contains(wanted, autoescape=True),
        narrowed(session, "complaints_search", ("place",), Complaint.id, wanted),
    )
    if as_masked:
        by_place = and_(owned, by_place)
    by_phone = len(digits) >= 4
    # Phones only where the searcher sees them in full.
    phones_seen = [owned] if mask is not None else []
    by_contact_phone = _found(
        Complaint.contact_phone.contains(digits, autoescape=True),
        narrowed(session, "complaints_search", ("contact_phone",), Complaint.id, digits),
    )
    # Found by a case's field, or by the customer's phone (then by each of the conversation's cases,
    # or none), each part through its own index; a conversation's newest case number among its finds.
    # A query too short for the index (and so without a phone's digits) reads the newest cases only.
    cases_read = [] if indexed(query) else [recent_cases(session, recent_case_count or RECENT_CASES)]
    found = [
        select(Conversation.id.label("conversation_id"), Complaint.case_number)
        .join(Complaint, Complaint.conversation_id == Conversation.id)
        .where(
            readable,
            *cases_read,
            or_(by_case, by_place, *([and_(*phones_seen, by_contact_phone)] if by_phone else [])),
        )
    ]
    if by_phone:
        found.append(
            select(Conversation.id, Complaint.case_number)
            .join(Customer, Customer.id == Conversation.customer_id)
            .outerjoin(Complaint, Complaint.conversation_id == Conversation.id)
            .where(
                readable,
                *phones_seen,
                _found(
                    Customer.phone.contains(digits, autoescape=True),
                    narrowed(session, "customers_search", ("phone",), Customer.id, digits),
                ),
            )
        )
    records = union_all(*found).subquery()
    record_matches = session.execute(
        select(records.c.conversation_id, func.max(records.c.case_number))
        .group_by(records.c.conversation_id)
        .order_by(records.c.conversation_id.desc())
        .limit(limit)
    ).all()
    in_text = and_(CASE_CONTENT, func.coalesce(Message.search_text, Message.text).contains(wanted, autoescape=True))
    if not indexed(wanted):
        in_text = and_(recent_messages(session, recent), in_text)
    # An agent's query with digits reads the full text of the conversations they handle only: by
    # their ids (a semi-join the planner may start from), not a test of each message found.
    handled = [Message.conversation_id.in_(handled_conversations(agent_id))] if as_masked else []
    most = None if queues is None else agent_candidates
    text_matches, bounded = (
        _newest_text_matches(session, wanted, in_text, [readable, *handled], limit, most)
        if not as_masked or _handles_any(session, agent_id)
        else ([], False)  # an agent who handles no conversation: nothing to read in full
    )
    if as_masked:
        assert mask is not None
        masked, masked_bounded = _masked_matches(
            session, query, and_(readable, ~owned), mask, recent, limit, agent_candidates
        )
        bounded = bounded or masked_bounded
        text_matches = sorted(text_matches + masked, key=lambda match: match[1], reverse=True)[:limit]
    case_numbers = {row[0]: row[1] for row in record_matches}
    places = _places_matching(session, wanted, [row[0] for row in record_matches])
    matched: dict[int, str] = {}
    for conversation_id, case_number in record_matches:
        if case_number and query.lower() in case_number.lower():
            matched[conversation_id] = "case_number"
        else:
            matched[conversation_id] = "place" if conversation_id in places else "phone"
    message_ids = {conversation_id: message_id for conversation_id, message_id in text_matches}
    for conversation_id in message_ids:
        matched.setdefault(conversation_id, "text")
    # Found by its case number: the message that says it (the bot's promise, the customer quoting
    # it), so the hit shows the words the query found rather than the customer's last message.
    by_number = {
        cid: case_numbers[cid] for cid, how in matched.items() if how == "case_number" and case_numbers.get(cid)
    }
    message_ids.update(_messages_naming(session, by_number))
    if not matched:
        return SearchResult([], bounded)
    newest_complaint = (
        select(Complaint.conversation_id, func.max(Complaint.id).label("complaint_id"))
        .where(Complaint.conversation_id.in_(sorted(matched)))
        .group_by(Complaint.conversation_id)
        .subquery()
    )
    latest_case = (
        select(Complaint.conversation_id, Complaint.case_number)
        .join(newest_complaint, newest_complaint.c.complaint_id == Complaint.id)
        .subquery()
    )
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.owner,
            Conversation.status,
            latest_case.c.case_number,
            newest_inbound("id").label("message_id"),
            owned.label("handled"),
        )
        .outerjoin(latest_case, latest_case.c.conversation_id == Conversation.id)
        .where(Conversation.id.in_(sorted(matched)))
    ).all()
    shown_message = {row.id: message_ids.get(row.id, row.message_id) for row in rows}
    shown = sorted(message_id for message_id in shown_message.values() if message_id is not None)
    messages = {
        row.id: (row.text, row.created_at)
        for row in session.execute(select(Message.id, Message.text, Message.created_at).where(Message.id.in_(shown)))
    }
    hits = [
        SearchHit(
            conversation_id=row.id,
            channel=row.channel,
            owner=row.owner,
            status=row.status,
            # The case searched for by its number, else the conversation's newest case.
            case_number=(
                case_numbers.get(row.id)
                if matched[row.id] == "case_number"
                else row.case_number or case_numbers.get(row.id)
            ),
            matched=matched[row.id],
            text=messages.get(shown_message[row.id], (None, None))[0],
            at=messages.get(shown_message[row.id], (None, None))[1],
            place=places.get(row.id) if matched[row.id] == "place" else None,
            handled=bool(row.handled),
        )
        for row in rows
    ]
    hits.sort(key=lambda hit: hit.conversation_id, reverse=True)
    return SearchResult(hits[:limit], bounded)


def _messages_naming(session: Session, case_numbers: dict[int, str]) -> dict[int, int]:
    """Per conversation, the newest of its messages holding its case number (``case_numbers``:
    conversation id → number); a conversation with none is left out. One statement."""
    if not case_numbers:
        return {}
    naming = or_(
        *(
            and_(Message.conversation_id == conversation_id, Message.text.contains(number, autoescape=True))
            for conversation_id, number in case_numbers.items()
        )
    )
    rows = session.execute(
        select(Message.conversation_id, func.max(Message.id)).where(naming).group_by(Message.conversation_id)
    )
    return {conversation_id: message_id for conversation_id, message_id in rows}


def searches_every_message(query: str) -> bool:
    """Whether a search for ``query`` reads every message, not only the newest
    :data:`~bot.storage.search_index.RECENT_MESSAGES` (a query shorter than a trigram)."""
    return indexed(simplified(query))


def _found(condition: ColumnElement[bool], narrowing: ColumnElement[bool] | None) -> ColumnElement[bool]:
    return condition if narrowing is None else and_(narrowing, condition)


def _newest_text_matches(
    session: Session,
    term: str,
    in_text: ColumnElement[bool],
    allowed: list[ColumnElement[bool]],
    limit: int,
    most: int | None = None,
) -> tuple[list[tuple[int, int]], bool]:
    """(conversation, its newest message ``in_text``) of the ``limit`` conversations ``allowed``
    whose newest such message is the newest (among the newest ``most`` messages ``in_text``), and
    whether older messages ``in_text`` were left unread for ``most`` (:attr:`_NewestFirst.bounded`)."""
    found: dict[int, int] = {}
    walk = _NewestFirst(session, term, in_text, allowed, most)
    for rows in walk:
        for conversation_id, message_id, _ in rows:
            found.setdefault(conversation_id, message_id)
        if len(found) >= limit:
            break
    return sorted(found.items(), key=lambda match: match[1], reverse=True)[:limit], walk.bounded


class _NewestFirst:
    """(conversation, id, text) of the messages ``holding`` ``term`` (a condition on the message
    alone) that ``allowed`` keeps, newest first, a chunk at a time (each twice the last), so a
    caller that stops once it has enough pays for what it read, not for every message holding a
    common word. With ``most``, no more than that many of the newest messages ``holding`` it are
    read, however few ``allowed`` keeps (on PostgreSQL too: they are found first, then kept)."""

    def __init__(
        self,
        session: Session,
        term: str,
        holding: ColumnElement[bool],
        allowed: list[ColumnElement[bool]],
        most: int | None = None,
    ) -> None:
        self._session, self._term, self._holding, self._allowed, self._most = session, term, holding, allowed, most
        self.bounded = False
        """Set once the walk ended at ``most`` with an older message ``holding`` the term left
        unread (each chunk of a bounded walk asks for one candidate more to know it: no count)."""

    def __iter__(self) -> Iterator[Sequence[Row[int, int, str]]]:
        session, term, holding, allowed, most = self._session, self._term, self._holding, self._allowed, self._most
        before: int | None = None
        chunk = TEXT_CHUNK if most is None else min(TEXT_CHUNK, most)
        # A bounded walk asks for one candidate past its chunk: whether any is left when it stops.
        peek = 0 if most is None else 1
        beyond = False
        while chunk > 0:
            # SQLite's index hands the chunk's candidates over newest first; PostgreSQL's planner
            # picks between its trigram index and walking the primary key backwards, for the
            # candidates alone when they are bounded (with what ``allowed`` keeps, it could walk them all).
            candidates = newest_holding(session, term, before, chunk + peek)
            if candidates is None and most is not None:
                candidates = _newest_ids(session, holding, before, chunk + peek)
            beyond = candidates is not None and len(candidates) > chunk
            if candidates is not None:
                candidates = candidates[:chunk]
                if not candidates:
                    return
            statement = (
                select(Message.conversation_id, Message.id, Message.text)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(holding, *allowed)
                .order_by(Message.id.desc())
            )
            if candidates is not None:
                statement = statement.where(Message.id.in_(candidates))
            else:
                statement = statement.where(*([Message.id < before] if before is not None else [])).limit(chunk)
            rows = session.execute(statement).all()
            yield rows
            read = candidates if candidates is not None else [message_id for _, message_id, _ in rows]
            if len(read) < chunk or (peek and not beyond):
                return
            before, chunk = read[-1], chunk * 2
            if most is not None:
                most -= len(read)
                chunk = min(chunk, most)
        # Only a bounded walk gets here: it read ``most`` with one more left past the last chunk.
        self.bounded = beyond


def _newest_ids(session: Session, holding: ColumnElement[bool], before: int | None, count: int) -> list[int]:
    """The ids of the ``count`` newest messages ``holding`` before ``before``, newest first."""
    statement = select(Message.id).where(holding).order_by(Message.id.desc()).limit(count)
    if before is not None:
        statement = statement.where(Message.id < before)
    return list(session.scalars(statement))


def _places_matching(session: Session, wanted: str, conversation_ids: list[int]) -> dict[int, str]:
    """The newest place, as written, of each of these conversations' cases whose place holds
    ``wanted`` (simplified), by conversation."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Complaint.conversation_id, Complaint.area)
        .where(
            Complaint.conversation_id.in_(conversation_ids),
            func.coalesce(Complaint.area_search, Complaint.area).contains(wanted, autoescape=True),
        )
        .order_by(Complaint.id)
    )
    return {conversation_id: area for conversation_id, area in rows if area is not None}


def _masked_matches(
    session: Session,
    query: str,
    where: ColumnElement[bool],
    mask: Callable[[str | None], str | None],
    recent: int,
    limit: int,
    most: int,
) -> tuple[list[tuple[int, int]], bool]:
    """(conversation, newest message) of up to ``limit`` conversations ``where`` holds whose
    messages have ``query`` in their text as ``mask`` shows it, in either script, among the newest
    ``most`` messages holding it in full (whoever's: an agent who may read few conversations does
    not walk the whole history), and whether older ones were left unread for ``most``. A star in
    the query matches the starred digits."""
    # Stars stand for digits in the full text: search it by the visible part longest without one.
    visible = max(simplified(query).split("*"), key=len)
    if not visible:
        return [], False
    holding = func.coalesce(Message.search_text, Message.text).contains(visible, autoescape=True)
    in_text = and_(CASE_CONTENT, holding)
    if not indexed(visible):
        in_text = and_(recent_messages(session, recent), in_text)
    wanted = simplified(query).casefold()
    found: dict[int, int] = {}
    walk = _NewestFirst(session, visible, in_text, [where], most)
    for rows in walk:
        for conversation_id, message_id, text in rows:
            if conversation_id not in found and wanted in simplified(mask(text) or "").casefold():
                found[conversation_id] = message_id
        if len(found) >= limit:
            break
    return list(found.items()), walk.bounded


def _phone_digits(query: str) -> str:
    """The query's digits as a stored phone holds them: a number typed with its country code
    ("+86 138 1234 5603", "0086…") is found as the engine stores it ("13812345603"; "+852 9123 4567"
    as "85291234567", inside "+85291234567")."""
    digits = "".join(ch for ch in query if ch.isdigit())
    if not _PHONE_TYPED.fullmatch(query.strip()):
        return digits
    return normalise_phone(query).removeprefix("+")
