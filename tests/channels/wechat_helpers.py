"""WeChat as its servers behave, for the channel tests: a fake API, signed pushes, message XML."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from typing import Any

import xmltodict
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from bot.keys import resources
from bot.storage.models import Message

TOKEN, APPID, SECRET, OPENID = "wx-token", "wx1234567890abcdef", "wx-secret", "oCustomer123"


def aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()[:-1]


class FakeWechatApi:
    """The access-token and customer-service endpoints, recording sends and token fetches."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.send_connections: set[object] = set()
        """The client connections (address, port) customer-service messages came on."""
        self.templates: list[dict[str, Any]] = []
        self.token_fetches = 0
        self.media: dict[str, bytes] = {}  # issue 15: MediaId -> the photo
        self.media_requests: list[str] = []
        self.uploads: dict[str, bytes] = {}  # issue 15: MediaId -> what the bot uploaded
        self.typing_commands: list[dict[str, Any]] = []  # issue 15 (typing)
        self.same_msgid: int | None = None
        """The ``msgid`` every template send is answered with; None: a new one each, as WeChat's."""
        self.answer_templates = asyncio.Event()
        """Cleared: WeChat takes template sends but holds its answers until it is set again."""
        self.answer_templates.set()
        self.fail_once_at: int | None = None
        """A 502 Bad Gateway, once, for the customer-service send that finds this many sent already."""

    async def token(self, request: web.Request) -> web.Response:
        self.token_fetches += 1
        return web.json_response({"access_token": f"TOKEN{self.token_fetches}", "expires_in": 7200})

    async def template(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.templates.append(await request.json())
        await self.answer_templates.wait()
        msgid = 200228331 + len(self.templates) if self.same_msgid is None else self.same_msgid
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    async def send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if self.fail_once_at == len(self.sent):
            self.fail_once_at = None
            return web.Response(status=502, text="Bad Gateway")
        self.sent.append(await request.json())
        self.send_connections.add(request.transport.get_extra_info("peername") if request.transport else None)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def typing(self, request: web.Request) -> web.Response:
        """``POST /cgi-bin/message/custom/typing``: {"touser", "command": "Typing"|"CancelTyping"} (issue 15)."""
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        body = await request.json()
        if body.get("command") not in ("Typing", "CancelTyping") or not body.get("touser"):
            return web.json_response({"errcode": 40003, "errmsg": "invalid openid or command"})
        self.typing_commands.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def texts(self) -> list[str]:
        return [
            item["text"]["content"]
            for item in self.sent
            if item.get("touser") == OPENID and item.get("msgtype", "text") == "text"
        ]

    async def media_upload(self, request: web.Request) -> web.Response:
        """``POST /cgi-bin/media/upload?type=image``: a temporary media file, multipart in ``media`` (issue 15)."""
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        form = await request.post()
        media = form.get("media")
        if request.query.get("type") != "image" or not isinstance(media, web.FileField):
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        media_id = f"UPLOADED_{len(self.uploads) + 1}"
        self.uploads[media_id] = media.file.read()
        return web.json_response({"type": "image", "media_id": media_id, "created_at": 1795400000})

    async def media_get(self, request: web.Request) -> web.Response:
        """``GET /cgi-bin/media/get``: a temporary media file, or WeChat's JSON error (issue 15)."""
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        media_id = request.query.get("media_id", "")
        self.media_requests.append(media_id)
        if media_id not in self.media:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return web.Response(
            body=self.media[media_id],
            content_type="image/jpeg",
            headers={"Content-Disposition": f'attachment; filename="{media_id}.jpg"'},
        )


async def start_fake_wechat(api: FakeWechatApi) -> TestServer:
    """The fake WeChat API as a local server."""
    fake = web.Application()
    fake.router.add_get("/cgi-bin/token", api.token)
    fake.router.add_post("/cgi-bin/message/custom/send", api.send)
    fake.router.add_post("/cgi-bin/message/template/send", api.template)
    fake.router.add_get("/cgi-bin/media/get", api.media_get)  # issue 15 (photos)
    fake.router.add_post("/cgi-bin/media/upload", api.media_upload)  # issue 15 (agents' photos)
    fake.router.add_post("/cgi-bin/message/custom/typing", api.typing)  # issue 15 (typing)
    server = TestServer(fake)
    await server.start_server()
    return server


async def queue_late_message(client: Any, when: Any, text: str, channel: str = "wechat") -> int:
    """A bot message for the (only) conversation, of ``channel``, due at ``when``, handed to the worker."""
    async with resources(client.app).sessions() as session, session.begin():
        conversation_id = (await session.execute(select(Message.conversation_id))).scalars().first()
        late = Message(
            conversation_id=conversation_id,
            channel=channel,
            direction="out",
            sender="bot",
            kind="text",
            text=text,
            created_at=when,
            delivery_status="pending",
        )
        session.add(late)
    await resources(client.app).redis.enqueue_job("deliver_message", late.id, _job_id=f"deliver:{late.id}")
    return late.id


def now_of(client: Any) -> int:
    """The app's clock, in Unix seconds: what WeChat's servers would put in ``timestamp``."""
    return int(resources(client.app).clock().timestamp())


def signed_query(client: Any, timestamp: int | None = None, **extra: str) -> dict[str, str]:
    """The query WeChat signs a push with (a fresh nonce each time), at the app's current time
    unless ``timestamp`` is given."""
    stamp, nonce = str(now_of(client) if timestamp is None else timestamp), os.urandom(6).hex()
    signature = hashlib.sha1("".join(sorted([TOKEN, stamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": stamp, "nonce": nonce, **extra}


def _message_xml(message_type: str, fields: str, sender: str, created: int) -> str:
    """A message push as WeChat sends it: the envelope around ``fields`` (the type's own elements)."""
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[{message_type}]]></MsgType>{fields}</xml>"
    )


def text_xml(content: str, msg_id: int | None, sender: str = OPENID, created: int = 1795400000) -> str:
    msg_id_element = "" if msg_id is None else f"<MsgId>{msg_id}</MsgId>"
    return _message_xml("text", f"<Content><![CDATA[{content}]]></Content>{msg_id_element}", sender, created)


def voice_xml(recognition: str, msg_id: int, sender: str = OPENID, created: int = 1795400000) -> str:
    """A voice message with WeChat's speech recognition on (接收语音识别结果): the transcript rides along."""
    fields = (
        f"<MediaId><![CDATA[media_voice_{msg_id}]]></MediaId><Format><![CDATA[amr]]></Format>"
        f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{msg_id}</MsgId>"
    )
    return _message_xml("voice", fields, sender, created)


def subscribe_xml(created: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )


def encrypted(
    client: Any, xml: str, key: str, appid: str = APPID, timestamp: int | None = None
) -> tuple[dict[str, str], str]:
    """The query and body WeChat sends in safe mode."""
    query = signed_query(client, timestamp, encrypt_type="aes")
    envelope = xmltodict.parse(WeChatCrypto(TOKEN, key, appid).encrypt_message(xml, query["nonce"], query["timestamp"]))
    query["msg_signature"] = envelope["xml"]["MsgSignature"]
    cipher = envelope["xml"]["Encrypt"]
    body = f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
    return query, body


def image_xml(media_id: str, msg_id: int, sender: str = OPENID, created: int = 1795400000) -> str:
    """An image message as WeChat pushes it (issue 15)."""
    fields = (
        f"<PicUrl><![CDATA[http://mmbiz.qpic.cn/{media_id}]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
        f"<MsgId>{msg_id}</MsgId>"
    )
    return _message_xml("image", fields, sender, created)


def location_xml(x: str, y: str, label: str, msg_id: int) -> str:
    """A shared location as WeChat pushes it: Location_X is the latitude, Location_Y the longitude."""
    fields = (
        f"<Location_X>{x}</Location_X><Location_Y>{y}</Location_Y><Scale>15</Scale>"
        f"<Label><![CDATA[{label}]]></Label><MsgId>{msg_id}</MsgId>"
    )
    return _message_xml("location", fields, f"oLocation{msg_id:019d}", 1795400000)


def link_xml(title: str, url: str, msg_id: int, sender: str = OPENID, created: int = 1795400000) -> str:
    """A shared link (an article, a web page) as WeChat pushes it."""
    fields = (
        f"<Title><![CDATA[{title}]]></Title><Description><![CDATA[]]></Description>"
        f"<Url><![CDATA[{url}]]></Url><MsgId>{msg_id}</MsgId>"
    )
    return _message_xml("link", fields, sender, created)


def event_xml(event: str, created: int, event_key: str = "", sender: str = OPENID) -> str:
    """An event push (``subscribe``, ``unsubscribe``, a menu ``CLICK`` with its ``EventKey``)."""
    key = f"<EventKey><![CDATA[{event_key}]]></EventKey>" if event_key else ""
    return _message_xml("event", f"<Event><![CDATA[{event}]]></Event>{key}", sender, created)


async def push(client: Any, xml: str) -> None:
    """WeChat pushing a message or event in plain mode, signed at the app's time; answered 200."""
    response = await client.post("/channels/wechat", params=signed_query(client), data=xml)
    assert response.status == 200, await response.text()


async def stored_count(client: Any) -> int:
    """How many inbound messages the app has stored."""
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one()
