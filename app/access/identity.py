"""Who sent a request: from its session cookie, or its single-sign-on proxy's header.

The same function answers for the page, the websocket's handshake and, in the Reflex state,
for each event (from the handshake's headers): an event's payload is never believed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InvalidPersonName, NotSignedIn
from .session import cookie_from_header, cookie_name, read_session
from .settings import AccessSettings

MAX_NAME_LENGTH = 128
# Names travel in an HTTP header to the deployment and into thread metadata: keep them plain.
NAME_PATTERN = re.compile(r"[a-z0-9._@+\-]+( [a-z0-9._@+\-]+)*", re.ASCII)


@dataclass(frozen=True)
class Person:
    """Who is there: ``name`` is "" when the settings name nobody (local or open access)."""

    name: str
    session_id: str = ""

    @property
    def is_anonymous(self) -> bool:
        return not self.name


ANONYMOUS = Person("")


def person_name(value: str) -> str:
    """A name as the app keeps it (trimmed, lower case); raises InvalidPersonName."""
    name = " ".join(value.split()).lower()
    if not name or len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.fullmatch(name):
        raise InvalidPersonName(
            f"Use 1 to {MAX_NAME_LENGTH} letters, digits, spaces and . _ @ + - for a name."
        )
    return name


def identify(headers: Mapping[str, str], peer: str, settings: AccessSettings, now: float) -> Person:
    """The person a request comes from. ``headers`` have lower-case names; ``peer`` is the
    address of the connection's other end. Raises NotSignedIn (or InvalidSession) when the
    settings want a person and the request names none they believe.

    A session that was signed out is still returned here: checking that needs the shared
    store (see :mod:`app.access.gate`)."""
    if settings.mode == "password":
        value = cookie_from_header(headers.get("cookie", ""), cookie_name(settings.port))
        if not value:
            raise NotSignedIn("no session cookie")
        session = read_session(value, settings.session_secret, now)
        return Person(session.person, session.session_id)
    if settings.mode == "proxy":
        if not settings.is_trusted_proxy(peer):
            raise NotSignedIn(f"not from a trusted proxy ({peer})")
        value = headers.get(settings.identity_header.lower(), "")
        if not value:
            raise NotSignedIn(f"no {settings.identity_header} header")
        try:
            return Person(person_name(value))
        except InvalidPersonName as exc:
            raise NotSignedIn(f"unusable {settings.identity_header} header") from exc
    return ANONYMOUS


def client_address(headers: Mapping[str, str], peer: str, settings: AccessSettings) -> str:
    """The browser's address: ``X-Forwarded-For``'s last hop behind a trusted proxy, else the
    peer. For throttling sign-ins and for logs."""
    forwarded = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",")]
    if settings.is_trusted_proxy(peer) and forwarded[-1]:
        return forwarded[-1]
    return peer
