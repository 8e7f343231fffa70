"""Understanding where people meet it: the manager's try-a-sentence API, the ``understand``
command, and the optional model's reading reaching a conversation through the pipeline."""

from __future__ import annotations

import json

import pytest

from bot.__main__ import main
from bot.staff.accounts import Role
from bot.understanding.model_settings import ModelSettings
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in
from tests.understanding.chat_server import API_KEY, MODEL, chat_server

EXAMPLE = "我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了"


async def test_a_manager_tries_a_sentence(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    response = await client.post("/api/understand", json={"text": EXAMPLE}, headers={"X-CSRF-Token": csrf})
    assert response.status == 200
    body = await response.json()
    assert body["intents"] == ["complaint"] and body["category"] == "engineering_repair"
    assert body["slots"]["phone"] == "+8613912345678" and body["slots"]["district"] == "海淀区"
    assert (body["slots"]["name"], body["slots"]["surname"]) == ("王芳", "王")


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"text": "  "}, "'text' must be a non-empty string"),
        ({"text": 42}, "'text' input should be a valid string"),
        ({"text": "转人工", "locale": "fr"}, "'locale' must be one of"),
        ({"text": "长" * 20001}, "longer than 20000"),
    ],
)
async def test_bad_input_to_the_try_box_is_a_clear_400(
    make_client: AppFactory, payload: dict[str, object], error: str
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    response = await client.post("/api/understand", json=payload, headers={"X-CSRF-Token": csrf})
    assert response.status == 400 and error in (await response.json())["error"]


async def test_agents_do_not_get_the_try_box(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    response = await client.post("/api/understand", json={"text": "转人工"}, headers={"X-CSRF-Token": csrf})
    assert response.status == 403


def test_the_understand_command_prints_one_json_object_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["understand", EXAMPLE, "叫你们领导出来", "I am not happy with your service"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == [EXAMPLE, "叫你们领导出来", "I am not happy with your service"]
    assert lines[0]["slots"] == {
        "phone": "+8613912345678",
        "name": "王芳",
        "surname": "王",
        "honorific": None,
        "address": "中关村大街",
        "district": "海淀区",
        "second_phone": None,
    }
    assert lines[0]["other_categories"] == []
    assert lines[1]["intents"] == ["supervisor"]
    assert (lines[2]["locale"], lines[2]["category"]) == ("en", "service_attitude")


def test_the_understand_command_reads_stdin_one_text_a_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("我的投诉怎么样了?\n\n你们营业时间是几点?\n"))
    assert main(["understand", "--locale", "zh-CN"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["intents"] for line in lines] == [["status_query"], ["question"]]


async def test_the_models_reading_completes_the_rules_in_a_conversation(make_client: AppFactory) -> None:
    """The rules find no place in "就在我们那个西门口"; the configured model does, and the bot
    takes it as the area instead of asking for it: a gate alone, asked which estate's."""
    async with chat_server() as server:
        server.answer_object({"intents": ["complaint"], "slots": {"address": "西门口"}})
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.caught_up()
        await socket.send("小区的路灯坏了一个星期，就在我们那个西门口，电话13800138000")
        await socket.until_bot_says("请问西门口是哪个小区的呢")
        assert any(request.user_text.startswith("小区的路灯坏了") for request in server.requests)
        await socket.close()


async def test_a_model_that_is_down_leaves_the_rules_to_answer(make_client: AppFactory) -> None:
    async with chat_server() as server:
        server.fail(503)
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=2))
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.caught_up()
        await socket.send("小区的路灯坏了一个星期，电话13800138000")
        await socket.until_bot_says("发生在哪个小区或地址")  # the rules' answer: the area is still missing
        assert server.requests, "the model was asked"
        await socket.close()


async def test_the_try_box_reads_a_long_wechat_text_whole(make_client: AppFactory) -> None:
    """A 3,000-character text as a WeChat customer sends it is read to its end, as the bot reads it."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    text = "锦绣家园12栋楼上漏水一个多月了，" * 180 + "我电话13566667777 再不处理我就找电视台曝光你们"
    response = await client.post("/api/understand", json={"text": text}, headers={"X-CSRF-Token": csrf})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["slots"]["phone"] == "+8613566667777" and "media_legal" in body["signals"]
