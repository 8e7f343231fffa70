"""On web chat, a complaint given up in Cantonese at the phone question is asked about, and a
customer who writes again after the bot's goodbye is answered: never silence."""

from __future__ import annotations

from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint, greeted_customer


async def test_a_cantonese_withdrawal_at_the_phone_question_is_asked_about(make_client: AppFactory) -> None:
    client = await make_client()
    socket, _ = await greeted_customer(client)
    await socket.tell([("樓上漏水", "電話號碼"), ("唔使理喇 唔投訴喇", "確定不需要我們處理了嗎")])
    await socket.tell([("對", "不為您登記投訴")])
    await socket.close()


async def test_a_hello_after_the_goodbye_while_the_case_waits_is_greeted_back(make_client: AppFactory) -> None:
    client = await make_client()
    _, socket = await confirmed_complaint(client)
    await socket.tell([("拜拜", "再见！"), ("你好", "请问还有什么可以帮助您")])
    await socket.close()
