"""Who may use the app: the access settings, read from the environment and checked at start."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import AccessSettingsError, PasswordHashError
from .origins import is_loopback, own_origins
from .password import check_hash

#: How the app knows who is there: nobody else can reach it (``local``), anyone may, as
#: ``INSPECTOR_ALLOW_ANONYMOUS`` says (``open``: every page shows it), a team password
#: (``password``) or a single-sign-on proxy's identity header (``proxy``).
Mode = Literal["local", "open", "password", "proxy"]
ProxyNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_USER_HEADER = "X-Inspector-User"
SECRET_MIN_BYTES = 32
FIX_EXPOSED = (
    "HOST={host} makes the app reachable from other machines, and nothing says who may use "
    "it (and the deployment's key with it). Choose one:\n"
    "  INSPECTOR_PASSWORD_HASH=<hash>   a team password; make the hash with "
    "`.venv/bin/python -m app.access.password`\n"
    "  INSPECTOR_IDENTITY_HEADER=X-Forwarded-Email INSPECTOR_TRUSTED_PROXIES=<proxy address>\n"
    "                                   people as a single-sign-on proxy in front names them\n"
    "  INSPECTOR_ALLOW_ANONYMOUS=true   anyone who reaches it may use it (every page says so)\n"
    "or listen on 127.0.0.1 only (HOST=127.0.0.1)."
)


@dataclass(frozen=True)
class AccessSettings:
    """Where the app listens, which origins it answers, and how it knows who is there."""

    host: str = "127.0.0.1"
    port: int = 3000
    origins: frozenset[str] = frozenset()
    password_hash: str = field(default="", repr=False)
    session_secret: bytes = field(default=b"", repr=False)
    session_hours: float = 12.0
    identity_header: str = ""
    trusted_proxies: tuple[ProxyNetwork, ...] = ()
    allow_anonymous: bool = False
    #: The header that names the person to the deployment ("" sends none).
    user_header: str = DEFAULT_USER_HEADER
    max_runs_per_person: int = 3
    max_runs_per_tab: int = 1

    @property
    def mode(self) -> Mode:
        if self.password_hash:
            return "password"
        if self.identity_header:
            return "proxy"
        return "open" if self.allow_anonymous or not is_loopback(self.host) else "local"

    def is_trusted_proxy(self, address: str) -> bool:
        """Whether ``address`` is one of the configured single-sign-on proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


def load_access_settings(environ: Mapping[str, str] = os.environ) -> AccessSettings:
    """Read ``HOST``, ``PORT`` and the ``INSPECTOR_*`` settings (the README lists them).

    Raises AccessSettingsError, saying how to fix it, when the settings leave an exposed app
    open without saying so, or cannot be used."""
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    port = _integer(environ, "PORT", 3000)
    password_hash = environ.get("INSPECTOR_PASSWORD_HASH", "").strip()
    identity_header = environ.get("INSPECTOR_IDENTITY_HEADER", "").strip()
    allow_anonymous = _flag(environ, "INSPECTOR_ALLOW_ANONYMOUS")
    if password_hash and identity_header:
        raise AccessSettingsError(
            "Set INSPECTOR_PASSWORD_HASH or INSPECTOR_IDENTITY_HEADER, not both: a team "
            "password or a single-sign-on proxy."
        )
    if not (password_hash or identity_header or allow_anonymous or is_loopback(host)):
        raise AccessSettingsError(FIX_EXPOSED.format(host=host))
    try:
        if password_hash:
            check_hash(password_hash)
    except PasswordHashError as exc:
        raise AccessSettingsError(str(exc)) from exc
    proxies = _networks(environ.get("INSPECTOR_TRUSTED_PROXIES", ""))
    if identity_header and not proxies:
        raise AccessSettingsError(
            f"INSPECTOR_IDENTITY_HEADER={identity_header} needs INSPECTOR_TRUSTED_PROXIES: the "
            "addresses of the single-sign-on proxy, the only ones whose header is believed."
        )
    secret = environ.get("INSPECTOR_SESSION_SECRET", "").strip()
    if password_hash and len(secret.encode()) < SECRET_MIN_BYTES:
        raise AccessSettingsError(
            f"INSPECTOR_SESSION_SECRET must be at least {SECRET_MIN_BYTES} characters (the "
            "launcher makes one per start when it is unset; set it to keep sessions across "
            "restarts)."
        )
    return AccessSettings(
        host=host,
        port=port,
        origins=own_origins(host, port, _items(environ.get("INSPECTOR_ORIGINS", ""))),
        password_hash=password_hash,
        session_secret=secret.encode(),
        session_hours=float(_integer(environ, "INSPECTOR_SESSION_HOURS", 12)),
        identity_header=identity_header,
        trusted_proxies=proxies,
        allow_anonymous=allow_anonymous,
        user_header=environ.get("LANGGRAPH_USER_HEADER", DEFAULT_USER_HEADER).strip(),
        max_runs_per_person=_integer(environ, "INSPECTOR_MAX_RUNS_PER_PERSON", 3),
        max_runs_per_tab=_integer(environ, "INSPECTOR_MAX_RUNS_PER_TAB", 1),
    )


_settings: AccessSettings | None = None


def access_settings() -> AccessSettings:
    """This process's access settings, read once (raises AccessSettingsError, and caches
    nothing, while they cannot be used)."""
    global _settings
    if _settings is None:
        _settings = load_access_settings()
    return _settings


def launch_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What the launcher adds to the app's environment, after checking the settings (raises
    AccessSettingsError): a session secret for this start when a password is set and no
    secret is, shared by all workers; and the origins for Reflex's own CORS and socket checks.
    """
    added = {}
    if environ.get("INSPECTOR_PASSWORD_HASH") and not environ.get("INSPECTOR_SESSION_SECRET"):
        added["INSPECTOR_SESSION_SECRET"] = secrets.token_urlsafe(SECRET_MIN_BYTES)
    settings = load_access_settings({**environ, **added})
    added["REFLEX_CORS_ALLOWED_ORIGINS"] = ",".join(sorted(settings.origins))
    return added


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise AccessSettingsError(f"{name} must be true or false, not {value!r}")


def _integer(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        number = 0
    if number < 1:
        raise AccessSettingsError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def _networks(value: str) -> tuple[ProxyNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in _items(value))
    except ValueError as exc:
        raise AccessSettingsError(
            f"INSPECTOR_TRUSTED_PROXIES must list addresses or networks: {exc}"
        ) from exc
