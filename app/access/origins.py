"""The app's own origins: the only ones its websocket and state-changing requests accept."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from .errors import AccessSettingsError

DEFAULT_PORTS = {"http": 80, "https": 443}
#: Hosts a browser reaches a loopback server by; an origin with one is accepted with any other.
LOOPBACK_ALIASES = ("127.0.0.1", "localhost")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only ever answers on this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case without a default port; raises
    AccessSettingsError for anything else (a path, a query, another scheme)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise AccessSettingsError(f"{value!r} is not an origin: {exc}") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or parts.path not in ("", "/"):
        raise AccessSettingsError(
            f"{value!r} is not an origin: write it as scheme://host[:port], e.g. "
            "https://inspector.example.com"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise AccessSettingsError(f"{value!r} is not an origin: only scheme://host[:port]")
    return _origin(scheme, host, port)


def own_origins(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The origins a browser uses for the app listening on ``host``:``port``, plus ``extra``.

    A loopback host gives both ``127.0.0.1`` and ``localhost``; a wildcard host (``0.0.0.0``)
    those and the machine's name. Behind a domain or a TLS proxy, list its origin in ``extra``.
    """
    hosts = [host]
    if host in WILDCARD_HOSTS:
        hosts = ["127.0.0.1", socket.gethostname()]
    origins = {_origin("http", h.lower(), port) for h in hosts}
    origins |= {normalize_origin(origin) for origin in extra}
    return frozenset(alias for origin in origins for alias in _loopback_aliases(origin))


def is_own_origin(origin: str | None, own: frozenset[str]) -> bool:
    """Whether an ``Origin`` header names one of ``own``; a missing or ``null`` one does not."""
    if not origin:
        return False
    try:
        return normalize_origin(origin) in own
    except AccessSettingsError:
        return False


def websocket_origins(own: Iterable[str]) -> list[str]:
    """The websocket addresses of ``own`` (``ws://`` for http, ``wss://`` for https)."""
    return sorted(
        origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1) for origin in own
    )


def _origin(scheme: str, host: str, port: int | None) -> str:
    if ":" in host:
        host = f"[{host.strip('[]')}]"
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _loopback_aliases(origin: str) -> list[str]:
    parts = urlsplit(origin)
    if parts.hostname not in LOOPBACK_ALIASES:
        return [origin]
    return [_origin(parts.scheme, alias, parts.port) for alias in LOOPBACK_ALIASES]
