"""The reply time as the worker and a supervisor's extension say it: the same words as the promise
(``time_words``), in English too ("by 5 pm today", never "by by 5 pm today")."""

from __future__ import annotations

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
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
    assert "Please bear with us for another 5.4 hours (by 5 pm today);" in apology, apology

    # The supervisor's preview shows exactly the message the customer then reads.
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    preview = await client.get(f"/api/conversations/{conversation_id}/extend?hours=12", headers=headers)
    assert preview.status == 200, await preview.text()
    shown = await preview.json()
    assert shown["deadline_said"] == "by 11 am on Thursday 26 November", shown
    extension = {"hours": 12, "reason": "waiting for the contractor"}
    extended = await client.post(f"/api/conversations/{conversation_id}/extend", json=extension, headers=headers)
    assert extended.status == 200, await extended.text()
    await socket.until(lambda frames: any(shown["message"] == text for text in system_texts(socket)))
    assert "We will give you a clear answer by 11 am on Thursday 26 November;" in shown["message"]
    assert not any("by by" in text for text in socket.bot_texts())
    await socket.close()
