"""How handlers reach the app's shared objects: ``resources(request)`` is the one ``Resources``
the app built at startup (under ``resources_key``); ``channel_adapter`` picks an adapter from it
by type, and ``webchat_hub`` its web chat sockets (the app's ``Resources`` always has them).

The only other app keys hold what ``Resources`` does not: the staff sign-in (``staff_auth_key``,
``bot/staff/auth.py``), the staff event sockets (``staff_hub_key``, ``bot/staff/event_socket.py``)
and the SMS stub's gateway in its own sub-app (``stub_key``, ``bot/channels/sms/stub.py``).
"""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web

from bot.channels.base import ChannelAdapter
from bot.channels.webchat.adapter import WebchatHub
from bot.resources import Resources

resources_key = web.AppKey("resources", Resources)

AdapterT = TypeVar("AdapterT", bound=ChannelAdapter)


def resources(where: web.Application | web.Request) -> Resources:
    """The app's ``Resources``, from the app or a request to it (set while the app runs)."""
    app = where.app if isinstance(where, web.Request) else where
    return app[resources_key]


def channel_adapter(where: web.Application | web.Request, kind: type[AdapterT]) -> AdapterT:
    """The app's adapter of this type; ``LookupError`` when the app runs without one."""
    for adapter in resources(where).adapters.values():
        if isinstance(adapter, kind):
            return adapter
    raise LookupError(f"no {kind.__name__} in this app's resources")


def webchat_hub(where: web.Application | web.Request) -> WebchatHub:
    """The web chat sockets open on this app; ``LookupError`` for ``Resources`` built without them."""
    hub = resources(where).hub
    if hub is None:
        raise LookupError("this app's resources have no web chat hub")
    return hub
