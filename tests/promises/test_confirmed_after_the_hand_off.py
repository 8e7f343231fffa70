"""A case the duty supervisor has at once (an emergency, a threat to go to the media) is restated
after the hand-off and the customer asked whether it is right: their "对" is recorded, so the
case is no longer "处理中（信息未经客户确认）" (status ``incomplete``), and they are thanked."""

from __future__ import annotations

import pytest

from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.promises.support import complaint


@pytest.mark.parametrize(
    "told",
    [
        "楼道里有很浓的煤气味 在阳光花园5栋2单元 电话13900000002",
        "宽带断了三天了 打了好几次电话都没人管 再不修我就找媒体曝光 阳光花园5栋 电话13900000003",
    ],
)
async def test_a_yes_to_the_restatement_after_the_hand_off_confirms_the_case(
    make_client: AppFactory, told: str
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send(told)
    await socket.until_bot_says("请问以上内容是否正确")
    assert (await complaint(client, conversation_id)).status == "incomplete"
    await socket.send("对")
    await socket.until_bot_says("谢谢您的合作")
    assert (await complaint(client, conversation_id)).status == "open"
    await socket.close()


async def test_a_yes_to_something_else_confirms_nothing(make_client: AppFactory) -> None:
    """Asked once: a later "对" (to the reassurance, say) is no answer to the restatement."""
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send("楼道里有很浓的煤气味 在阳光花园5栋2单元 电话13900000002")
    await socket.until_bot_says("请问以上内容是否正确")
    await socket.send("快点派人来啊")
    await socket.until_bot_says("请您放心")
    said = len(socket.bot_texts())
    await socket.send("对")
    await socket.until(lambda _: len(socket.bot_texts()) > said)
    assert (await complaint(client, conversation_id)).status == "incomplete"
    await socket.close()
