"""The SQLite writer's statements bound by position (``bot.storage.prepared``) store exactly the
rows SQLAlchemy's own execution of the same statements stores, and read exactly the rows it reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, create_engine, insert
from sqlalchemy.dialects import sqlite

from bot import json_text
from bot.storage import store
from bot.storage.models import Base
from bot.storage.prepared import Prepared, PreparedQuery

NOW = dt.datetime(2026, 11, 23, 6, 0, 1, 250, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _rows(connection: Connection, table: str) -> list[tuple[Any, ...]]:
    return [tuple(row)[1:] for row in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")]


def _engine() -> Any:
    engine = create_engine("sqlite://", json_serializer=json_text.dumps, json_deserializer=json_text.loads)
    Base.metadata.create_all(engine)
    return engine


def test_inserts_bound_by_position_store_the_same_rows_and_return_only_new_ones() -> None:
    inbound = store._inbound_insert_many(sqlite.insert)
    outbound = insert(store._messages).values({key: bindparam(key) for key in sorted(store._OUTBOUND_KEYS)})
    received = [
        {
            "conversation_id": 1,
            "channel": "webchat",
            "kind": "text",
            "text": f"第{number}条",
            "search_text": None,
            "provider_message_id": f"p{number}",
            "raw": None,
            "menu_choice": "faq:business_hours" if number == 2 else None,
            "created_at": NOW,
        }
        for number in range(3)
    ]
    replies = [
        {
            "conversation_id": 1,
            "channel": "webchat",
            "direction": "out",
            "sender": "bot",
            "kind": "text",
            "text": "请问您的电话？",
            "search_text": None,
            "phrase_id": "ask_phone",
            "options": options,
            "created_at": NOW,
            "delivery_status": "sent",
        }
        for options in (None, {"choices": ["是", "否"]})
    ]
    stored = []
    for by_position in (False, True):
        with _engine().begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            if by_position:
                new = Prepared(inbound).insert_returning(connection, received)
                again = Prepared(inbound).insert_returning(connection, received[1:])
                ids = Prepared(outbound.returning(store._messages.c.id)).insert_returning(connection, replies)
            else:
                new = [tuple(row) for row in connection.execute(inbound, received)]
                again = [tuple(row) for row in connection.execute(inbound, received[1:])]
                ids = [tuple(row) for row in connection.execute(outbound.returning(store._messages.c.id), replies)]
            assert sorted(new) == [(number + 1, "webchat", f"p{number}") for number in range(3)]
            assert again == []
            assert sorted(ids) == [(4,), (5,)]
            stored.append(_rows(connection, "messages"))
    assert stored[0] == stored[1]
    assert stored[1][0][9] == "2026-11-22 22:00:01.000250"  # UTC, as UtcDateTime stores it


def test_executemany_bound_by_position_stores_the_same_rows_and_counts_matches() -> None:
    upsert = store._timer_upsert(sqlite.insert)
    timers = [{"conversation_id": cid, "kind": "idle_prompt", "token": cid * 7, "due_at": NOW} for cid in (1, 2)]
    stored = []
    for by_position in (False, True):
        with _engine().begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for _ in range(2):  # the second time, the rows conflict and are updated
                if by_position:
                    assert Prepared(upsert).execute_many(connection, timers) == 2
                else:
                    connection.execute(upsert, timers)
            stored.append(_rows(connection, "timers"))
    assert stored[0] == stored[1]
    assert len(stored[0]) == 2


def _conversations_with_messages(connection: Connection) -> None:
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    state = {"description": ["楼道的灯坏了"], "phone": "13812345678"}
    conversation: dict[str, Any] = {"channel": "webchat", "locale": "zh-CN", "status": "open", "owner": "bot"}
    conversation |= {"flow_state": "await_phone", "flow_data": state, "ownership_version": 0}
    conversation |= {"last_customer_at": NOW, "created_at": NOW}
    connection.execute(
        insert(store._conversations),
        [{**conversation, "id": cid, "customer_id": cid, "identity_id": cid, "activity_seq": cid} for cid in (1, 2, 3)],
    )
    message: dict[str, Any] = {"channel": "webchat", "direction": "in", "sender": "customer", "kind": "text"}
    connection.execute(
        insert(store._messages),
        [
            {**message, "conversation_id": cid, "text": f"第{cid}条", "provider_message_id": f"p{cid}-{n}"}
            | {"created_at": NOW}
            for cid in (1, 2, 3)
            for n in range(2)
        ],
    )


def test_reads_by_id_lists_return_the_rows_sqlalchemy_returns_for_every_list_length() -> None:
    with _engine().begin() as connection:
        _conversations_with_messages(connection)
        for ids in ([1], [3, 1], [1, 2, 3, 99], []):
            for query, parameters in (
                (store._LOAD_CONVERSATIONS, {"ids": ids}),
                (store._PENDING_INBOUND, {"conversation_ids": ids, "up_to": 5}),
            ):
                expected = [tuple(row) for row in connection.execute(query.statement, parameters)]
                rows = query.rows(connection, parameters)
                assert [tuple(row) for row in rows] == expected
        conversation = store._LOAD_CONVERSATIONS.rows(connection, {"ids": [2]})[0]
        assert conversation.flow_data == {"description": ["楼道的灯坏了"], "phone": "13812345678"}
        assert conversation.last_customer_at == NOW  # aware, in UTC
        assert conversation.last_customer_at.tzinfo is dt.UTC


def test_an_update_by_id_list_writes_as_sqlalchemy_does_and_counts_its_matches() -> None:
    stored = []
    for by_position in (False, True):
        with _engine().begin() as connection:
            _conversations_with_messages(connection)
            parameters = {"ids": [1, 2, 6], "processed_at_value": NOW}
            if by_position:
                assert PreparedQuery(store._MARK_PROCESSED.statement).execute(connection, parameters) == 3
                assert store._MARK_PROCESSED.execute(connection, {**parameters, "ids": [2, 3]}) == 1
            else:
                assert connection.execute(store._MARK_PROCESSED.statement, parameters).rowcount == 3
                connection.execute(store._MARK_PROCESSED.statement, {**parameters, "ids": [2, 3]})
            stored.append(_rows(connection, "messages"))
    assert stored[0] == stored[1]
