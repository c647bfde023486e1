"""Signed session cookies: who signed in, until when, and an id that signing out ends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from .errors import InvalidSession

VERSION = "v1"


@dataclass(frozen=True)
class Session:
    person: str
    session_id: str
    expires_at: float


def cookie_name(port: int) -> str:
    """One name per app port: cookies ignore ports, so two apps on one host would share it."""
    return f"inspector_session_{port}"


def issue_session(person: str, secret: bytes, now: float, lifetime: float) -> tuple[Session, str]:
    """A new session for ``person`` and its signed cookie value."""
    session = Session(person, secrets.token_urlsafe(16), now + lifetime)
    body = {"p": session.person, "s": session.session_id, "e": session.expires_at}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return session, f"{VERSION}.{payload}.{_sign(payload, secret)}"


def read_session(value: str, secret: bytes, now: float) -> Session:
    """The session a cookie value carries; raises InvalidSession when it is malformed, its
    signature is wrong, or it has expired."""
    version, _, rest = value.partition(".")
    payload, _, signature = rest.partition(".")
    if version != VERSION or not payload or not signature:
        raise InvalidSession("malformed session cookie")
    if not hmac.compare_digest(signature, _sign(payload, secret)):
        raise InvalidSession("session cookie with a wrong signature")
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        session = Session(str(body["p"]), str(body["s"]), float(body["e"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidSession("malformed session cookie") from exc
    if session.expires_at <= now:
        raise InvalidSession("expired session")
    return session


def cookie_from_header(cookie_header: str, name: str) -> str:
    """The value of cookie ``name`` in a ``Cookie`` header ("" when absent or unreadable)."""
    # Read by hand: http.cookies stops at the first cookie it dislikes, and other apps on
    # the same host (cookies ignore ports) may set any.
    for pair in cookie_header.split(";"):
        key, sep, value = pair.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return ""


def _sign(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, f"{VERSION}.{payload}".encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
