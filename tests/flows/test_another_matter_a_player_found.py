"""Another matter told after the case is confirmed, a player found merged into the first case: a
burst pipe announced with 另外 became the garbage case's emergency (its place then lost), and a lift
"另外还有个事" at another estate was added to the lamp case. Each is a case of its own, its danger its own."""

from __future__ import annotations

import itertools

from bot.core.engine import ConversationEngine
from bot.flows.records import State
from tests.flows.chat import Chat


def _filed(engine: ConversationEngine, first: str) -> Chat:
    chat = Chat(engine)
    chat.send(first)
    step = chat.send("对")
    assert step.complaint is not None and chat.state is State.HANDED_OFF
    return chat


def test_danger_announced_as_another_matter_is_a_new_emergency_case(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, "金色家园2栋门口的垃圾三天没人清了 13812345678")
    first = chat.data.case_number
    assert first is not None
    told = chat.send("另外 我家楼下的水管爆了")
    ids = chat.phrase_ids(told)
    assert ids[0] == "safety_water", ids  # how to stay safe comes first
    assert "another_problem_new_case" in ids and "escalated_within_an_hour" not in ids, ids
    assert told.handoff is not None and told.handoff.queue == "supervisor"
    restated = chat.send("阳光花园3栋")
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"
    assert chat.line(restated, "问题：") == "问题：我家楼下的水管爆了（工程维修）"
    second = chat.data.case_number
    assert second is not None and second != first and second in chat.texts(restated)
    assert first not in chat.texts(restated)


def test_another_matter_at_another_estate_is_a_case_of_its_own(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, "金色家园2栋门口的路灯坏了 13812345678")
    first = chat.data.case_number
    assert first is not None
    told = chat.send("另外还有个事 阳光花园的电梯也坏了")
    assert chat.phrase_ids(told)[0] == "another_problem_new_case", chat.texts(told)
    assert "一并记录" not in chat.texts(told)
    assert chat.line(told, "地点：") == "地点：阳光花园"
    promised = chat.send("对")
    assert promised.complaint is not None and promised.complaint.case_number != first
    assert promised.complaint.area == "阳光花园"


def test_no_message_meets_silence_while_the_case_waits(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, "金色家园2栋门口的路灯坏了 13812345678")
    chat.send("还有 电梯也坏了一个星期了")
    replies = [chat.texts(chat.send(text)) for text in ("对", "喂", "阳光花园", "好")]
    assert all(replies), replies
    assert all(one != next_one for one, next_one in itertools.pairwise(replies)), replies
