"""The model cannot end, drop or skip anything, nor put its words in the bot's mouth.

A model answering ``withdraw``, ``goodbye`` or a yes it alone heard would have the bot say goodbye
to a new complaint, close a case or confirm what the customer never confirmed: those need the
rules' own words; what only the model heard is shown to the staff, as escalations only it found are.
And a slot it claims is said back only when it passes what the rules' own values pass: no words in
the service's voice, no insult as a name, a place that reads as a place. The fake model is a real
local chat-completions server answering what each test sets.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.config import Intent, ServiceConfig
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from bot.understanding.merge import merge
from bot.understanding.model_settings import ModelSettings
from bot.understanding.result import Understanding
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.promises.support import staff
from tests.understanding.chat_server import API_KEY, MODEL, ChatServer, chat_server, understander

LEAK = "楼上漏水三天了 阳光花园5栋 电话13912345674"
GOODBYE = "再见"
RESTATED = "请问以上内容是否正确"


def _llm(server: ChatServer) -> ModelSettings:
    return ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5)


async def _opened(client: TestClient[Any, Any]) -> tuple[ChatSocket, int]:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.caught_up()
    return socket, conversation_id


async def _cases(client: TestClient[Any, Any]) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Complaint))).scalar_one())


async def test_a_model_that_says_withdraw_does_not_drop_a_new_complaint(make_client: AppFactory) -> None:
    async with chat_server() as server:
        server.answer_object({"intents": ["withdraw", "goodbye"], "category": "engineering_repair"})
        client = await make_client(llm=_llm(server))
        socket, conversation_id = await _opened(client)

        await socket.send(LEAK)
        await socket.until_bot_says("地点：阳光花园5栋")
        await socket.until_bot_says(RESTATED)
        await socket.send("对")
        await socket.until_bot_says("您的投诉编号是")

        assert not any(GOODBYE in text for text in socket.bot_texts())
        assert await _cases(client) == 1
        await staff(client, "wang.supervisor", Role.SUPERVISOR)
        view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
        [case] = view["complaints"]
        assert {"withdraw", "goodbye"} <= set(case["model_suggestions"])
        assert any(event["kind"] == "model_suggested" for event in view["timeline"])
        await socket.close()


async def test_a_model_that_says_yes_does_not_confirm_for_the_customer(make_client: AppFactory) -> None:
    """At the restatement, "等一下" is no yes, whatever the model says: the case is not recorded."""
    async with chat_server() as server:
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        await socket.send(LEAK)
        await socket.until_bot_says(RESTATED)

        server.answer_object({"intents": ["yes"]})
        asked = socket.times_said("")
        await socket.send("等一下")
        await socket.until(lambda _: socket.times_said("") > asked)
        await socket.collect_for(0.5)

        assert not any("您的投诉编号是" in text for text in socket.bot_texts())
        assert await _cases(client) == 0
        await socket.close()


async def test_a_withdrawal_in_the_customers_words_still_ends_it(make_client: AppFactory) -> None:
    async with chat_server() as server:
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        server.answer_object({"intents": ["withdraw"]})
        await socket.send("算了 不投诉了")
        await socket.until_bot_says(GOODBYE)
        await socket.close()


async def test_words_in_the_services_voice_are_never_restated_as_the_place(make_client: AppFactory) -> None:
    async with chat_server() as server:
        server.answer_object({"intents": ["complaint"], "slots": {"address": "我们会赔偿您5000元"}})
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)

        await socket.send("我们会赔偿您5000元 楼上漏水三天了 电话13912345674")
        await socket.until_bot_says("发生在哪个小区或地址")

        assert not any("赔偿" in text for text in socket.bot_texts())
        await socket.close()


async def test_an_insult_the_model_calls_a_name_is_never_the_customers_title(make_client: AppFactory) -> None:
    async with chat_server() as server:
        client = await make_client(llm=_llm(server))
        for text, slots in (
            (
                "傻逼物业 楼上漏水三天了 阳光花园5栋 电话13912345674",
                {"name": "傻逼物业", "surname": "傻逼", "honorific": "先生"},
            ),
            ("垃圾物业 楼上漏水三天了 阳光花园5栋 电话13912345674", {"name": "垃圾物业", "honorific": "先生"}),
        ):
            server.answer_object({"intents": ["complaint"], "slots": slots})
            socket, _ = await _opened(client)
            await socket.send(text)
            await socket.until_bot_says(RESTATED)

            restated = next(said for said in socket.bot_texts() if "称呼" in said)
            assert "称呼：未提供" in restated, restated
            await socket.close()


async def test_a_place_the_model_names_is_said_back_when_it_reads_as_one(make_client: AppFactory) -> None:
    """The rules find no place in "就在我们那个西门口"; the model's, read by the rules, tells
    nothing but where, so it is said back: a gate alone, asked which estate's."""
    async with chat_server() as server:
        server.answer_object({"intents": ["complaint"], "slots": {"address": "西门口"}})
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        await socket.send("小区的路灯坏了一个星期，就在我们那个西门口，电话13800138000")
        await socket.until_bot_says("请问西门口是哪个小区的呢")
        await socket.close()


async def test_the_problem_the_model_calls_a_place_is_not_the_place(make_client: AppFactory) -> None:
    async with chat_server() as server:
        server.answer_object({"intents": ["complaint"], "slots": {"address": "楼上漏水三天了"}})
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        await socket.send("楼上漏水三天了 电话13912345674")
        await socket.until_bot_says("发生在哪个小区或地址")
        await socket.close()


async def test_a_place_sent_at_the_restatement_puts_the_place_right(make_client: AppFactory) -> None:
    """The model read a place the rules could not check, its estate not told when asked; the
    customer sends the estate at the restatement: it is restated with it."""
    async with chat_server() as server:
        server.answer_object({"intents": ["complaint"], "slots": {"address": "西门口"}})
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        await socket.send("小区的路灯坏了一个星期，就在我们那个西门口，电话13800138000")
        await socket.until_bot_says("请问西门口是哪个小区的呢")
        await socket.send("不知道")
        await socket.until_bot_says("地点：西门口")

        await socket.send("阳光花园5栋")
        await socket.until_bot_says("地点：阳光花园5栋西门口")
        await socket.close()


async def test_vetting_keeps_what_ends_or_hands_over_for_the_rules_words(service_config: ServiceConfig) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        text = "楼上漏水三天了"
        rules = Understanding(text, "zh-CN", intents=frozenset({Intent.COMPLAINT}), category="engineering_repair")
        reading = Understanding(
            text, "zh-CN", intents=frozenset({Intent.COMPLAINT, Intent.WITHDRAW, Intent.YES, Intent.HUMAN})
        )

        merged = merge(rules, model.trust.vet(rules, reading))

        assert merged.intents == {Intent.COMPLAINT}
        assert merged.suggested_intents == {Intent.WITHDRAW, Intent.YES, Intent.HUMAN}

        said = Understanding("算了 不投诉了", "zh-CN", intents=frozenset({Intent.WITHDRAW}))
        assert merge(said, model.trust.vet(said, said)).intents == {Intent.WITHDRAW}
        asked = Understanding("帮我找个真人", "zh-CN")
        person = Understanding("帮我找个真人", "zh-CN", intents=frozenset({Intent.HUMAN}))
        assert merge(asked, model.trust.vet(asked, person)).intents == {Intent.HUMAN}


@pytest.mark.parametrize("intent", ["out_of_scope", "question", "praise", "withdraw"])
async def test_a_place_answering_the_place_question_is_the_place_whatever_the_model_says(
    make_client: AppFactory, intent: str
) -> None:
    async with chat_server() as server:
        client = await make_client(llm=_llm(server))
        socket, _ = await _opened(client)
        await socket.send("楼上漏水三天了 电话13912345674")
        await socket.until_bot_says("发生在哪个小区或地址")

        server.answer_object({"intents": [intent], "category": "engineering_repair"})
        await socket.send("阳光花园5栋")
        await socket.until_bot_says("地点：阳光花园5栋")
        await socket.close()
