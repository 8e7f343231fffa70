"""Handed to the duty supervisor (a manager asked for, a threat of the media or 12345): the reply
is promised as soon as for violence, and a yes after the phone and the place hears the supervisor
will call, not that the message went to a customer-service agent."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from tests.flows.chat import Chat

MEDIA = "物业乱收停车费，再不处理我就打12345，找电视台曝光"
VIOLENCE = "物业乱收停车费，再不处理我就砸了你们物业办公室"


@pytest.mark.parametrize("threat", [MEDIA, VIOLENCE])
def test_a_threat_of_the_media_is_promised_within_the_hour_as_violence_is(
    conversation_engine: ConversationEngine, threat: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(threat)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert "1小时内（今天下午3点前）" in chat.texts(step)


@pytest.mark.parametrize("first", ["物业乱收停车费 叫你们经理出来", MEDIA])
def test_a_yes_after_the_phone_and_place_hears_the_supervisor_will_call(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(first)
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    step = chat.send("对")
    assert chat.phrase_ids(step) == ["escalation_reassure"]
    assert "客服代表" not in chat.texts(step)
