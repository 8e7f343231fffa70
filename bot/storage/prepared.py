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

A :class:`PreparedQuery` does the same for the batch's reads and updates by id lists (``IN``
with an expanding parameter): SQLAlchemy renders such a statement again for every execution
(the list's placeholders) and builds its rows' processing each time, ≈ 80 µs a statement over
the driver's own 10–50 µs, for half a dozen statements a batch. Its SQL is rendered once per
list length; its rows come back as named tuples through the columns' result processors.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ClauseElement, Select, Update

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


_QUERY_FORMS = 256
"""List lengths a :class:`PreparedQuery` keeps rendered (a batch's lists are at most its size)."""


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a placeholder's value comes from: a parameter, or one item of a list parameter."""

    name: str
    index: int | None


@dataclass(frozen=True, slots=True)
class _QueryForm:
    sql: str
    slots: tuple[tuple[_Slot | None, _Processor, Any], ...]
    """Per placeholder: where its value comes from and its type's processor, or no slot and the
    value the statement itself gives, processed."""


class PreparedQuery:
    """A Core ``SELECT`` or ``UPDATE`` run by position on SQLite, rendered once per dialect and
    lengths of its list parameters; on other databases SQLAlchemy runs it as usual."""

    def __init__(self, statement: Select[Any] | Update) -> None:
        self._statement = statement
        self._compiled: dict[str, SQLCompiler] = {}
        self._forms: dict[tuple[str, tuple[int, ...]], _QueryForm] = {}
        self._rows: dict[str, tuple[type[NamedTuple], tuple[_Processor, ...]]] = {}

    @property
    def statement(self) -> Select[Any] | Update:
        """The Core statement, as SQLAlchemy itself would run it."""
        return self._statement

    def _compile(self, dialect: Dialect) -> SQLCompiler:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            built = self._statement.compile(dialect=dialect)
            if not isinstance(built, SQLCompiler) or dialect.paramstyle != "qmark":
                raise TypeError(f"not a SQL statement with ? placeholders: {self._statement!r}")
            compiled = self._compiled[dialect.name] = built
        return compiled

    def _form(self, dialect: Dialect, parameters: Mapping[str, Any]) -> _QueryForm:
        compiled = self._compile(dialect)
        expanding = [name for name, bind in compiled.binds.items() if bind.expanding]
        key = (dialect.name, tuple(len(parameters[name]) for name in expanding))
        form = self._forms.get(key)
        if form is not None:
            return form
        # Rendered with markers in place of the values, to learn where each value goes.
        markers: dict[str, Any] = {
            name: [_Slot(name, index) for index in range(len(value))] if name in expanding else _Slot(name, None)
            for name, value in parameters.items()
        }
        state = compiled.construct_expanded_state(markers)
        slots: list[tuple[_Slot | None, _Processor, Any]] = []
        for position in state.positiontup or ():
            value = state.parameters[position]
            bind = compiled.binds[value.name if isinstance(value, _Slot) else position]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if isinstance(value, _Slot):
                slots.append((value, processor, None))
            else:
                slots.append((None, None, value if processor is None else processor(value)))
        form = _QueryForm(state.statement, tuple(slots))
        if len(self._forms) < _QUERY_FORMS:
            self._forms[key] = form
        return form

    def _row_type(self, dialect: Dialect) -> tuple[type[NamedTuple], tuple[_Processor, ...]]:
        known = self._rows.get(dialect.name)
        if known is None:
            if not isinstance(self._statement, Select):
                raise TypeError("only a SELECT returns rows")
            columns = list(self._statement.selected_columns)
            row = namedtuple("Row", [column.key for column in columns], rename=True)  # type: ignore[misc]
            processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
            known = self._rows[dialect.name] = (row, processors)
        return known

    def _execute(self, connection: Connection, parameters: Mapping[str, Any]) -> Any:
        form = self._form(connection.dialect, parameters)
        bound = []
        for slot, processor, value in form.slots:
            if slot is not None:
                value = parameters[slot.name] if slot.index is None else parameters[slot.name][slot.index]
                if processor is not None:
                    value = processor(value)
            bound.append(value)
        return connection.exec_driver_sql(form.sql, tuple(bound))

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[Any]:
        """The ``SELECT``'s rows (by position and by column name), each value processed by its
        column's type as SQLAlchemy would."""
        if connection.dialect.name != "sqlite":
            return list(connection.execute(self._statement, parameters).all())
        row, processors = self._row_type(connection.dialect)
        converted = [(position, processor) for position, processor in enumerate(processors) if processor is not None]
        result = []
        for raw in self._execute(connection, parameters):
            values = list(raw)
            for position, processor in converted:
                values[position] = processor(values[position])
            result.append(row._make(values))
        return result

    def execute(self, connection: Connection, parameters: Mapping[str, Any]) -> int:
        """Run an ``UPDATE`` (or ``DELETE``); returns the rows it matched."""
        if connection.dialect.name != "sqlite":
            return int(connection.execute(self._statement, parameters).rowcount)
        return int(self._execute(connection, parameters).rowcount)
