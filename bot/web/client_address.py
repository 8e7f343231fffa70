"""The client's address: the TCP peer, or what trusted reverse proxies say in ``X-Forwarded-For``."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class ClientAddresses:
    """``X-Forwarded-For`` counts only when the peer is a trusted proxy; then the client is the
    rightmost address in it that is not a trusted proxy (the ones left of it are the client's say)."""

    def __init__(self, trusted_proxies: Sequence[str]) -> None:
        self._trusted: tuple[Network, ...] = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in trusted_proxies)

    def of(self, request: web.Request) -> str:
        peer = _parse(request.remote or "")
        if peer is None:
            return request.remote or "unknown"
        if not self._is_trusted(peer):
            return str(peer)
        hops = [part.strip() for header in request.headers.getall("X-Forwarded-For", []) for part in header.split(",")]
        client = peer
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break  # not an address: keep the last hop a trusted proxy vouched for
            client = address
            if not self._is_trusted(address):
                break
        return str(client)

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self._trusted)


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
