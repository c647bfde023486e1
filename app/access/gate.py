"""The ASGI middleware in front of everything the app serves: page, assets and websocket.

In order, for each request: a foreign ``Origin`` is refused (and a missing one, on the
websocket and on anything but GET/HEAD); the sign-in and sign-out endpoints answer; health
checks pass; then the request must come from a person the settings accept (a session cookie
that was not signed out, or a trusted proxy's identity header) or it is refused: the page is
sent to sign in, the websocket is closed before Reflex sees it, so no session state exists.
Every HTTP response gets the headers of :mod:`app.access.headers`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import AccessSettingsError, InvalidPersonName, InvalidSession, NotSignedIn
from .headers import (
    STATIC_HEADERS,
    content_security_policy,
    html_body,
    inline_script_hashes,
)
from .identity import Person, client_address, identify, person_name
from .origins import is_own_origin
from .pages import PAGE_POLICY, SIGN_IN_PATH, SIGN_OUT_PATH, message_page, sign_in_page
from .password import verify_password
from .session import cookie_from_header, cookie_name, issue_session, read_session
from .settings import AccessSettings, access_settings
from .store import SharedStore, shared_store

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
#: Answered for anyone: load balancers' and the launcher's readiness checks.
PUBLIC_PATHS = ("/ping", "/health", "/_health", "/favicon.ico")
MAX_FORM_BYTES = 8192
#: Failed sign-ins from one address allowed before each next try must wait.
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 60.0


def sign_in_wait(failures: int, last_failure: float, now: float) -> float:
    """Seconds until the next sign-in may be tried: 0 for the first FREE_FAILURES failures,
    then 1, 2, 4... (at most MAX_WAIT_SECONDS) after the last one."""
    if failures < FREE_FAILURES:
        return 0.0
    wait = min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)
    return max(0.0, last_failure + wait - now)


def safe_next(value: str) -> str:
    """A path on this app to return to after signing in; anything else becomes ``/``."""
    if not value.startswith("/") or value.startswith(("//", "/\\", "/_access/")):
        return "/"
    return value


class AccessGate:
    """Wraps the app's ASGI app (``rx.App(api_transformer=...)``)."""

    def __init__(
        self,
        app: ASGIApp,
        load: Callable[[], AccessSettings] = access_settings,
        store: Callable[[], SharedStore] = shared_store,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app, self._load, self._store, self._clock = app, load, store, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        conn = HTTPConnection(scope)
        try:
            settings = self._load()
        except AccessSettingsError as exc:
            log.error("refused a request: the access settings cannot be used: %s", exc)
            return await self._refuse(conn, receive, send, 503, "Not available", str(exc))
        is_socket = scope["type"] == "websocket"
        origin = conn.headers.get("origin")
        needs_origin = is_socket or scope["method"] not in SAFE_METHODS
        if (origin or needs_origin) and not is_own_origin(origin, settings.origins):
            self._log_refusal(conn, settings, "foreign or missing origin")
            return await self._refuse(conn, receive, send, 403, "Refused", "Foreign origin.")
        path, signs_in = scope["path"], settings.mode == "password" and not is_socket
        if signs_in and path == SIGN_IN_PATH:
            return await self._sign_in(conn, receive, send, settings)
        if signs_in and path == SIGN_OUT_PATH and scope["method"] == "POST":
            return await self._sign_out(conn, receive, send, settings)
        if not is_socket and path in PUBLIC_PATHS:
            return await self.app(scope, receive, self._with_headers(send, settings))
        try:
            await self._person(conn, settings)
        except NotSignedIn as exc:
            self._log_refusal(conn, settings, exc.reason)
            if settings.mode == "password" and not is_socket and scope["method"] in SAFE_METHODS:
                target = quote(path + (f"?{conn.url.query}" if conn.url.query else ""), safe="")
                return await self._send(
                    RedirectResponse(f"{SIGN_IN_PATH}?next={target}", 303), conn, receive, send
                )
            return await self._refuse(
                conn, receive, send, 401, "Sign in first", "Sign in through your organisation."
            )
        if is_socket:
            return await self.app(scope, receive, send)
        return await self.app(scope, receive, self._with_headers(send, settings))

    async def _person(self, conn: HTTPConnection, settings: AccessSettings) -> Person:
        person = identify(conn.headers, _peer(conn), settings, self._clock())
        if person.session_id and await self._store().session_ended(
            person.session_id, self._clock()
        ):
            raise InvalidSession("signed-out session")
        return person

    # the team password

    async def _sign_in(
        self, conn: HTTPConnection, receive: Receive, send: Send, settings: AccessSettings
    ) -> None:
        if conn.scope["method"] != "POST":
            next_path = safe_next(conn.query_params.get("next", "/"))
            try:
                await self._person(conn, settings)
                return await self._send(RedirectResponse(next_path, 303), conn, receive, send)
            except NotSignedIn:
                notice = "You are signed out." if "signed_out" in conn.query_params else ""
                return await self._page(sign_in_page(next_path, notice=notice), conn, receive, send)
        form = await _read_form(receive)
        next_path, typed_name = safe_next(form.get("next", "/")), form.get("name", "")
        store, now = self._store(), self._clock()
        client = client_address(conn.headers, _peer(conn), settings)
        wait = sign_in_wait(*await store.failures(client, now), now)
        if wait > 0:
            log.warning("sign-in refused: too many failures", extra={"client": client})
            error = f"Too many failed sign-ins: try again in {wait:.0f} s."
            page = sign_in_page(next_path, typed_name, error)
            return await self._page(page, conn, receive, send, 429, {"retry-after": f"{wait:.0f}"})
        try:
            name = person_name(typed_name)
        except InvalidPersonName as exc:
            return await self._page(
                sign_in_page(next_path, typed_name, str(exc)), conn, receive, send, 400
            )
        if not await asyncio.to_thread(
            verify_password, form.get("password", ""), settings.password_hash
        ):
            failures = await store.add_failure(client, now)
            # What was typed (name and password) stays out of the log.
            log.warning("sign-in failed", extra={"client": client, "failures": failures})
            error = "Wrong password. Ask your team for the current one."
            return await self._page(
                sign_in_page(next_path, typed_name, error), conn, receive, send, 401
            )
        await store.clear_failures(client)
        lifetime = settings.session_hours * 3600
        _session, value = issue_session(name, settings.session_secret, now, lifetime)
        log.info("signed in", extra={"person": name, "client": client})
        response = RedirectResponse(next_path, 303)
        response.set_cookie(
            cookie_name(settings.port),
            value,
            max_age=int(lifetime),
            path="/",
            httponly=True,
            samesite="lax",
            secure=_is_https(conn),
        )
        return await self._send(response, conn, receive, send)

    async def _sign_out(
        self, conn: HTTPConnection, receive: Receive, send: Send, settings: AccessSettings
    ) -> None:
        """End the session for good (the cookie alone could be replayed) and drop the cookie."""
        value = cookie_from_header(conn.headers.get("cookie", ""), cookie_name(settings.port))
        try:
            session = read_session(value, settings.session_secret, self._clock())
            await self._store().end_session(session.session_id, session.expires_at, self._clock())
            log.info("signed out", extra={"person": session.person})
        except NotSignedIn:
            pass
        response = Response(status_code=204)
        response.delete_cookie(
            cookie_name(settings.port),
            path="/",
            httponly=True,
            samesite="lax",
            secure=_is_https(conn),
        )
        return await self._send(response, conn, receive, send)

    # responses

    def _log_refusal(self, conn: HTTPConnection, settings: AccessSettings, reason: str) -> None:
        log.warning(
            "refused a %s",
            "websocket" if conn.scope["type"] == "websocket" else "request",
            extra={
                "reason": reason,
                "origin": conn.headers.get("origin", ""),
                "path": conn.scope["path"],
                "client": client_address(conn.headers, _peer(conn), settings),
            },
        )

    async def _refuse(
        self, conn: HTTPConnection, receive: Receive, send: Send, status: int, title: str, text: str
    ) -> None:
        if conn.scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        await self._page(message_page(title, text), conn, receive, send, status)

    async def _page(
        self,
        html: str,
        conn: HTTPConnection,
        receive: Receive,
        send: Send,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        response = HTMLResponse(html, status, {"cache-control": "no-store", **(headers or {})})
        response.headers["content-security-policy"] = PAGE_POLICY
        # With ``no-referrer`` the browser sends ``Origin: null`` with the sign-in form, which
        # the gate refuses; these pages name no thread worth hiding from the app itself.
        response.headers["referrer-policy"] = "same-origin"
        await self._send(response, conn, receive, send)

    async def _send(
        self, response: Response, conn: HTTPConnection, receive: Receive, send: Send
    ) -> None:
        for name, value in STATIC_HEADERS:
            response.headers.setdefault(name.decode(), value.decode())
        await response(conn.scope, receive, send)

    def _with_headers(self, send: Send, settings: AccessSettings) -> Send:
        """``send`` that adds the security headers, and for HTML the policy with its hashes."""
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                if message["status"] == 304:
                    # The browser keeps the stored page's policy (its hashes) unless told anew.
                    return await send(_add_headers(message, None))
                if "text/html" not in headers.get("content-type", ""):
                    policy = content_security_policy(settings.origins)
                    return await send(_add_headers(message, policy))
                start = message  # hold it until the body's inline scripts are hashed
                return None
            if start is None:
                return await send(message)
            if message["type"] == "http.response.pathsend":  # a static file, sent by the server
                raw = await asyncio.to_thread(Path(message["path"]).read_bytes)
            else:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return None
                raw = b"".join(body)
                message = {"type": "http.response.body", "body": raw}
            encoding = Headers(raw=start["headers"]).get("content-encoding", "")
            hashes = inline_script_hashes(html_body(raw, encoding)) if raw else []
            await send(_add_headers(start, content_security_policy(settings.origins, hashes)))
            await send(message)
            return None

        return send_with_headers


def _add_headers(start: Message, policy: str | None) -> Message:
    """``start`` with the static headers and ``policy`` (None: no policy header at all)."""
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-security-policy"]
    headers += STATIC_HEADERS
    if policy is not None:
        headers.append((b"content-security-policy", policy.encode()))
    return {**start, "headers": headers}


def _peer(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


def _is_https(conn: HTTPConnection) -> bool:
    """Whether the browser came over https (directly, or as its Origin says through a proxy)."""
    return conn.url.scheme in ("https", "wss") or conn.headers.get("origin", "").startswith(
        "https://"
    )


async def _read_form(receive: Receive) -> dict[str, str]:
    """An urlencoded form body (at most MAX_FORM_BYTES; the rest is ignored)."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_FORM_BYTES:
            chunks.append(chunk)
        more = message.get("more_body", False)
    try:
        fields = parse_qs(b"".join(chunks).decode(errors="replace"), max_num_fields=10)
    except ValueError:  # more fields than a sign-in form has
        return {}
    return {key: values[0] for key, values in fields.items()}
