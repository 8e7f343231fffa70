"""An appealed case's status is the case's own, whichever conversation asks: the SMS chat that
appealed it and a web chat proven its customer by the phone's last digits both hear that the duty
supervisor has it (a player found the web chat told "正在排队等待处理" at the same moment)."""

from __future__ import annotations

from typing import Any

from tests.channels.conftest import PHONE, Stub
from tests.channels.sms_complaints import only_case, sms_complaint, until_texted
from tests.helpers import ChatSocket, new_session

WITH_THE_SUPERVISOR = "值班主管优先处理"


async def test_an_appealed_case_is_with_the_supervisor_on_every_channel_that_asks(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)
    await stub.phone_sends(f"{case_number} 路灯还是没修好 你们根本不管 都第三次了", sender=PHONE)
    await until_texted(stub, "已升级为优先处理")
    await stub.phone_sends("处理到哪了", sender=PHONE)
    await until_texted(stub, WITH_THE_SUPERVISOR)

    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(f"投诉编号{case_number} 处理到哪了")
    await socket.until_bot_says("完整联系电话")
    await socket.send(PHONE)
    frame = await socket.until_bot_says(case_number)
    await socket.close()
    assert WITH_THE_SUPERVISOR in frame["text"]
    assert "排队" not in frame["text"]
