"""How many staff event sockets (``GET /api/events``) one session, one staff member and one client
address may hold open on this instance.

A console needs one socket (a few tabs, a few); every socket holds a file descriptor until it
closes, so one cookie opening sockets without end ran the instance out of descriptors (health
checks and customers' requests timed out). The counts are kept in this process, as the web chat's
(``bot.channels.webchat.limits``): a socket stays on one instance, and what the caps protect, its
descriptors, are that instance's; a slot cannot outlive its socket.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.settings import AuthSettings


class StaffSocketsFull(StrEnum):
    """Which cap refused a staff socket."""

    SESSION = "too_many_session_sockets"
    USER = "too_many_user_sockets"
    ADDRESS = "too_many_address_sockets"


REFUSALS: dict[StaffSocketsFull, str] = {
    StaffSocketsFull.SESSION: "too many open consoles for this sign-in; close one and try again",
    StaffSocketsFull.USER: "too many open consoles for this account; close one and try again",
    StaffSocketsFull.ADDRESS: "too many open consoles from this address; try again later",
}
"""The ``error`` of the 429 answer, for each cap."""


@dataclass(frozen=True, slots=True)
class SocketOwner:
    """Whom one socket counts against."""

    session: str
    """The session's token digest."""
    user_id: int
    address: str
    """The client's limit key (``ClientAddresses.limit_key``)."""


class StaffSocketSlots:
    """At most ``event_sockets_per_session``, ``_per_user`` and ``_per_address`` open at once."""

    def __init__(self, auth: AuthSettings) -> None:
        self._caps = (
            (StaffSocketsFull.SESSION, auth.event_sockets_per_session),
            (StaffSocketsFull.USER, auth.event_sockets_per_user),
            (StaffSocketsFull.ADDRESS, auth.event_sockets_per_address),
        )
        self._counts: dict[StaffSocketsFull, Counter[Hashable]] = {full: Counter() for full, _ in self._caps}

    def __len__(self) -> int:
        """How many slots are held."""
        return sum(self._counts[StaffSocketsFull.SESSION].values())

    def take(self, owner: SocketOwner) -> StaffSocketsFull | None:
        """None when one more socket may open (it is counted), else the cap it is at."""
        keys = self._keys(owner)
        for full, cap in self._caps:
            if self._counts[full][keys[full]] >= cap:
                return full
        for full, key in keys.items():
            self._counts[full][key] += 1
        return None

    def release(self, owner: SocketOwner) -> None:
        for full, key in self._keys(owner).items():
            counts = self._counts[full]
            counts[key] -= 1
            if counts[key] <= 0:
                del counts[key]  # the counters hold only what is open

    @contextlib.contextmanager
    def holding(self, owner: SocketOwner) -> Iterator[StaffSocketsFull | None]:
        """:meth:`take` for the block, released after it when it was taken."""
        full = self.take(owner)
        try:
            yield full
        finally:
            if full is None:
                self.release(owner)

    @staticmethod
    def _keys(owner: SocketOwner) -> dict[StaffSocketsFull, Hashable]:
        return {
            StaffSocketsFull.SESSION: owner.session,
            StaffSocketsFull.USER: owner.user_id,
            StaffSocketsFull.ADDRESS: owner.address,
        }
