"""The development SMS gateway's phone (``POST /sms-stub/phone``) takes what a phone sends: a body
that is no JSON object, or a sender that is no number, is refused with 400 (never a 500), and
control characters never reach its page."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.channels.conftest import PHONE, Stub
from tests.helpers import settled


async def _post(stub: Stub, **request: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(f"{stub.base}/phone", **request) as response:
        return response.status, await response.json()


async def test_a_body_that_is_no_json_object_is_refused_with_400(sms_setup: tuple[Any, Stub]) -> None:
    _, stub = sms_setup
    for data in ("[1]", "xx", '"text"', "null"):
        status, answer = await _post(stub, data=data, headers={"Content-Type": "application/json"})
        assert status == 400, data
        assert "JSON object" in answer["error"]
    assert stub.gateway.inbound == []


async def test_a_sender_that_is_no_phone_number_is_refused_with_400(sms_setup: tuple[Any, Stub]) -> None:
    _, stub = sms_setup
    for sender in ("hello", "<script>", "+86 138 0013 8000x", "1" * 21):
        status, answer = await _post(stub, json={"From": sender, "Body": "路灯坏了"})
        assert (status, "phone number" in answer["error"]) == (400, True), sender
    assert stub.gateway.inbound == []


async def test_control_characters_are_taken_out_of_the_text(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    status, _ = await _post(stub, json={"From": PHONE, "Body": "路灯\x00坏了\x07\x1b[31m"})
    assert status == 200
    assert [params["Body"] for params in stub.gateway.inbound] == ["路灯坏了[31m"]
    status, answer = await _post(stub, json={"From": PHONE, "Body": "\x00\x07"})
    assert (status, answer["error"]) == (400, "From and Body are required")
    await settled(client)
