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
        self.files: dict[str, bytes] = {}  # issue 15: file_id -> the photo
        self.file_requests: list[str] = []
        self.photos: list[dict[str, Any]] = []  # issue 15: what sendPhoto received
        self.chat_actions: list[dict[str, Any]] = []  # issue 15 (typing)
        self.fail_once_at: int | None = None
        """A 502 Bad Gateway, once, for the ``sendMessage`` that finds this many sent already."""

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        if method == "sendPhoto":  # issue 15: the photo comes as a multipart upload
            return await self._send_photo(request)
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {key: str(value) for key, value in (await request.post()).items()}
        if method == "getFile":  # issue 15 (photos)
            file_id = str(params.get("file_id", ""))
            if file_id not in self.files:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, status=400
                )
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "file_id": file_id,
                        "file_unique_id": f"u-{file_id}",
                        "file_size": len(self.files[file_id]),
                        "file_path": f"photos/{file_id}.jpg",
                    },
                }
            )
        if method == "sendChatAction":  # issue 15 (typing)
            self.chat_actions.append(params)
            return web.json_response({"ok": True, "result": True})
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
            if self.fail_once_at == len(self.sent):
                self.fail_once_at = None
                return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502)
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

    async def _send_photo(self, request: web.Request) -> web.Response:
        """``sendPhoto`` with the file uploaded as multipart/form-data, as Telegram takes a new photo."""
        form = await request.post()
        photo = form.get("photo")
        if not isinstance(photo, web.FileField):
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: there is no photo in the request"},
                status=400,
            )
        self.photos.append(
            {
                "chat_id": str(form.get("chat_id")),
                "caption": form.get("caption"),
                "filename": photo.filename,
                "data": photo.file.read(),
            }
        )
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "message_id": 1000 + len(self.photos),
                    "date": int(time.time()),
                    "chat": {"id": int(str(form.get("chat_id"))), "type": "private"},
                    "photo": [{"file_id": f"sent-{len(self.photos)}", "file_unique_id": "p", "width": 1, "height": 1}],
                },
            }
        )

    async def file_download(self, request: web.Request) -> web.Response:
        """``GET /file/bot<token>/photos/<file_id>.jpg``, as the Bot API serves files (issue 15)."""
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401)
        file_id = request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")
        self.file_requests.append(file_id)
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")


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


def fake_bot_app(api: FakeBotApi) -> web.Application:
    """The methods and the file downloads of the local Bot API."""
    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", api.handle)
    fake.router.add_get("/file/bot{token}/{path:.+}", api.file_download)
    return fake


def photo_update(update_id: int, file_id: str, caption: str | None = None) -> dict[str, Any]:
    """A photo message: Telegram sends each size; the largest is the last (issue 15)."""
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private", "first_name": "Li"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"},
        "photo": [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1000},
            {"file_id": file_id, "file_unique_id": "l", "width": 640, "height": 480, "file_size": 20000},
        ],
    }
    if caption is not None:
        message["caption"] = caption
    return {"update_id": update_id, "message": message}


def button_press(update_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
    """The customer pressing an inline button (``callback_data`` ``data``) under the bot's message
    ``message_id`` in the private chat."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"},
            "chat_instance": "-2",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": CHAT, "type": "private", "first_name": "Li"},
                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
                "text": "…",
            },
        },
    }


def voice_update(update_id: int) -> dict[str, Any]:
    """A voice message: Telegram sends no transcript."""
    payload = update(update_id, "")
    del payload["message"]["text"]
    payload["message"]["voice"] = {"file_id": f"voice-{update_id}", "file_unique_id": "v", "duration": 4}
    return payload


def edited_update(update_id: int, message_id: int, text: str) -> dict[str, Any]:
    """The customer edited their message ``message_id``: Telegram posts it again as ``edited_message``."""
    message = update(message_id, text)["message"]
    message["edit_date"] = int(time.time())
    return {"update_id": update_id, "edited_message": message}


async def post_update(client: Any, payload: dict[str, Any]) -> None:
    """Telegram posting an update to the webhook, with the secret; the bot stores it (200)."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    response = await client.post("/channels/telegram", json=payload, headers=headers)
    assert response.status == 200, await response.text()
