"""What the workers send a customer known by surname and title (王先生, Mr Smith) names them, as
the greeting does: the waiting apology, the progress follow-up and the 回访; a customer known by a
surname alone, or by none, hears the same words without a name."""

from __future__ import annotations

from typing import Any

from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session
from tests.promises.support import claim_and_resolve, promised_case, run_due


def system_texts(socket: ChatSocket) -> list[str]:
    """What the bot and the workers said."""
    return [f["text"] for f in socket.frames if f.get("type") == "message" and f.get("from") in ("system", "bot")]


async def _hears(socket: ChatSocket, words: str) -> str:
    """The worker's message holding ``words``, once it came."""
    await socket.until(lambda frames: any(words in text for text in system_texts(socket)))
    return next(text for text in system_texts(socket) if words in text)


async def _english_case(client: Any, problem: str) -> tuple[int, ChatSocket]:
    token, conversation_id = await new_session(client, locale="en")
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("at your service")
    await socket.tell(
        (
            (problem, "phone number"),
            ("13800138000", "community or address"),
            ("Sunny Garden 3", "Is that correct"),
            ("yes", "case number"),
        )
    )
    return conversation_id, socket


async def test_the_apology_the_follow_up_and_the_callback_name_a_customer_who_said_who_they_are(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, description="我是王先生 小区楼道的垃圾三天没人清理")
    assert "称呼：王先生" in "".join(socket.bot_texts())
    clock.advance(hours=21, minutes=36)  # 80 % of the 27 hours promised: the waiting apology
    await run_due(client)
    apology = await _hears(socket, "让您等了这么久")
    assert apology.startswith("王先生，真不好意思，让您等了这么久，请您再耐心地等"), apology
    clock.advance(days=2, hours=3)  # three days after the promise: the property follow-up
    await run_due(client)
    follow_up = await _hears(socket, "我们正在抓紧处理")
    assert follow_up.startswith("王先生，您好，您反映的问题（投诉编号"), follow_up

    await claim_and_resolve(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("1到5分")
    [asked] = [text for text in socket.bot_texts() if "1到5分" in text]
    assert asked.startswith("王先生，您好，您反映的问题（投诉编号"), asked
    assert "已处理完毕：已更换电梯控制板。请问您对这次处理是否满意" in asked
    await socket.close()


async def test_a_surname_without_a_title_is_not_guessed_one(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, description="我姓王 小区楼道的垃圾三天没人清理")
    clock.advance(hours=21, minutes=36)
    await run_due(client)
    apology = await _hears(socket, "让您等了这么久")
    assert apology.startswith("真不好意思，让您等了这么久"), apology
    await claim_and_resolve(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("1到5分")
    [asked] = [text for text in socket.bot_texts() if "1到5分" in text]
    assert asked.startswith("您好，您反映的问题（投诉编号"), asked
    await socket.close()


async def test_an_english_customer_is_called_back_as_mr_smith(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    told = "I'm Mr. Smith, the rubbish in our stairwell has not been cleared for 3 days"
    conversation_id, socket = await _english_case(client, told)
    assert any("Name: Mr Smith" in text for text in socket.bot_texts()), socket.bot_texts()  # confirmed
    clock.advance(hours=21, minutes=36)
    await run_due(client)
    apology = await _hears(socket, "kept you waiting")
    assert apology.startswith("Mr. Smith, we are really sorry to have kept you waiting so long."), apology
    clock.advance(days=2, hours=3)
    await run_due(client)
    follow_up = await _hears(socket, "we are working hard on your complaint")
    assert follow_up.startswith("Hello Mr. Smith, we are working hard on your complaint (case number"), follow_up

    await claim_and_resolve(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("from 1 to 5")
    [asked] = [text for text in socket.bot_texts() if "from 1 to 5" in text]
    assert asked.startswith("Hello Mr. Smith, your complaint (case number"), asked
    await socket.close()


async def test_an_english_customer_without_a_name_hears_the_plain_callback(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    _, socket = await _english_case(client, "The rubbish in our stairwell has not been cleared for three days")
    clock.advance(hours=21, minutes=36)
    await run_due(client)
    apology = await _hears(socket, "kept you waiting")
    assert apology.startswith("We are really sorry to have kept you waiting so long."), apology
    await socket.close()
