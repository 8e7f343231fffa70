"""A stub SMS gateway speaking the same (Twilio-compatible) dialect as the real one.

It records outbound messages, honours ``Idempotency-Key`` (a repeated send returns the first
result and sends nothing new), fires signed status callbacks ("sent", then "delivered": after it
answers the send, or, as a gateway may, before, so they race the send's result; or none), and
offers a page where a developer "sends" an SMS as a phone would, which it delivers as a signed
inbound webhook.
Mounted at ``/sms-stub`` by the embedded ``run``; ``python -m bot sms-stub`` runs it alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.sms.adapter import segments, signature
from bot.channels.sms.stub_page import PAGE_CSS, PAGE_JS, Entry, render
from bot.channels.text_input import clean_text

_PHONE_NUMBER = re.compile(r"\+?[0-9]{3,20}")
"""What a phone sends from: a number in E.164 (``+8613800138000``), national, or a short code."""


@dataclass(slots=True)
class StubMessage:
    sid: str
    to: str
    from_: str
    body: str
    status: str
    num_segments: int
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())


class StatusReports(enum.StrEnum):
    """When the stub reports a message's delivery (to the send's ``StatusCallback``)."""

    AFTER_ANSWER = "after_answer"
    """Shortly after it answered the send, as gateways usually do."""
    BEFORE_ANSWER = "before_answer"
    """Before it answers the send: the reports race the send's result (a fast gateway, a slow
    network back to the sender)."""
    NONE = "none"


@dataclass(frozen=True, slots=True)
class StubConfig:
    account_sid: str
    auth_token: str
    number: str
    """The bot's own number: outbound messages come from it, inbound ones go to it."""
    webhook_url: str
    """Where inbound SMS are posted (the bot's ``/channels/sms``)."""
    status_reports: StatusReports = StatusReports.AFTER_ANSWER
    """When a sent message's delivery is reported to the send's ``StatusCallback``."""


class StubGateway:
    def __init__(self, config: StubConfig) -> None:
        self.config = config
        self.outbound: list[StubMessage] = []
        self.inbound: list[dict[str, str]] = []
        self.received_at: dict[str, str] = {}
        """When each inbound SMS (by MessageSid) was sent from the page."""
        self._order: list[tuple[str, int]] = []
        """Both directions as they happened: ("in" | "out", index into inbound | outbound)."""
        self.by_idempotency_key: dict[str, StubMessage] = {}
        self.reports: list[tuple[str, str, int]] = []
        """Every status callback posted: (MessageSid, MessageStatus, the HTTP status answered; 0
        when unreachable)."""
        self._http: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ the provider API

    async def create_message(self, request: web.Request) -> web.Response:
        if request.match_info["sid"] != self.config.account_sid:
            return web.json_response({"code": 20404, "message": "The requested resource was not found"}, status=404)
        auth = request.headers.get("Authorization", "")
        try:
            credentials = aiohttp.BasicAuth.decode(auth)
        except ValueError:
            credentials = None
        if credentials is None or (credentials.login, credentials.password) != (
            self.config.account_sid,
            self.config.auth_token,
        ):
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        key = request.headers.get("Idempotency-Key")
        if key and key in self.by_idempotency_key:
            return web.json_response(self._resource(self.by_idempotency_key[key]), status=201)
        form = await request.post()
        to, body = str(form.get("To", "")), str(form.get("Body", ""))
        if not to or not body:
            return web.json_response(
                {"code": 21604, "message": "A 'To' phone number and a 'Body' are required."}, status=400
            )
        message = StubMessage(
            sid=f"SM{uuid.uuid4().hex}",
            to=to,
            from_=str(form.get("From", self.config.number)),
            body=body,
            status="queued",
            num_segments=segments(body),
        )
        self.outbound.append(message)
        self._order.append(("out", len(self.outbound) - 1))
        if key:
            self.by_idempotency_key[key] = message
        callback = str(form.get("StatusCallback", ""))
        if callback and self.config.status_reports is StatusReports.BEFORE_ANSWER:
            await self._report_status(message, callback, pause=0)
        elif callback and self.config.status_reports is StatusReports.AFTER_ANSWER:
            self._spawn(self._report_status(message, callback))
        return web.json_response(self._resource(message), status=201)

    def _resource(self, message: StubMessage) -> dict[str, Any]:
        resource = asdict(message)
        resource["from"] = resource.pop("from_")
        resource["account_sid"] = self.config.account_sid
        return resource

    async def _report_status(self, message: StubMessage, callback: str, pause: float = 0.05) -> None:
        for status in ("sent", "delivered"):
            await asyncio.sleep(pause)
            message.status = status
            answered = await self._post_signed(
                callback,
                {
                    "AccountSid": self.config.account_sid,
                    "MessageSid": message.sid,
                    "MessageStatus": status,
                    "To": message.to,
                    "From": message.from_,
                },
            )
            self.reports.append((message.sid, status, answered))

    # ------------------------------------------------------------------ the developer's phone

    async def phone_sends(self, request: web.Request) -> web.Response:
        """``POST /phone`` (form or JSON: From, Body): deliver an SMS to the bot as a phone would."""
        try:
            payload = await request.json() if request.content_type == "application/json" else dict(await request.post())
        except ValueError:
            return web.json_response({"error": "the body must be a JSON object or a form"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"error": "the body must be a JSON object or a form"}, status=400)
        # As a phone sends: from a number, and a text without control characters (which the
        # stub's page would show and no phone keyboard types).
        sender, body = str(payload.get("From", "")).strip(), clean_text(str(payload.get("Body", "")))
        if not sender or not body.strip():
            return web.json_response({"error": "From and Body are required"}, status=400)
        if not _PHONE_NUMBER.fullmatch(sender):
            return web.json_response({"error": "From must be a phone number (+8613800138000)"}, status=400)
        params = {
            "AccountSid": self.config.account_sid,
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "From": sender,
            "To": self.config.number,
            "Body": body,
            "NumSegments": str(segments(body)),
        }
        self.inbound.append(params)
        self.received_at[params["MessageSid"]] = dt.datetime.now(dt.UTC).isoformat()
        self._order.append(("in", len(self.inbound) - 1))
        status = await self._post_signed(self.config.webhook_url, params)
        if request.content_type != "application/json":
            raise web.HTTPSeeOther(location=str(request.url.with_path(request.path.rsplit("/", 1)[0] + "/")))
        return web.json_response({"message_sid": params["MessageSid"], "webhook_status": status})

    def conversation(self) -> list[Entry]:
        """Every SMS through the stub, both directions, in the order they happened."""
        entries = []
        for direction, index in self._order:
            if direction == "in":
                params = self.inbound[index]
                at = self.received_at[params["MessageSid"]]
                entries.append(Entry("in", params["From"], params["Body"], at, "received"))
            else:
                message = self.outbound[index]
                entries.append(Entry("out", message.to, message.body, message.created_at, message.status))
        return entries

    async def messages(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "outbound": [self._resource(m) for m in self.outbound],
                "inbound": self.inbound,
                "conversation": [entry.as_json() for entry in self.conversation()],
            }
        )

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(
            text=render(self.config.webhook_url, self.config.number, self.conversation()), content_type="text/html"
        )

    async def page_asset(self, request: web.Request) -> web.Response:
        if request.path.endswith(".css"):
            return web.Response(text=PAGE_CSS, content_type="text/css", charset="utf-8")
        return web.Response(text=PAGE_JS, content_type="text/javascript", charset="utf-8")

    # ------------------------------------------------------------------ plumbing

    async def _post_signed(self, url: str, params: dict[str, str]) -> int:
        assert self._http is not None
        headers = {"X-Twilio-Signature": signature(self.config.auth_token, url, params)}
        try:
            async with self._http.post(url, data=params, headers=headers) as response:
                return response.status
        except aiohttp.ClientError:
            return 0

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        self._http = aiohttp.ClientSession()
        yield
        for task in list(self._tasks):
            task.cancel()
        await self._http.close()


stub_key = web.AppKey("sms_stub", StubGateway)


def create_stub_app(config: StubConfig) -> web.Application:
    gateway = StubGateway(config)
    app = web.Application()
    app[stub_key] = gateway
    app.cleanup_ctx.append(gateway.lifecycle)
    app.router.add_get("/", gateway.page)
    app.router.add_post("/phone", gateway.phone_sends)
    app.router.add_get("/messages", gateway.messages)
    app.router.add_get("/page.css", gateway.page_asset)
    app.router.add_get("/page.js", gateway.page_asset)
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", gateway.create_message)
    return app
