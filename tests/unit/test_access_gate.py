"""The access gate in front of the app, driven over ASGI as the server drives it."""

import asyncio
import base64
import hashlib
import ipaddress
import re
from collections.abc import Callable

import httpx
import pytest

from app.access import AccessGate, AccessSettings, AccessSettingsError
from app.access.gate import safe_next, sign_in_wait
from app.access.origins import own_origins
from app.access.password import hash_password
from app.access.session import cookie_name, issue_session
from app.access.store import MemoryStore

PASSWORD = "correct horse battery"
SECRET = b"k" * 32
APP = "http://127.0.0.1:3000"
PAGE = b"<html><head><script>boot()</script><script src='/a.js'></script></head></html>"
PASSWORD_SETTINGS = AccessSettings(
    origins=own_origins("127.0.0.1", 3000),
    password_hash=hash_password(PASSWORD),
    session_secret=SECRET,
)
PROXY_SETTINGS = AccessSettings(
    host="0.0.0.0",
    origins=own_origins("127.0.0.1", 3000),
    identity_header="X-Forwarded-Email",
    trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),),
)


async def inner_app(scope, receive, send):
    """Stands for Reflex: a page (304 when the browser has it), or an accepted websocket."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        return
    if (b"if-none-match", b'"v1"') in scope["headers"]:
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"v1"')]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
    )
    await send({"type": "http.response.body", "body": PAGE})


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def gate_for(settings: AccessSettings, clock: Callable[[], float] | None = None) -> AccessGate:
    store = MemoryStore()
    return AccessGate(inner_app, lambda: settings, lambda: store, clock or Clock())


def client(gate: AccessGate, peer: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=gate, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url=APP)


def websocket(gate: AccessGate, headers: dict[str, str], peer: str = "127.0.0.1") -> str:
    """Open a websocket through the gate; returns what the server answered first."""
    sent: list[dict] = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "websocket",
        "path": "/_event/",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 50000),
        "server": ("127.0.0.1", 3000),
        "scheme": "ws",
    }
    asyncio.run(gate(scope, receive, send))
    return sent[0]["type"]


def sign_in(
    gate: AccessGate, password: str, name: str = "Alice", origin: str = APP
) -> httpx.Response:
    async def post() -> httpx.Response:
        async with client(gate) as http:
            form = {"name": name, "password": password, "next": "/?thread=t1"}
            return await http.post("/_access/sign-in", data=form, headers={"Origin": origin})

    return asyncio.run(post())


def get(gate: AccessGate, path: str, headers: dict[str, str] | None = None, peer="127.0.0.1"):
    async def fetch() -> httpx.Response:
        async with client(gate, peer) as http:
            return await http.get(path, headers=headers)

    return asyncio.run(fetch())


def test_on_loopback_with_no_settings_the_page_and_the_websocket_from_its_origin_pass():
    gate = gate_for(AccessSettings(origins=own_origins("127.0.0.1", 3000)))
    assert get(gate, "/").status_code == 200
    assert websocket(gate, {"Origin": "http://localhost:3000"}) == "websocket.accept"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "http://127.0.0.1:8080"}, id="another-local-origin"),
        pytest.param({"Origin": "null"}, id="null"),
        pytest.param({}, id="missing"),
    ],
)
def test_the_websocket_refuses_any_origin_but_the_apps_own_before_reflex_sees_it(headers):
    gate = gate_for(AccessSettings(origins=own_origins("127.0.0.1", 3000)))
    assert websocket(gate, headers) == "websocket.close"


def test_pages_carry_security_headers_and_a_policy_with_their_inline_scripts_hashes():
    response = get(gate_for(AccessSettings(origins=own_origins("127.0.0.1", 3000))), "/")
    policy = response.headers["content-security-policy"]
    scripts = re.search(r"script-src ([^;]+)", policy).group(1).split()
    boot_hash = base64.b64encode(hashlib.sha256(b"boot()").digest()).decode()
    assert scripts == ["'self'", "'unsafe-eval'", f"'sha256-{boot_hash}'"]  # not a.js: it has src
    assert "connect-src 'self' ws://127.0.0.1:3000 ws://localhost:3000" in policy
    assert "frame-ancestors 'self'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == PAGE


def test_a_page_the_browser_already_has_keeps_its_policy_with_the_hashes():
    gate = gate_for(AccessSettings(origins=own_origins("127.0.0.1", 3000)))
    response = get(gate, "/", {"If-None-Match": '"v1"'})
    assert response.status_code == 304
    assert "content-security-policy" not in response.headers  # a policy here would replace it
    assert response.headers["referrer-policy"] == "no-referrer"


def test_with_a_password_the_page_sends_to_sign_in_and_the_websocket_is_refused():
    gate = gate_for(PASSWORD_SETTINGS)
    response = get(gate, "/?thread=t1")
    assert response.status_code == 303
    assert response.headers["location"] == "/_access/sign-in?next=%2F%3Fthread%3Dt1"
    assert websocket(gate, {"Origin": APP}) == "websocket.close"
    assert get(gate, "/health").status_code == 200  # load balancers need no session


def test_the_right_password_gives_a_session_cookie_for_page_and_websocket():
    gate = gate_for(PASSWORD_SETTINGS)
    response = sign_in(gate, PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/?thread=t1"
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{cookie_name(3000)}=")
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    assert "Secure" not in set_cookie  # plain http on loopback
    cookie = {"Cookie": set_cookie.split(";")[0]}
    assert get(gate, "/", cookie).status_code == 200
    assert websocket(gate, {"Origin": APP, **cookie}) == "websocket.accept"


def test_behind_https_the_session_cookie_is_secure():
    public = "https://inspector.example.com"
    settings = AccessSettings(
        origins=own_origins("127.0.0.1", 3000, [public]),
        password_hash=PASSWORD_SETTINGS.password_hash,
        session_secret=SECRET,
    )
    assert "Secure" in sign_in(gate_for(settings), PASSWORD, origin=public).headers["set-cookie"]


def test_a_wrong_password_gets_a_clear_error_and_is_logged_without_what_was_typed(caplog):
    response = sign_in(gate_for(PASSWORD_SETTINGS), "guess-123", name="mallory")
    assert response.status_code == 401
    assert "Wrong password" in response.text
    assert "set-cookie" not in response.headers
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "sign-in failed" in logged
    assert "guess-123" not in logged and "mallory" not in logged


def test_repeated_failures_must_wait_longer_and_longer():
    clock = Clock()
    gate = gate_for(PASSWORD_SETTINGS, clock)
    for _ in range(3):
        assert sign_in(gate, "nope").status_code == 401
    refused = sign_in(gate, PASSWORD)  # even the right password waits its turn
    assert refused.status_code == 429
    assert "try again in 1 s" in refused.text
    clock.now += 1.5
    assert sign_in(gate, "nope").status_code == 401
    assert "try again in 2 s" in sign_in(gate, PASSWORD).text
    clock.now += 2.5
    assert sign_in(gate, PASSWORD).status_code == 303


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie():
    gate = gate_for(PASSWORD_SETTINGS)
    cookie = {"Cookie": sign_in(gate, PASSWORD).headers["set-cookie"].split(";")[0]}

    async def sign_out() -> httpx.Response:
        async with client(gate) as http:
            return await http.post("/_access/sign-out", headers={"Origin": APP, **cookie})

    response = asyncio.run(sign_out())
    assert response.status_code == 204
    assert (
        "Max-Age=0" in response.headers["set-cookie"]
        or "expires=" in response.headers["set-cookie"]
    )
    assert get(gate, "/", cookie).status_code == 303
    assert websocket(gate, {"Origin": APP, **cookie}) == "websocket.close"


def test_a_forged_or_expired_cookie_is_refused():
    clock = Clock()
    gate = gate_for(PASSWORD_SETTINGS, clock)
    _, forged = issue_session("alice", b"another secret of 32 bytes......", clock.now, 3600)
    _, valid = issue_session("alice", SECRET, clock.now, 3600)
    assert get(gate, "/", {"Cookie": f"{cookie_name(3000)}={forged}"}).status_code == 303
    assert get(gate, "/", {"Cookie": f"{cookie_name(3000)}={valid}"}).status_code == 200
    clock.now += 3601
    assert get(gate, "/", {"Cookie": f"{cookie_name(3000)}={valid}"}).status_code == 303


def test_the_identity_header_is_believed_from_a_trusted_proxy_only():
    gate = gate_for(PROXY_SETTINGS)
    header = {"X-Forwarded-Email": "alice@example.com"}
    assert get(gate, "/", header).status_code == 200
    assert get(gate, "/", header, peer="10.9.8.7").status_code == 401
    assert get(gate, "/").status_code == 401
    assert websocket(gate, {"Origin": APP, **header}) == "websocket.accept"
    assert websocket(gate, {"Origin": APP, **header}, peer="10.9.8.7") == "websocket.close"


def test_unusable_settings_refuse_every_request_with_the_reason():
    def broken() -> AccessSettings:
        raise AccessSettingsError("INSPECTOR_TRUSTED_PROXIES must list addresses")

    gate = AccessGate(inner_app, load=broken, store=MemoryStore)
    response = get(gate, "/")
    assert response.status_code == 503
    assert "INSPECTOR_TRUSTED_PROXIES" in response.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("/?thread=abc", "/?thread=abc", id="own-path"),
        pytest.param("https://evil.example/", "/", id="absolute"),
        pytest.param("//evil.example/", "/", id="scheme-relative"),
        pytest.param("/\\evil.example", "/", id="backslash"),
        pytest.param("/_access/sign-out", "/", id="access-endpoint"),
    ],
)
def test_after_signing_in_the_app_returns_only_to_its_own_pages(value, expected):
    assert safe_next(value) == expected


def test_the_wait_before_the_next_sign_in_doubles_after_three_failures_up_to_a_minute():
    assert [sign_in_wait(n, 0.0, 0.0) for n in (0, 2, 3, 4, 5, 20)] == [0, 0, 1, 2, 4, 60]
    assert sign_in_wait(4, 0.0, 1.5) == 0.5
