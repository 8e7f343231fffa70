"""Every page and answer carries the browser hardening headers; who may frame the pages is a setting."""

from __future__ import annotations

import base64

from bot.settings import AuthSettings
from tests.conftest import AppFactory
from tests.helpers import new_session

PAGES = ["/chat", "/console/", "/manager/", "/static/chat.js", "/api/me", "/no/such/page"]


async def test_pages_and_answers_carry_the_hardening_headers(make_client: AppFactory) -> None:
    client = await make_client()
    for path in PAGES:
        response = await client.get(path)
        await response.read()
        policy = response.headers.get("Content-Security-Policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives.get("script-src") == ["'self'"], (path, policy)
        assert directives.get("style-src") == ["'self'"], (path, policy)
        assert directives.get("object-src") == ["'none'"], (path, policy)
        assert directives.get("frame-ancestors") == ["'self'"], (path, policy)
        assert response.headers.get("X-Frame-Options") == "SAMEORIGIN", path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        assert response.headers.get("Referrer-Policy") == "same-origin", path
        server = response.headers.get("Server", "")
        assert "aiohttp" not in server and "Python" not in server, (path, server)  # no versions to look up


async def test_the_sites_that_may_frame_the_pages_are_a_setting(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(frame_ancestors="'self' https://shop.example.com"))
    response = await client.get("/chat")
    assert "frame-ancestors 'self' https://shop.example.com" in response.headers["Content-Security-Policy"]
    # X-Frame-Options cannot name another site: left out, so it does not overrule the list.
    assert "X-Frame-Options" not in response.headers
    denied = await (await make_client(auth=AuthSettings(frame_ancestors="'none'"))).get("/console/")
    assert denied.headers["X-Frame-Options"] == "DENY"


async def test_every_answer_names_its_request_so_an_operator_can_find_its_log_lines(make_client: AppFactory) -> None:
    client = await make_client()
    ids = set()
    for path in PAGES:
        response = await client.get(path)
        await response.read()
        ids.add(response.headers["X-Request-ID"])
    assert len(ids) == len(PAGES)  # one id per request
    given = await client.get("/api/me", headers={"X-Request-ID": "nginx-7f3a"})
    assert given.headers["X-Request-ID"] not in ("nginx-7f3a", *ids)  # not a proxy's: its own id


async def test_only_a_trusted_proxy_names_the_request_id(make_client: AppFactory) -> None:
    """An id a client picks could be another request's, mixing its lines and audit entries in."""
    direct = await make_client(auth=AuthSettings(trusted_proxies=("10.0.0.0/8",)))
    for header in ("nginx-7f3a", "6ccc0ee51fdad7a9"):
        made_up = (await direct.get("/api/me", headers={"X-Request-ID": header})).headers["X-Request-ID"]
        assert made_up != header and len(made_up) == 16
    proxied = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)))
    given = await proxied.get("/api/me", headers={"X-Request-ID": "nginx-7f3a"})
    assert given.headers["X-Request-ID"] == "nginx-7f3a"  # a proxy's id is kept, so lines join up
    not_a_token = await proxied.get("/api/me", headers={"X-Request-ID": "two words"})
    assert len(not_a_token.headers["X-Request-ID"]) == 16


# issue 15 (embeddable widget)
async def test_only_the_widget_page_may_be_framed_by_exactly_the_widget_origins(make_client: AppFactory) -> None:
    origins = ("https://shop.example.com", "http://127.0.0.1:8123")
    client = await make_client(auth=AuthSettings(widget_origins=origins))
    embed = await client.get("/chat?embed=1")
    assert embed.status == 200
    assert embed.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://shop.example.com http://127.0.0.1:8123"
    )
    assert "X-Frame-Options" not in embed.headers
    for path in ["/chat", "/chat?embed=0", "/console/?embed=1", "/manager/", "/widget.js"]:
        response = await client.get(path)
        await response.read()
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'"), path
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path


async def test_the_widget_script_is_javascript_cached_for_an_hour_and_off_without_origins(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=AuthSettings(widget_origins=("https://shop.example.com",)))
    script = await client.get("/widget.js")
    assert script.status == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["Cache-Control"] == "public, max-age=3600"
    assert "/chat?embed=1" in await script.text()
    again = await client.get("/widget.js", headers={"If-None-Match": script.headers["ETag"]})
    assert again.status == 304
    off = await make_client()
    assert (await off.get("/widget.js")).status == 404
    embed = await off.get("/chat?embed=1")
    assert embed.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_a_web_chat_socket_upgrade_names_no_versions(make_client: AppFactory) -> None:
    client = await make_client()
    token = (await new_session(client))[0]
    handshake = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(),
    }
    response = await client.get(f"/chat/ws?token={token}", headers=handshake)
    assert response.status == 101
    server = response.headers.get("Server", "")
    assert server and "aiohttp" not in server and "Python" not in server, server
    response.close()
