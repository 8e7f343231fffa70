"""The pipeline's hottest writes on SQLite, bound by position on the driver.

SQLAlchemy runs a cached statement by building every row's parameters by name and passing each
value through its type's processors, layer by layer: ≈ 40 µs a statement and 3–5 µs a row over
the driver's own work, for a dozen statements a batch and a few rows a message. A
:class:`Prepared` statement is compiled once per dialect; its rows are turned into tuples with
the same processors (the columns' types: aware datetimes, JSON) and run through
``exec_driver_sql``, so the transaction, the events and the errors stay SQLAlchemy's. Inserts
that return their rows' ids become one multi-row ``VALUES`` statement, as SQLAlchemy's
"insertmanyvalues" makes them.

Only SQLite takes this path: its ``?`` placeholders can be repeated for many rows, and the writer
thread runs every batch on it. PostgreSQL keeps SQLAlchemy's own execution (its batches are
dominated by round trips, and its insertmanyvalues sorts ``RETURNING`` rows by parameter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ClauseElement

_ROWS_PER_STATEMENT = 500
"""Rows of one multi-row INSERT: 500 × the widest insert's 12 columns stays far below SQLite's
32,766 parameters (SQLAlchemy's own pages hold up to 1,000 rows)."""

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Form:
    sql: str
    slots: tuple[tuple[str | None, _Processor, Any], ...]
    """Per placeholder: the row key bound there and its type's processor, or no key and the
    value the statement itself gives (a literal status, a column's default), processed."""
    values_group: str
    """The ``VALUES`` group one row binds, as written in ``sql``."""
    head: str
    tail: str
    """``sql`` before and after ``values_group`` (a multi-row statement repeats it between them)."""


class Prepared:
    """A Core statement compiled once per dialect, its rows bound by position (SQLite only)."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._forms: dict[str, _Form] = {}

    def _form(self, dialect: Dialect) -> _Form:
        form = self._forms.get(dialect.name)
        if form is not None:
            return form
        if dialect.paramstyle != "qmark":
            raise ValueError(f"positional rows need ? placeholders, not {dialect.paramstyle}")
        compiled = self._statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SQL statement: {self._statement!r}")
        positions = compiled.positiontup
        if positions is None:
            raise ValueError("the statement has no positional parameters")
        binds: dict[str, BindParameter[Any]] = compiled.binds
        # Columns left out of the statement whose Python-side default SQLAlchemy fills in.
        defaults: dict[str, Any] = {}
        for column in getattr(compiled, "insert_prefetch", ()):
            default = column.default
            if default is None or not default.is_scalar:
                raise ValueError(f"{column.key}: only a scalar default can be filled in")
            defaults[column.key] = getattr(default, "arg", None)
        slots: list[tuple[str | None, _Processor, Any]] = []
        for name in positions:
            bind = binds[name]
            if bind.expanding:
                raise ValueError(f"{name}: an expanding parameter cannot be bound by position")
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in defaults or not bind.required:
                value = defaults.get(name, bind.effective_value)
                slots.append((None, None, value if processor is None else processor(value)))
            else:
                slots.append((name, processor, None))
        sql = compiled.string
        values_group = "(" + ", ".join(["?"] * len(positions)) + ")"
        head, found, tail = sql.partition(" VALUES " + values_group)
        form = _Form(
            sql=sql,
            slots=tuple(slots),
            values_group=values_group,
            head=f"{head} VALUES " if found else "",
            tail=tail if found else "",
        )
        self._forms[dialect.name] = form
        return form

    @staticmethod
    def _bound(form: _Form, row: Mapping[str, Any]) -> list[Any]:
        return [
            value if name is None else row[name] if processor is None else processor(row[name])
            for name, processor, value in form.slots
        ]

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run the statement once per row (the driver's ``executemany``); returns the rows it matched."""
        form = self._form(connection.dialect)
        result = connection.exec_driver_sql(form.sql, [tuple(self._bound(form, row)) for row in rows])
        return int(result.rowcount)

    def insert_returning(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """An ``INSERT … RETURNING`` of many rows as multi-row ``VALUES`` statements: the rows
        returned (a row skipped by ``ON CONFLICT DO NOTHING``
        returns nothing), in no particular order."""
        form = self._form(connection.dialect)
        if not form.head:
            raise ValueError("not an INSERT of one VALUES group")
        returned: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            page = rows[start : start + _ROWS_PER_STATEMENT]
            sql = form.head + ", ".join([form.values_group] * len(page)) + form.tail
            parameters = tuple(value for row in page for value in self._bound(form, row))
            returned.extend(tuple(row) for row in connection.exec_driver_sql(sql, parameters))
        return returned
