"""The index staff search finds its rows through (migration ``0038``), whatever the history.

A search compares with ``LIKE '%…%'``; the index narrows the rows it compares to those holding
every three-character run (trigram) of the query, so its cost follows the rows found, not the
rows stored. PostgreSQL's ``pg_trgm`` GIN indexes serve ``LIKE`` themselves (the planner picks
them); SQLite's FTS5 ``trigram`` tables are asked explicitly (:func:`narrowed`), and the ``LIKE``
still decides, so the results are the same with or without the index.

A query shorter than three characters has no trigram. Two-character words are common in Chinese
(电梯, 漏水), so rather than refuse them, such a query reads the messages of the newest
:data:`RECENT_MESSAGES` only (:func:`recent_messages`, an id range) and the fields of the newest
:data:`RECENT_CASES` cases (:func:`recent_cases`): a case is made per conversation, so reading
every one grows with the history too (≈ 70 ms at 2,000,000 messages).
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, Integer, Select, func, literal_column, select, table
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.storage.models import Complaint, Message

TRIGRAM = 3
RECENT_MESSAGES = 20_000
"""A query shorter than a trigram reads this many newest messages: ≈ 15 ms on SQLite."""
RECENT_CASES = 5_000
"""And the fields of this many newest cases (those of ≈ 100,000 messages in the seeded history)."""

Index = Literal["messages_search", "complaints_search", "customers_search"]
INDEXES: tuple[Index, ...] = ("messages_search", "complaints_search", "customers_search")
TRIGRAM_INDEXES = (
    "ix_messages_search_trgm",
    "ix_complaints_case_number_trgm",
    "ix_complaints_place_trgm",
    "ix_complaints_contact_phone_trgm",
    "ix_customers_phone_trgm",
)
"""PostgreSQL's, on the expressions the search compares: no model declares them."""


def is_search_index(name: str) -> bool:
    """Whether ``name`` is the search index's (an FTS5 table or one of its own, a trigram index),
    which the migration makes and no model describes."""
    return name in TRIGRAM_INDEXES or any(name == index or name.startswith(f"{index}_") for index in INDEXES)


def indexed(term: str) -> bool:
    """Whether ``term`` is long enough for the trigram index to find the rows holding it."""
    return len(term) >= TRIGRAM


def narrowed(
    session: Session, index: Index, columns: tuple[str, ...], row_id: InstrumentedAttribute[int], term: str
) -> ColumnElement[bool] | None:
    """On SQLite, ``row_id`` among the rows whose ``columns`` (of the FTS5 ``index``) may hold
    ``term`` (ASCII letters in any case): to AND with the exact ``LIKE``. None where the index
    cannot help (``term`` under three characters) or is not asked (PostgreSQL: its planner is)."""
    if session.get_bind().dialect.name != "sqlite" or not indexed(term):
        return None
    matching: Select[int] = (
        select(literal_column("rowid", Integer))
        .select_from(table(index))
        .where(literal_column(index).op("MATCH")(_phrase(columns, term)))
    )
    return row_id.in_(matching)


def newest_holding(session: Session, term: str, before: int | None, count: int) -> list[int] | None:
    """On SQLite, the ids of the ``count`` newest messages before ``before`` that may hold
    ``term``, newest first (FTS5 walks its index backwards and stops): a common word costs as much
    as a rare one. None where the index cannot help or is not asked (as :func:`narrowed`)."""
    if session.get_bind().dialect.name != "sqlite" or not indexed(term):
        return None
    rowid = literal_column("rowid", Integer)
    newest = (
        select(rowid)
        .select_from(table("messages_search"))
        .where(literal_column("messages_search").op("MATCH")(_phrase(("body",), term)))
        .order_by(rowid.desc())
        .limit(count)
    )
    if before is not None:
        newest = newest.where(rowid < before)
    return list(session.scalars(newest))


def recent_messages(session: Session, count: int = RECENT_MESSAGES) -> ColumnElement[bool]:
    """The newest ``count`` messages, by id (a range of the primary key)."""
    newest = session.execute(select(func.max(Message.id))).scalar_one() or 0
    return Message.id > newest - count


def recent_cases(session: Session, count: int = RECENT_CASES) -> ColumnElement[bool]:
    """The newest ``count`` cases, by id (a range of the primary key)."""
    newest = session.execute(select(func.max(Complaint.id))).scalar_one() or 0
    return Complaint.id > newest - count


def _phrase(columns: tuple[str, ...], term: str) -> str:
    """An FTS5 query: ``term`` as one phrase (its trigrams in a row) in any of ``columns``."""
    quoted = term.replace('"', '""')
    return f'{{{" ".join(columns)}}}: "{quoted}"'
