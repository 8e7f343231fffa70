"""A case handed off and held by an agent, as storage loads it: for the held-case flow tests."""

from __future__ import annotations

import datetime as dt

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

AGENT = "agent:7"


def held(engine: ConversationEngine, phone: str | None = "13800138000", locale: str = "zh-CN") -> Chat:
    """A case recorded and handed off, then claimed by an agent (the case as storage loads it)."""
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    if locale == "en":
        chat.send("The street lamp outside block 3 has been broken for two weeks")
        chat.send(phone or "no")
        chat.send("Sunshine Garden block 3")
        chat.send("yes")
    else:
        chat.send("楼道灯坏了两周没人修")
        for answer in [phone] if phone else ["不想留电话", "还是不想留"]:
            chat.send(answer)
        chat.send("阳光花园3栋")
        chat.send("对")
    assert chat.state is State.HANDED_OFF and chat.data.case_number is not None
    deadline = MONDAY_2PM + dt.timedelta(hours=21)
    case = CaseStatus(CaseStage.WITH_AGENT, chat.data.case_number, deadline, agent_name="李娜")
    chat.customer = CustomerView(this_case=case)
    chat.owner = AGENT
    chat.wait(600)
    return chat
