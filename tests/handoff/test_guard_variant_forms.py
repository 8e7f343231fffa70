"""Forbidden phrases an agent typed in other forms of their characters or letters, or in other
words (found by a penetration tester): Japanese forms of Chinese characters ("您応該去找", 応 for
应), a variant of one (㑹 for 会), small capitals ("ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ"), and paraphrases naming the
property company ("这不归物业管"). Each is refused as its plain form is, in a reply and in the
resolution summary the bot reads to the customer; ordinary replies that share their words pass."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.promises.support import claim_case, complaint, promised_case
from tests.staff import claimed_conversation
from tests.standards.support import section, signed_in


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("您応該去找街道办", "您应该去找"),
        ("我们的规定就是这様的", "我们的规定就是这样的"),
        ("您冲我発什么火呀", "您冲我发什么火呀"),
        ("我们不㑹", "我们不会"),
        ("ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ", "I don't know"),
        ("ᴛʜᴀᴛ's ɴᴏᴛ ᴏᴜʀ ʀᴇsᴘᴏɴsɪʙɪʟɪᴛʏ", "that's not our responsibility"),
        ("这不归物业管", "不归物业管"),
        ("这不是我们物业的责任", "不是我们物业的责任"),
        ("这事我们管不了，找街道办去", "我们管不了"),
        ("找开发商去吧", "找开发商去吧"),
    ],
)
async def test_a_forbidden_phrase_in_another_form_is_refused_as_a_reply(
    make_client: AppFactory, text: str, flagged: str
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 422
    body = await response.json()
    assert body["forbidden"] == flagged and body["suggestion"]
    start, end = body["span"]
    assert end > start  # the console can mark where it stands
    await socket.close()


@pytest.mark.parametrize("text", ["暖气的事我不淸楚", "不是我受理的，我不淸楚"])
async def test_an_old_printed_form_of_a_character_is_refused_as_a_reply(make_client: AppFactory, text: str) -> None:
    """淸 (U+6DF8) is drawn as 清: the customer would read 我不清楚."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 422, await response.text()
    assert (await response.json())["suggestion"]
    await socket.close()


async def test_a_standard_phrase_saying_a_forbidden_one_in_an_old_form_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    phrases = (await section(client, "phrases"))["body"]
    phrases["zh-CN"]["phrases"]["empathy"] = "不是我受理的，我不淸楚。"
    saved = await client.put("/api/standards/phrases", json={"body": phrases}, headers=headers)
    assert saved.status == 422, await saved.text()
    assert "says the forbidden phrase" in (await saved.json())["error"]
    in_force = (await section(client, "phrases"))["body"]
    assert in_force["zh-CN"]["phrases"]["empathy"] != "不是我受理的，我不淸楚。"


@pytest.mark.parametrize(
    "text",
    [
        "我们不管多晚都会派师傅上门",
        "我们会找街道办去协调，明天给您回复",
        "我们已经找社区去问了，有结果马上告诉您",
        "这不是您的责任，我们马上处理",
        "这个问题由我们物业负责到底",
        "燃气管道归燃气公司维护，我们已经帮您联系了",
        "I don't think so either, I'll check now",
    ],
)
async def test_an_ordinary_reply_sharing_their_words_is_sent(make_client: AppFactory, text: str) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 201, await response.text()
    await socket.close()


async def test_a_resolution_summary_in_disguise_is_refused_and_the_case_stays_open(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await claim_case(client, conversation_id)
    refused = await client.post(
        f"/api/conversations/{conversation_id}/resolve",
        json={"summary": "这不归物业管，您応該去找街道办"},
        headers=headers,
    )
    assert refused.status == 422
    body = await refused.json()
    assert body["forbidden"] == "您应该去找" and body["can_override"] is False
    assert body["error"] == "the reply contains a forbidden phrase: 「您应该去找」"
    assert (await complaint(client, conversation_id)).status != "resolved"
    await socket.close()
