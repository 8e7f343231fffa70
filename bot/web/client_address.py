"""The client's address: the TCP peer, or what trusted reverse proxies say in ``X-Forwarded-For``.

Two views of it: :meth:`ClientAddresses.of`, the full address, for people (the audit log, logs);
and :meth:`ClientAddresses.limit_key`, what every per-address limit counts by. An IPv4 client is
limited per address; an IPv6 client per network of ``ipv6_limit_prefix`` bits (``/64``), since
every home connection holds a whole /64 and could otherwise take a fresh limit per address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

IPV6_LIMIT_PREFIX = 64
"""The IPv6 network one client is limited as (``BOT_IPV6_LIMIT_PREFIX``): a /64 is what one
subscriber (a home, a phone) gets; providers that hand out /56 or /48 may ask for a shorter one."""


class ClientAddresses:
    """``X-Forwarded-For`` counts only when the peer is a trusted proxy; then the client is the
    rightmost address in it that is not a trusted proxy (the ones left of it are the client's say)."""

    def __init__(self, trusted_proxies: Sequence[str], ipv6_limit_prefix: int = IPV6_LIMIT_PREFIX) -> None:
        self._trusted: tuple[Network, ...] = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in trusted_proxies)
        if not 0 <= ipv6_limit_prefix <= 128:
            raise ValueError(f"an IPv6 prefix length is 0 to 128, not {ipv6_limit_prefix}")
        self._ipv6_limit_prefix = ipv6_limit_prefix

    def of(self, request: web.Request) -> str:
        """The client's full address, as people want to see it (an IPv4-mapped IPv6 as IPv4)."""
        client = self._client(request)
        return str(client) if client is not None else request.remote or "unknown"

    def limit_key(self, request: web.Request) -> str:
        """What per-address limits count the request by: see :func:`limit_key`."""
        client = self._client(request)
        if client is None:
            return request.remote or "unknown"
        return _limit_key(client, self._ipv6_limit_prefix)

    def from_trusted_proxy(self, request: web.Request) -> bool:
        """Whether the TCP peer is a trusted proxy, whose headers may speak for the client."""
        peer = _parse(request.remote or "")
        return peer is not None and self._is_trusted(peer)

    def connection_key(self, peer: str) -> str | None:
        """What the per-address cap on open connections counts a TCP peer by (its
        :func:`limit_key`); None for a trusted proxy, whose connections carry many clients (it caps
        its own: ``deploy/nginx.conf``'s ``limit_conn``)."""
        address = _parse(peer)
        if address is None:
            return peer or None  # not an IP address (a Unix socket): one key for all, or none
        if self._is_trusted(address):
            return None
        return _limit_key(address, self._ipv6_limit_prefix)

    def _client(self, request: web.Request) -> Address | None:
        peer = _parse(request.remote or "")
        if peer is None or not self._is_trusted(peer):
            return peer
        hops = [part.strip() for header in request.headers.getall("X-Forwarded-For", []) for part in header.split(",")]
        client = peer
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break  # not an address: keep the last hop a trusted proxy vouched for
            client = address
            if not self._is_trusted(address):
                break
        return client

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self._trusted)


def limit_key(address: str, ipv6_prefix: int = IPV6_LIMIT_PREFIX) -> str:
    """The key per-address limits count ``address`` by: an IPv4 address itself (an IPv4-mapped
    IPv6 is IPv4), an IPv6 address its network of ``ipv6_prefix`` bits (``2001:db8:1:2::/64``),
    anything that is not an address as it is."""
    parsed = _parse(address)
    return _limit_key(parsed, ipv6_prefix) if parsed is not None else address


def _limit_key(address: Address, ipv6_prefix: int) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        # From the integer: a zone (``fe80::1%eth0``) is not part of the network.
        return str(ipaddress.IPv6Network((int(address), ipv6_prefix), strict=False))
    return str(address)


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


client_addresses_key = web.AppKey("client_addresses", ClientAddresses)
"""The app's ``ClientAddresses`` (set with the staff sign-in's resources)."""
