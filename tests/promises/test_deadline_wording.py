"""The reply time as the worker and a supervisor's extension say it: the same words as the promise
(``time_words``), in English too ("by 5 pm today", never "by by 5 pm today"); the wait the
apology names in minutes under an hour."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import PhraseId, ServiceConfig
from bot.promises.tracker import Tracker
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.flows.chat import SHANGHAI
from tests.handoff.queue_helpers import system_texts
from tests.promises.support import promised_case_in_english, run_due, staff


async def test_an_english_customer_hears_the_extension_and_the_apology_as_promised(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case_in_english(client)
    assert any("give you a clear answer by 5 pm tomorrow." in text for text in socket.bot_texts())

    # 80 % of the 27 hours: the waiting apology names the time left and the time promised.
    clock.advance(hours=21, minutes=36)
    await run_due(client)
    await socket.until(lambda frames: any("bear with us" in text for text in system_texts(socket)))
    [apology] = [text for text in system_texts(socket) if "bear with us" in text]
    assert "Please bear with us for another 5 hours (by 5 pm today);" in apology, apology

    # The supervisor's preview shows exactly the message the customer then reads.
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    preview = await client.get(f"/api/conversations/{conversation_id}/extend?hours=12", headers=headers)
    assert preview.status == 200, await preview.text()
    shown = await preview.json()
    assert shown["deadline_said"] == "by 11 am on Thursday 26 November", shown
    extension = {"hours": 12, "reason": "waiting for the contractor"}
    extended = await client.post(f"/api/conversations/{conversation_id}/extend", json=extension, headers=headers)
    assert extended.status == 200, await extended.text()
    # The extension comes as a message from the service, not a grey system line.
    await socket.until(lambda frames: any(shown["message"] == text for text in socket.bot_texts()))
    assert "We will give you a clear answer by 11 am on Thursday 26 November;" in shown["message"]
    assert not any("by by" in text for text in socket.bot_texts())
    await socket.close()


@pytest.mark.parametrize(
    ("by", "left", "zh", "en"),
    [
        ((15, 0), dt.timedelta(minutes=12), "12分钟（今天下午3点前）", "12 min (by 3 pm today)"),
        ((15, 0), dt.timedelta(minutes=12, seconds=50), "12分钟（今天下午3点前）", "12 min (by 3 pm today)"),
        ((15, 0), dt.timedelta(seconds=20), "1分钟（今天下午3点前）", "1 min (by 3 pm today)"),
        ((15, 0), dt.timedelta(minutes=59, seconds=59), "59分钟（今天下午3点前）", "59 min (by 3 pm today)"),
        ((20, 0), dt.timedelta(hours=5), "5小时（今天晚上8点前）", "5 hours (by 8 pm today)"),
        ((16, 0), dt.timedelta(hours=1), "1小时（今天下午4点前）", "1 hour (by 4 pm today)"),
        ((20, 24), dt.timedelta(hours=5, minutes=24), "5小时（今天晚上8点24分前）", "5 hours (by 8:24 pm today)"),
        ((16, 0), dt.timedelta(hours=1, minutes=59), "1小时（今天下午4点前）", "1 hour (by 4 pm today)"),
    ],
)
def test_the_wait_of_the_apology_is_said_in_minutes_under_an_hour_and_whole_hours_plainly(
    service_config: ServiceConfig, by: tuple[int, int], left: dt.timedelta, zh: str, en: str
) -> None:
    """The ``{wait}`` of the waiting apology: "12分钟", never "0.2小时" nor "0分钟"; "5小时", not "5.0小时"
    nor "5.4小时" (the exact time is said beside it)."""
    tracker = Tracker(service_config)
    deadline = dt.datetime(2026, 11, 23, *by, tzinfo=SHANGHAI)
    said = (tracker.wait_text(deadline, deadline - left, "zh-CN"), tracker.wait_text(deadline, deadline - left, "en"))
    assert said == (zh, en)
    apology = tracker.phrases.render(PhraseId.WAITING_APOLOGY, "zh-CN", wait=said[0])
    assert f"请您再耐心地等{zh}，" in apology
