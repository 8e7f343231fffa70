"""The Alembic migration creates the schema the models describe, and can be undone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.core.messages import MenuAction, MenuChoice
from bot.storage import deliveries, migrate, store
from bot.storage.db import create_engine
from bot.storage.models import Base, Conversation
from bot.storage.search import search_conversations
from bot.storage.search_index import is_search_index
from tests.conftest import _in_thread, database_kind


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return {name for name in names if not is_search_index(name)} - {"alembic_version"}


async def test_migration_matches_the_models(database_url: str) -> None:
    """Every table, column (its type and length too), index and constraint the models describe is
    the one the migrations make: SQLite does not enforce a string's length, PostgreSQL does."""
    assert await _tables(database_url) == set(Base.metadata.tables)
    options = {"compare_type": True, "include_name": lambda name, kind, _parent: not is_search_index(str(name))}
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts=options), Base.metadata)
        )
    await engine.dispose()
    assert differences == []


async def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url))
    _in_thread(lambda: migrate.downgrade(url, "base"))
    assert await _tables(url) == set()
    _in_thread(lambda: migrate.upgrade(url))
    assert await _tables(url) == set(Base.metadata.tables)


async def test_one_open_conversation_per_identity_keeps_the_newest_of_older_duplicates(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0009"))
    now = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)
    engine = create_engine(url)
    async with engine.begin() as connection:
        # Two open conversations of one identity, as two instances could open them before 0010.
        await connection.run_sync(lambda sync: _two_open_conversations(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        rows = (await connection.execute(select(Conversation.id, Conversation.status).order_by(Conversation.id))).all()
    await engine.dispose()
    assert [tuple(row) for row in rows] == [(1, "closed"), (2, "closed"), (3, "open")]


def _two_open_conversations(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    for status in ("closed", "open", "open"):
        session.execute(
            insert(Conversation).values(
                customer_id=customer_id,
                identity_id=identity_id,
                channel="sms",
                locale="zh-CN",
                status=status,
                flow_state="new",
                flow_data={},
                created_at=now,
            )
        )
    session.flush()


# issue 14 (reports): complaints stored before 0013 get the district their area names.
async def test_the_district_of_earlier_complaints_is_filled_from_their_area(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0012"))
    now = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _complaints_with_areas(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT case_number, district FROM complaints ORDER BY id"))).all()
    await engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("C1", "海淀区"),
        ("C2", "朝阳区"),
        ("C3", "西湖区"),
        ("C4", None),
        ("C5", None),
    ]


def _sms_customer_of_old(session: Session, now: dt.datetime) -> tuple[int, int]:
    """A customer and their SMS identity, written with the columns every schema since 0001 has
    (the storage layer writes today's)."""
    customer_id = session.execute(
        text("INSERT INTO customers (tier, phone, created_at) VALUES ('standard', '13800138000', :now) RETURNING id"),
        {"now": now.replace(tzinfo=None)},
    ).scalar_one()
    identity_id = session.execute(
        text(
            "INSERT INTO channel_identities (customer_id, channel, external_id, created_at)"
            " VALUES (:customer, 'sms', '+8613800138000', :now) RETURNING id"
        ),
        {"customer": customer_id, "now": now.replace(tzinfo=None)},
    ).scalar_one()
    return int(customer_id), int(identity_id)


def _complaints_with_areas(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    conversation_id = session.execute(
        text(
            "INSERT INTO conversations (customer_id, identity_id, channel, locale, status, flow_state, flow_data,"
            " owner, ownership_version, activity_seq, created_at)"
            " VALUES (:customer, :identity, 'sms', 'zh-CN', 'closed', 'new', '{}', 'bot', 0, 0, :now) RETURNING id"
        ),
        {"customer": customer_id, "identity": identity_id, "now": now.replace(tzinfo=None)},
    ).scalar_one()
    areas = ("海淀中关村大街5号", "望京西园3栋", "杭州市西湖区文三路10号", "老地方", None)
    for number, area in enumerate(areas, start=1):
        session.execute(
            text(
                "INSERT INTO complaints (case_number, conversation_id, customer_id, description, area, category,"
                " grade, customer_tier, signals, status, created_at, contact_by_channel)"
                " VALUES (:case, :conversation, :customer, 'x', :area, 'other', 'simple', 'standard', '[]', 'open',"
                " :now, 0)"
            ),
            {
                "case": f"C{number}",
                "conversation": conversation_id,
                "customer": customer_id,
                "area": area,
                "now": now.replace(tzinfo=None),
            },
        )
    session.commit()


async def test_0021_verifies_only_the_phones_of_customers_who_texted(tmp_path: Path) -> None:
    """A phone typed in a chat before 0021 stays unverified; an SMS customer's is verified."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0020"))
    now = dt.datetime(2026, 12, 4, 6)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _sms_customer_of_old(Session(sync), now))
        await connection.execute(
            text("INSERT INTO customers (tier, phone, created_at) VALUES ('standard', '13900139000', :now)"),
            {"now": now},
        )
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT phone, phone_verified FROM customers ORDER BY id"))).all()
    await engine.dispose()
    assert [(phone, bool(verified)) for phone, verified in rows] == [("13800138000", True), ("13900139000", False)]


async def test_0023_leaves_every_identity_opted_in_and_is_undone(tmp_path: Path) -> None:
    """SMS opt-out (回复TD退订): identities stored before 0023 are opted in; 0022 again drops the
    column and keeps the identities."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0022"))
    now = dt.datetime(2026, 12, 5, 6, tzinfo=dt.UTC)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _sms_customer_of_old(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT external_id, opted_out_at FROM channel_identities"))).all()
    assert [tuple(row) for row in rows] == [("+8613800138000", None)]
    _in_thread(lambda: migrate.downgrade(url, "0022"))
    async with engine.connect() as connection:
        columns = await connection.run_sync(
            lambda sync: {column["name"] for column in inspect(sync).get_columns("channel_identities")}
        )
        count = (await connection.execute(text("SELECT count(*) FROM channel_identities"))).scalar_one()
    await engine.dispose()
    assert "opted_out_at" not in columns and count == 1


async def test_0024_closes_the_waiting_tickets_transfers_left_behind(tmp_path: Path) -> None:
    """Before 0024 a transfer left the conversation's waiting tickets: to a person (the agent owns
    it), or to a queue (an older waiting ticket beside the new one). An appeal's waiting ticket on
    a case an agent holds, and a ticket of a conversation nobody owns yet, stay waiting."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0023"))
    now = dt.datetime(2026, 12, 5, 6)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _tickets_left_by_transfers(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        tickets = text("SELECT conversation_id, queue, status FROM handoff_tickets ORDER BY id")
        rows = (await connection.execute(tickets)).all()
    await engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "general", "transferred"),  # transferred to a person
        (2, "general", "transferred"),  # transferred to a queue: the older ticket
        (2, "engineering", "waiting"),
        (3, "general", "claimed"),  # an appeal of a case an agent holds
        (3, "supervisor", "waiting"),
        (4, "general", "waiting"),  # waiting for the bot's hand-off
    ]


def _tickets_left_by_transfers(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    for owner in ("agent:1", "queue:engineering", "agent:1", "bot"):
        session.execute(
            text(
                "INSERT INTO conversations (customer_id, identity_id, channel, locale, status, flow_state, flow_data,"
                " owner, ownership_version, activity_seq, created_at)"
                " VALUES (:customer, :identity, 'sms', 'zh-CN', 'closed', 'handed_off', '{}', :owner, 1, 0, :now)"
            ),
            {"customer": customer_id, "identity": identity_id, "owner": owner, "now": now},
        )
    tickets = [
        (1, "general", "customer_request", "waiting"),
        (2, "general", "customer_request", "waiting"),
        (2, "engineering", "transfer", "waiting"),
        (3, "general", "complaint", "claimed"),
        (3, "supervisor", "appeal", "waiting"),
        (4, "general", "customer_request", "waiting"),
    ]
    for conversation_id, queue, reason, status in tickets:
        session.execute(
            text(
                "INSERT INTO handoff_tickets (conversation_id, queue, priority, reason, status, created_at)"
                " VALUES (:conversation, :queue, 1, :reason, :status, :now)"
            ),
            {"conversation": conversation_id, "queue": queue, "reason": reason, "status": status, "now": now},
        )
    session.commit()


async def test_0025_reopens_the_newest_appeal_a_transfer_closed(tmp_path: Path) -> None:
    """A transfer closed the case's waiting appeal with the rest (its agent could move it out of
    the supervisor queue): the newest appeal of each conversation waits again; other tickets a
    transfer closed, and an appeal a later one replaced, stay closed."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0024"))
    now = dt.datetime(2026, 12, 5, 6)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _appeals_closed_by_transfers(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        tickets = text("SELECT conversation_id, reason, status FROM handoff_tickets ORDER BY id")
        rows = (await connection.execute(tickets)).all()
    await engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "complaint", "claimed"),
        (1, "appeal", "waiting"),  # closed by the agent's transfer
        (1, "customer_request", "transferred"),
        (2, "appeal", "transferred"),  # a later appeal replaced it
        (2, "appeal", "claimed"),
    ]


def _appeals_closed_by_transfers(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    for _ in range(2):
        session.execute(
            text(
                "INSERT INTO conversations (customer_id, identity_id, channel, locale, status, flow_state, flow_data,"
                " owner, ownership_version, activity_seq, created_at)"
                " VALUES (:customer, :identity, 'sms', 'zh-CN', 'closed', 'handed_off', '{}', 'agent:1', 1, 0, :now)"
            ),
            {"customer": customer_id, "identity": identity_id, "now": now},
        )
    tickets = [
        (1, "general", "complaint", "claimed"),
        (1, "supervisor", "appeal", "transferred"),
        (1, "general", "customer_request", "transferred"),
        (2, "supervisor", "appeal", "transferred"),
        (2, "supervisor", "appeal", "claimed"),
    ]
    for conversation_id, queue, reason, status in tickets:
        session.execute(
            text(
                "INSERT INTO handoff_tickets (conversation_id, queue, priority, reason, status, created_at)"
                " VALUES (:conversation, :queue, 0, :reason, :status, :now)"
            ),
            {"conversation": conversation_id, "queue": queue, "reason": reason, "status": status, "now": now},
        )
    session.commit()


async def test_0031_a_menu_button_pressed_before_it_is_answered_as_that_button(tmp_path: Path) -> None:
    """A WeChat menu button pressed before 0031 and not yet processed reaches the engine as what it
    asks; a processed one, and a customer typing the same words, are left as they were."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0030"))
    now = dt.datetime(2026, 12, 6, 6)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _menu_messages_of_old(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.connect() as connection:
        pending = await connection.run_sync(lambda sync: store.pending_inbound(Session(sync), {1: 10}))
        stored = (await connection.execute(text("SELECT text, menu_choice FROM messages ORDER BY id"))).all()
    await engine.dispose()
    assert [(row.text, row.menu) for row in pending[1]] == [
        ("[menu] faq:business_hours", MenuChoice(MenuAction.FAQ, "business_hours")),
        ("[menu] status", None),
    ]
    assert [tuple(row) for row in stored] == [
        ("[menu] status", None),
        ("[menu] faq:business_hours", "faq:business_hours"),
        ("[menu] status", None),
    ]


def _menu_messages_of_old(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    session.execute(
        text(
            "INSERT INTO conversations (customer_id, identity_id, channel, locale, status, flow_state, flow_data,"
            " owner, ownership_version, activity_seq, created_at)"
            " VALUES (:customer, :identity, 'wechat', 'zh-CN', 'open', 'await_description', '{}', 'bot', 0, 0, :now)"
        ),
        {"customer": customer_id, "identity": identity_id, "now": now},
    )
    # (kind, text, processed): a button answered already, one waiting, and the words typed.
    for kind, said, processed in (
        ("menu", "[menu] status", now),
        ("menu", "[menu] faq:business_hours", None),
        ("text", "[menu] status", None),
    ):
        session.execute(
            text(
                "INSERT INTO messages (conversation_id, channel, direction, sender, kind, text, created_at,"
                " processed_at) VALUES (1, 'wechat', 'in', 'customer', :kind, :text, :now, :processed)"
            ),
            {"kind": kind, "text": said, "now": now, "processed": processed},
        )


def _sid(number: int) -> str:
    return f"SM{number:032x}"


async def test_0035_every_part_of_an_sms_sent_before_it_finds_its_message(tmp_path: Path) -> None:
    """A text sent in parts before 0035 kept their ids joined by commas: each part gets its row
    (a late report for any part finds the message), the message keeps its first part's id, and
    0034 again joins them."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0034"))
    now = dt.datetime(2026, 12, 6, 6, tzinfo=dt.UTC)
    joined = ",".join(_sid(number) for number in (1, 2, 3))
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _sms_sent_of_old(Session(sync), now, [joined, _sid(4)]))
    _in_thread(lambda: migrate.upgrade(url))
    async with engine.begin() as connection:
        parts = (await connection.execute(text("SELECT provider_message_id, message_id, part FROM sms_parts"))).all()
        await connection.run_sync(lambda sync: deliveries.set_sms_status(Session(sync), _sid(3), "delivered", now))
        messages = (await connection.execute(text("SELECT provider_message_id, delivery_status FROM messages"))).all()
    assert sorted(tuple(row) for row in parts) == [(_sid(1), 1, 1), (_sid(2), 1, 2), (_sid(3), 1, 3), (_sid(4), 2, 1)]
    assert [tuple(row) for row in messages] == [(_sid(1), "delivered"), (_sid(4), "sent")]
    _in_thread(lambda: migrate.downgrade(url, "0034"))
    async with engine.connect() as connection:
        ids = (await connection.execute(text("SELECT provider_message_id FROM messages ORDER BY id"))).scalars()
        assert list(ids) == [joined, _sid(4)]
    await engine.dispose()


def _sms_sent_of_old(session: Session, now: dt.datetime, provider_ids: list[str]) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    session.execute(
        text(
            "INSERT INTO conversations (customer_id, identity_id, channel, locale, status, flow_state, flow_data,"
            " owner, ownership_version, activity_seq, created_at)"
            " VALUES (:customer, :identity, 'sms', 'zh-CN', 'open', 'await_area', '{}', 'bot', 0, 0, :now)"
        ),
        {"customer": customer_id, "identity": identity_id, "now": now.replace(tzinfo=None)},
    )
    for provider_id in provider_ids:
        session.execute(
            text(
                "INSERT INTO messages (conversation_id, channel, direction, sender, kind, text, created_at,"
                " provider_message_id, delivery_status, attempts, possibly_duplicated)"
                " VALUES (1, 'sms', 'out', 'bot', 'text', '您好', :now, :provider_id, 'sent', 1, 0)"
            ),
            {"now": now.replace(tzinfo=None), "provider_id": provider_id},
        )


async def test_0033_places_and_words_written_before_it_are_found_in_either_script(tmp_path: Path) -> None:
    """A case whose place was stored before 0033 in mixed scripts (太古城金星閣15楼), and a message
    written in traditional characters then, are found by staff searching 金星阁 or 金星閣 after it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
    _in_thread(lambda: migrate.upgrade(url, "0032"))
    now = dt.datetime(2026, 12, 6, 6)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: _hong_kong_cases_of_old(Session(sync), now))
    _in_thread(lambda: migrate.upgrade(url))

    def searched(sync: Connection, query: str) -> list[tuple[int, str, str | None]]:
        hits = search_conversations(Session(sync), query, None, agent_id=1).hits
        return [(hit.conversation_id, hit.matched, hit.place) for hit in hits]

    async with engine.connect() as connection:
        found = {query: await connection.run_sync(searched, query) for query in ("金星阁", "金星閣", "lift")}
    await engine.dispose()
    assert found["金星阁"] == found["金星閣"] == [(2, "text", None), (1, "place", "太古城金星閣15楼")]
    assert found["lift"] == [(2, "text", None)]


def _hong_kong_cases_of_old(session: Session, now: dt.datetime) -> None:
    customer_id, identity_id = _sms_customer_of_old(session, now)
    for conversation_id in (1, 2):
        session.execute(
            text(
                "INSERT INTO conversations (id, customer_id, identity_id, channel, locale, status, flow_state,"
                " flow_data, owner, ownership_version, activity_seq, created_at)"
                " VALUES (:id, :customer, :identity, 'sms', 'zh-HK', 'closed', 'new', '{}', 'bot', 0, 0, :now)"
            ),
            {"id": conversation_id, "customer": customer_id, "identity": identity_id, "now": now},
        )
    session.execute(
        text(
            "INSERT INTO complaints (case_number, conversation_id, customer_id, description, area, category,"
            " grade, customer_tier, signals, status, created_at, contact_by_channel)"
            " VALUES ('C1', 1, :customer, '電梯壞咗', '太古城金星閣15楼', 'other', 'simple', 'standard', '[]',"
            " 'open', :now, 0)"
        ),
        {"customer": customer_id, "now": now},
    )
    for conversation_id, said in ((1, "部電梯壞咗三日"), (2, "金星閣 lift 又壞"), (2, "thanks")):
        session.execute(
            text(
                "INSERT INTO messages (conversation_id, channel, direction, sender, kind, text, created_at)"
                " VALUES (:conversation, 'sms', 'in', 'customer', 'text', :text, :now)"
            ),
            {"conversation": conversation_id, "text": said, "now": now},
        )


async def test_without_pg_trgm_the_migration_succeeds_and_search_still_finds(database_url: str) -> None:
    """A database user that may not create the ``pg_trgm`` extension (no CREATE on the database)
    migrates to the head all the same, without the trigram indexes, and staff search still works."""
    if database_kind(database_url) != "postgresql":
        pytest.skip("pg_trgm exists on PostgreSQL only; SQLite's FTS5 index is tested in test_search_index.py")
    admin_url = make_url(database_url)
    name = f"{admin_url.database}_no_trgm"
    role = name.replace("-", "_")

    async def admin(statements: list[str], database: str | None = None) -> None:
        engine = create_engine(admin_url.set(database=database or admin_url.database).render_as_string(False))
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await connection.execute(text(statement))
        await engine.dispose()

    await admin([f"DROP DATABASE IF EXISTS {name}", f"DROP ROLE IF EXISTS {role}"])
    await admin([f"CREATE ROLE {role} LOGIN", f"CREATE DATABASE {name}"])
    await admin([f"GRANT ALL ON SCHEMA public TO {role}"], name)
    url = admin_url.set(database=name, username=role, password=None).render_as_string(False)
    try:
        _in_thread(lambda: migrate.upgrade(url))
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: _a_message_of_old(Session(sync), "楼道的垃圾三天没人清理"))
        async with engine.connect() as connection:
            indexes = await connection.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm'"))
            assert indexes.all() == []
            hits = await connection.run_sync(
                lambda sync: search_conversations(Session(sync), "垃圾三天", None, agent_id=1).hits
            )
        await engine.dispose()
        assert [(hit.conversation_id, hit.matched) for hit in hits] == [(1, "text")]
    finally:
        await admin([f"DROP DATABASE IF EXISTS {name}", f"DROP ROLE IF EXISTS {role}"])


def _a_message_of_old(session: Session, words: str) -> None:
    now = dt.datetime(2026, 12, 6, 6)
    _sms_sent_of_old(session, now, [])
    session.execute(
        text(
            "INSERT INTO messages (conversation_id, channel, direction, sender, kind, text, created_at,"
            " attempts, possibly_duplicated) VALUES (1, 'sms', 'in', 'customer', 'text', :words, :now, 0, false)"
        ),
        {"words": words, "now": now},
    )
