"""A local Telegram Bot API (the parts the bot uses) and updates as Telegram posts them."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

TOKEN, SECRET, CHAT = "123456:TEST-TOKEN", "webhook-secret", 777001


class FakeBotApi:
    """The parts of the Bot API the bot uses, recording what it is asked to send."""

    def __init__(self, rate_limit_first: int = 0) -> None:
        self.sent: list[dict[str, Any]] = []
        self.rate_limit_first = rate_limit_first

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {key: str(value) for key, value in (await request.post()).items()}
        if method == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Bot", "username": "complaint_bot"}}
            )
        if method == "sendMessage":
            if self.rate_limit_first > 0:
                self.rate_limit_first -= 1
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    },
                    status=429,
                )
            self.sent.append(params)
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "message_id": len(self.sent),
                        "date": int(time.time()),
                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                        "text": params["text"],
                    },
                }
            )
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    def texts(self) -> list[str]:
        return [str(item["text"]) for item in self.sent]


def update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private", "first_name": "Li"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"},
            "text": text,
        },
    }
