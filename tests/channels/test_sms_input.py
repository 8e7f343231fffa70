"""SMS webhook input that must never hurt: any signed form gets the empty TwiML (stored, or a
blank text ignored) or 400 (a missing or impossible sender or sid), never a 500."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from yarl import query_to_pairs

from bot.channels.sms.adapter import signature
from bot.channels.text_input import TRUNCATION_MARK, clean_text, is_blank
from bot.config import load_config
from bot.keys import resources
from bot.settings import PROJECT_ROOT, SmsGatewaySettings
from bot.storage.models import ChannelIdentity, Customer, Message
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN
from tests.conftest import AppFactory
from tests.input_strategies import NASTY_TEXTS, SENDABLE_CHARACTER, SHARED_APP, UNSTORABLE

SIDS = itertools.count(1)
LIMIT = load_config(PROJECT_ROOT / "config").channels.max_provider_text_chars
# A form field can carry any character but an unpaired surrogate (it must be UTF-8).
FORM_TEXTS = st.one_of(
    NASTY_TEXTS.filter(lambda text: not any("\ud800" <= ch <= "\udfff" for ch in text)),
    st.text(alphabet=SENDABLE_CHARACTER, max_size=40),
    st.just("长" * 100_000),
)


async def _sms_app(make_client: AppFactory) -> TestClient[Any, Any]:
    # Nothing is delivered in these tests: the gateway address is never called.
    return await make_client(sms=SmsGatewaySettings(ACCOUNT, TOKEN, NUMBER, "http://127.0.0.1:9"))


@pytest.fixture
async def client(make_client: AppFactory) -> TestClient[Any, Any]:
    return await _sms_app(make_client)


def _form(body: str, sid: str | None = None, sender: str = PHONE) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT,
        "MessageSid": sid or f"SM{next(SIDS):032d}",
        "From": sender,
        "To": NUMBER,
        "Body": body,
        "NumSegments": "1",
    }


async def _post_signed(client: TestClient[Any, Any], params: dict[str, str]) -> Any:
    url = str(client.make_url("/channels/sms"))
    return await client.post(
        "/channels/sms", data=params, headers={"X-Twilio-Signature": signature(TOKEN, url, params)}
    )


async def _stored(client: TestClient[Any, Any], sid: str) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.provider_message_id == sid))
        return list(rows.scalars())


async def _count(client: TestClient[Any, Any], model: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_text_is_stored_cleaned_cut_to_the_limit_or_not_at_all_when_blank(client: TestClient[Any, Any]) -> None:
    forms = [_form(body) for body in ("电梯\x00坏了\x07", "长" * 100_000, "\x00 \u200b\u3000", "")]
    for params in forms:
        response = await _post_signed(client, params)
        assert response.status == 200 and "<Response>" in await response.text()
    assert await _stored(client, forms[0]["MessageSid"]) == ["电梯坏了"]
    [long] = await _stored(client, forms[1]["MessageSid"])
    assert len(long) == LIMIT and long.endswith(TRUNCATION_MARK)
    assert await _stored(client, forms[2]["MessageSid"]) == [] and await _stored(client, forms[3]["MessageSid"]) == []
    async with resources(client.app).sessions() as session:
        raws = (await session.execute(select(Message.raw).where(Message.direction == "in"))).scalars().all()
    assert raws and not any(UNSTORABLE.search(raw or "") for raw in raws)


@pytest.mark.parametrize(
    "changes",
    [
        {"From": ""},
        {"From": "+86" + "1" * 40},
        {"From": "+86138\x00"},
        {"MessageSid": ""},
        {"MessageSid": "SM" + "0" * 200},
        {"MessageSid": "SM\x00"},
    ],
)
async def test_a_missing_or_impossible_sender_or_sid_gets_400_and_stores_nothing(
    client: TestClient[Any, Any], changes: dict[str, str]
) -> None:
    response = await _post_signed(client, {**_form("电梯坏了"), **changes})
    assert response.status == 400
    assert next(iter(changes)) in (await response.json())["error"]
    assert await _count(client, Message) == 0 and await _count(client, Customer) == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"Body=\xff\xfe&From=1", "application/x-www-form-urlencoded"),
        (b"Body=hi", "application/x-www-form-urlencoded; charset=no-such"),
        (
            b"--x\r\nContent-Disposition: form-data; name=Body\r\n\r\n\xff\r\n--x--\r\n",
            "multipart/form-data; boundary=x",
        ),
    ],
)
async def test_a_body_that_cannot_be_read_as_a_form_gets_400(
    client: TestClient[Any, Any], body: bytes, content_type: str
) -> None:
    response = await client.post("/channels/sms", data=body, headers={"Content-Type": content_type})
    assert response.status == 400


async def test_a_signature_header_with_non_ascii_bytes_is_refused_not_a_500(client: TestClient[Any, Any]) -> None:
    response = await client.post("/channels/sms", data=_form("hi"), headers={"X-Twilio-Signature": "s\u00e9"})
    assert response.status == 403


async def test_copies_of_a_new_customers_first_sms_on_two_instances_are_stored_once(make_client: AppFactory) -> None:
    instances = [await _sms_app(make_client), await _sms_app(make_client)]
    for round_ in range(5):
        sender = f"+86135001350{round_:02d}"
        first, second = _form("电梯坏了", sender=sender), _form("停了一上午", sender=sender)
        posts = [
            _post_signed(instances[index % 2], params) for index, params in enumerate([first, first, first, second])
        ]
        assert [response.status for response in await asyncio.gather(*posts)] == [200] * 4
        assert len(await _stored(instances[0], first["MessageSid"])) == 1
        assert len(await _stored(instances[0], second["MessageSid"])) == 1
    assert await _count(instances[0], ChannelIdentity) == 5 and await _count(instances[0], Customer) == 5


@SHARED_APP
@given(body=FORM_TEXTS, sender=st.text(alphabet=SENDABLE_CHARACTER, max_size=40) | st.just(PHONE))
async def test_any_signed_form_is_stored_cleaned_or_refused_never_a_500(
    client: TestClient[Any, Any], body: str, sender: str
) -> None:
    params = _form(body, sender=sender)
    response = await _post_signed(client, params)
    stored = await _stored(client, params["MessageSid"])
    if response.status == 400:
        assert not sender.strip() or len(sender) > 32 or UNSTORABLE.search(sender), await response.text()
        assert stored == []
        return
    assert response.status == 200, await response.text()
    cleaned = clean_text(body)
    if is_blank(cleaned):
        assert stored == []
    else:
        assert stored == [cleaned if len(cleaned) <= LIMIT else cleaned[: LIMIT - 1] + TRUNCATION_MARK]


@SHARED_APP
@given(
    fields=st.dictionaries(
        st.text(alphabet=SENDABLE_CHARACTER, max_size=12), st.text(alphabet=SENDABLE_CHARACTER, max_size=30), max_size=6
    )
)
async def test_any_signed_form_fields_give_200_or_400_never_a_500(
    client: TestClient[Any, Any], fields: dict[str, str]
) -> None:
    url = str(client.make_url("/channels/sms"))
    # As the server reads it back: the form is parsed, then its parameters are signed.
    body = urlencode(fields)
    params = dict(query_to_pairs(body, encoding="utf-8"))
    headers = {"X-Twilio-Signature": signature(TOKEN, url, params), "Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/channels/sms", data=body.encode(), headers=headers)
    assert response.status in (200, 400), await response.text()


async def test_a_captured_sms_with_its_field_boundaries_moved_stores_nothing_new(client: TestClient[Any, Any]) -> None:
    """The signature joins names and values with nothing between them, so a captured request can
    be replayed with a longer or shorter MessageSid under the same signature: each is refused."""
    original = _form("我家楼下的路灯坏了三天了", sid="SM" + "ab12cd34" * 4)
    url = str(client.make_url("/channels/sms"))
    captured = {"X-Twilio-Signature": signature(TOKEN, url, original)}
    assert (await client.post("/channels/sms", data=original, headers=captured)).status == 200
    sid, count, to = original["MessageSid"], original["NumSegments"], original["To"]
    without_count = {key: value for key, value in original.items() if key != "NumSegments"}
    without_both = {key: value for key, value in without_count.items() if key != "To"}
    rest = f"NumSegments{count}To{to}"  # what follows the sid, the last fields by name
    shifted = [
        {**without_count, "MessageSid": f"{sid}NumSegments{count}"},
        {**without_both, "MessageSid": f"{sid}{rest}"},
        {**without_both, "MessageSid": f"{sid}NumSegments{count}T", f"o{to}": ""},
        # A name starting a-f sorts where the sid stood.
        *({**without_both, "MessageSid": sid[:cut], f"{sid[cut:]}{rest}": ""} for cut in (3, 6, 11)),
    ]
    for params in shifted:
        assert signature(TOKEN, url, params) == captured["X-Twilio-Signature"]
        assert (await client.post("/channels/sms", data=params, headers=captured)).status == 400
    async with resources(client.app).sessions() as session:
        inbound = await session.execute(select(Message.provider_message_id).where(Message.direction == "in"))
        assert list(inbound.scalars()) == [sid]
