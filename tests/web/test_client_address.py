"""The client address two ways: the full address people read in the audit log, and the key every
per-address limit counts by, where an IPv6 client is its /64 (a subscriber holds a whole one)
and an IPv4 client its address."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.web.client_address import ClientAddresses, limit_key


def request_from(peer: str, forwarded_for: str | None = None) -> web.Request:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return make_mocked_request("POST", "/chat/session", headers=headers).clone(remote=peer)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("198.51.100.8", "198.51.100.8"),  # IPv4: every address its own, whatever its neighbours
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:0:0:0:9", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4-mapped IPv6 is IPv4
        ("fe80::1%eth0", "fe80::/64"),
        ("::1", "::/64"),
        ("unknown", "unknown"),
    ],
)
def test_the_limit_key_is_an_ipv4_address_or_an_ipv6_slash_64(address: str, key: str) -> None:
    assert limit_key(address) == key


def test_the_ipv6_prefix_can_be_shorter_for_providers_that_hand_out_more() -> None:
    assert limit_key("2001:db8:1:2::1", 56) == limit_key("2001:db8:1:ff::1", 56) == "2001:db8:1::/56"
    assert limit_key("2001:db8:1:2::1", 128) == "2001:db8:1:2::1/128"
    assert limit_key("198.51.100.7", 48) == "198.51.100.7"


def test_the_peer_is_shown_in_full_and_limited_by_its_network() -> None:
    addresses = ClientAddresses(())
    request = request_from("2001:db8:1:2::abcd", "198.51.100.9")  # no trusted proxy: the header is ignored
    assert addresses.of(request) == "2001:db8:1:2::abcd"
    assert addresses.limit_key(request) == "2001:db8:1:2::/64"
    mapped = request_from("::ffff:203.0.113.5")
    assert (addresses.of(mapped), addresses.limit_key(mapped)) == ("203.0.113.5", "203.0.113.5")


def test_behind_a_trusted_proxy_the_forwarded_ipv6_client_is_limited_by_its_network() -> None:
    addresses = ClientAddresses(("127.0.0.1/32", "2001:db8:ffff::/48"), ipv6_limit_prefix=64)
    # client → an inner IPv6 proxy (trusted) → 127.0.0.1; what the client wrote on the left is its say.
    request = request_from("127.0.0.1", "198.51.100.1, 2001:db8:1:2::77, 2001:db8:ffff::10")
    assert addresses.of(request) == "2001:db8:1:2::77"
    assert addresses.limit_key(request) == "2001:db8:1:2::/64"
    # An IPv6 proxy (trusted) forwarding an IPv4 client.
    proxied = request_from("2001:db8:ffff::10", "203.0.113.9")
    assert (addresses.of(proxied), addresses.limit_key(proxied)) == ("203.0.113.9", "203.0.113.9")


def test_the_prefix_is_a_prefix_length() -> None:
    with pytest.raises(ValueError, match="0 to 128"):
        ClientAddresses((), ipv6_limit_prefix=129)


def test_connections_are_counted_by_the_peers_network_and_a_trusted_proxys_not_at_all() -> None:
    addresses = ClientAddresses(["10.0.0.10/32"])
    assert addresses.connection_key("203.0.113.7") == "203.0.113.7"
    assert addresses.connection_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert addresses.connection_key("2001:db8:1:2::5") == addresses.connection_key("2001:db8:1:2::9")
    assert addresses.connection_key("2001:db8:1:2::5") == "2001:db8:1:2::/64"
    assert addresses.connection_key("10.0.0.10") is None  # nginx: it caps its clients itself
