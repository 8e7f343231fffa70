"""WeChat official account routes: URL verification and message push."""

from __future__ import annotations

from aiohttp import web

from bot.channels.wechat import RequestRejected, WechatAdapter
from bot.keys import clock_key, pipeline_key
from bot.web.chat import json_error

wechat_adapter_key = web.AppKey("wechat_adapter", WechatAdapter)


async def verify(request: web.Request) -> web.Response:
    """``GET /channels/wechat``: echo ``echostr`` when the signature is right."""
    try:
        echo = request.app[wechat_adapter_key].verify_url(request.query)
    except RequestRejected as error:
        return json_error(error.status, str(error))
    return web.Response(text=echo)


async def push(request: web.Request) -> web.Response:
    """``POST /channels/wechat``: stored, then answered ``success``; replies go by the customer-service API.

    WeChat retries the same MsgId (events: sender and CreateTime) up to three times; each is
    stored and processed once.
    """
    adapter = request.app[wechat_adapter_key]
    try:
        xml = adapter.read(request.query, await request.read())
        message = adapter.parse(xml, request.app[clock_key]())
    except (RequestRejected, UnicodeDecodeError) as error:
        status = error.status if isinstance(error, RequestRejected) else 400
        return json_error(status, str(error))
    if message is not None:
        await request.app[pipeline_key].submit(message)
    return web.Response(text="success")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/channels/wechat", verify)
    app.router.add_post("/channels/wechat", push)
